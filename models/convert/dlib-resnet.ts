// dlib's face recognition ResNet (dlib_face_recognition_resnet_model_v1, 128-d) → ONNX, from the
// weights @vladmandic/face-api ships as a bare TFJS weights manifest: face-api defines the network in
// code (src/faceRecognitionNet), so there is no graph to convert and the graph is written here, layer
// for layer as face-api runs it. Activations are NCHW; the input is the 150×150 face chip already
// normalised ((px − channel mean) / 256, as dlib's input layer does), so AlignedEmbedder feeds it.
//
// Each conv layer is conv → +bias → ×scale +shift (dlib's affine layer, batch norm folded); both are
// per output channel, so they fold into the convolution's weights and bias.
import { OnnxGraphBuilder } from '../../electron/models/onnx-graph';
import { loadTfjsWeights, type TfConst } from './tfjs-graph';
import { transposeConst } from './tfjs-to-onnx';

export const DLIB_CHIP = 150;
/** dlib's input layer: channel means of its training set, RGB; pixels are (px − mean) / 256. */
export const DLIB_MEAN_RGB: [number, number, number] = [122.782, 117.001, 104.298];
export const DLIB_PIXEL_SCALE = 256;

const RESIDUAL_STACK: readonly (readonly [string, 'same' | 'down'])[] = [
  ['conv32_1', 'same'], ['conv32_2', 'same'], ['conv32_3', 'same'],
  ['conv64_down', 'down'], ['conv64_1', 'same'], ['conv64_2', 'same'], ['conv64_3', 'same'],
  ['conv128_down', 'down'], ['conv128_1', 'same'], ['conv128_2', 'same'],
  ['conv256_down', 'down'], ['conv256_1', 'same'], ['conv256_2', 'same'], ['conv256_down_out', 'down'],
];

interface Shape { c: number; h: number }

class DlibResnet {
  readonly b = new OnnxGraphBuilder();

  constructor(private readonly w: Map<string, TfConst>, private readonly file: string) {}

  private weight(name: string): TfConst {
    const t = this.w.get(name);
    if (!t) throw new Error(`${this.file}: weight "${name}" is missing`);
    return t;
  }

  /** conv (+bias, ×scale +shift folded) with the given stride; `valid` or `same` padding. */
  private conv(x: string, s: Shape, layer: string, stride: number, padding: 'valid' | 'same', relu: boolean): [string, Shape] {
    const f = this.weight(`${layer}/conv/filters`);
    const [kh, kw, cin, cout] = f.shape;
    if (cin !== s.c) throw new Error(`${this.file}: ${layer} takes ${cin} channels, gets ${s.c}`);
    const bias = this.weight(`${layer}/conv/bias`).data, mul = this.weight(`${layer}/scale/weights`).data, add = this.weight(`${layer}/scale/biases`).data;
    const oihw = transposeConst(f.data as Float32Array, f.shape, [3, 2, 0, 1]);
    const per = cin * kh * kw;
    for (let o = 0; o < cout; o++) for (let k = 0; k < per; k++) oihw.data[o * per + k] *= mul[o];
    const b = new Float32Array(cout).map((_, o) => bias[o] * mul[o] + add[o]);
    const pad = padding === 'same' ? (kh - 1) / 2 : 0;
    const y = this.b.op('Conv', [x, this.b.floatInit(`${layer}/W`, oihw.shape, oihw.data), this.b.floatInit(`${layer}/B`, [cout], b)], layer, {
      kernel_shape: [kh, kw], strides: [stride, stride], pads: [pad, pad, pad, pad],
    });
    const h = padding === 'same' ? s.h : Math.floor((s.h - kh) / stride) + 1;
    return [relu ? this.b.op('Relu', [y], `${layer}/relu`) : y, { c: cout, h }];
  }

  private pad(x: string, name: string, c: number, hw: number): string {
    return this.b.op('Pad', [x, this.b.int64Init(`${name}/pads`, [0, 0, 0, 0, 0, c, hw, hw])], name, { mode: 'constant' });
  }

  /** face-api's `residual` / `residualDown`: the shortcut of a down block is a 2×2 average pool, zero
   *  channels appended when the block widens; a branch one row short gets a zero row and column. */
  private residual(x: string, s: Shape, layer: string, kind: 'same' | 'down'): [string, Shape] {
    const [a, sa] = this.conv(x, s, `${layer}/conv1`, kind === 'down' ? 2 : 1, kind === 'down' ? 'valid' : 'same', true);
    let [out, so] = this.conv(a, sa, `${layer}/conv2`, 1, 'same', false);
    let short = x;
    if (kind === 'down') {
      short = this.b.op('AveragePool', [x], `${layer}/pool`, { kernel_shape: [2, 2], strides: [2, 2] });
      const ph = Math.floor((s.h - 2) / 2) + 1;
      if (ph !== so.h) {
        out = this.pad(out, `${layer}/pad_hw`, 0, ph - so.h);
        so = { c: so.c, h: ph };
      }
      if (so.c !== s.c) short = this.pad(short, `${layer}/pad_c`, so.c - s.c, 0);
    }
    return [this.b.op('Relu', [this.b.op('Add', [out, short], `${layer}/add`)], `${layer}/out`), so];
  }

  build(): Uint8Array {
    this.b.input('input', ['N', 3, DLIB_CHIP, DLIB_CHIP]);
    let [x, s] = this.conv('input', { c: 3, h: DLIB_CHIP }, 'conv32_down', 2, 'valid', true);
    x = this.b.op('MaxPool', [x], 'conv32_down/pool', { kernel_shape: [3, 3], strides: [2, 2] });
    s = { c: s.c, h: Math.floor((s.h - 3) / 2) + 1 };
    for (const [layer, kind] of RESIDUAL_STACK) [x, s] = this.residual(x, s, layer, kind);
    const pooled = this.b.op('GlobalAveragePool', [x], 'avg');
    const flat = this.b.op('Flatten', [pooled], 'flat', { axis: 1 });
    const fc = this.weight('fc');
    this.b.node('MatMul', [flat, this.b.floatInit('fc/W', fc.shape, fc.data as Float32Array)], ['embedding']);
    this.b.output('embedding', ['N', fc.shape[1]]);
    return this.b.encode('dlib_face_recognition_resnet_model_v1', `dlib face recognition ResNet from ${this.file}`, 'screenalytics dlib-resnet');
  }
}

/** The ONNX model of face-api's face_recognition_model weights manifest. */
export function convertDlibResnet(manifestFile: string): Uint8Array {
  return new DlibResnet(loadTfjsWeights(manifestFile), manifestFile).build();
}
