// Default-pack embedder: an ArcFace-style recogniser on the 5-point-aligned 112×112 crop, with an
// optional flip test (embed the mirrored crop too and add the two before normalising), which the
// model evaluation measured as a gain for fr_feature (see models/packs/default.json calibration).
import * as ort from 'onnxruntime-node';
import { l2normalize } from '../../../shared/vec';
import { alignTemplateOf, embedInChunks, mirror } from '../arcface';
import type { EmbedderSpec } from '../manifest';
import type { FaceEmbedder, RgbImage } from '../types';


export class AlignedEmbedder implements FaceEmbedder {
  readonly dim: number;
  readonly inputSize: number;
  readonly alignTemplate?: readonly number[];
  private readonly flip: boolean;
  private readonly batch: number;

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly spec: EmbedderSpec,
    readonly modelId: string,
    private readonly file: string,
  ) {
    const [w, h] = spec.input.size;
    if (w !== h) throw new Error(`${file}: embedder.input.size must be square, got ${w}×${h}`);
    if (!session.inputNames.includes(spec.input.name)) throw new Error(`${file}: model has no input "${spec.input.name}"`);
    if (!session.outputNames.includes(spec.output)) throw new Error(`${file}: model has no output "${spec.output}"`);
    this.inputSize = w;
    this.dim = spec.dim;
    this.flip = spec.params?.flip === true;
    this.alignTemplate = alignTemplateOf(spec, file);
    const meta = session.inputMetadata.find((m) => m.name === spec.input.name);
    const b0 = meta && meta.isTensor ? meta.shape[0] : undefined;
    // fr_feature.onnx fixes the batch at 1; converted models take any batch.
    this.batch = typeof b0 === 'number' && b0 > 0 ? b0 : 32;
  }

  private toTensor(imgs: RgbImage[]): ort.Tensor {
    const S = this.inputSize, plane = S * S;
    const { layout, channelOrder, mean, std } = this.spec.input;
    const data = new Float32Array(imgs.length * plane * 3);
    const ch = channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
    imgs.forEach((img, n) => {
      const base = n * plane * 3;
      for (let p = 0; p < plane; p++) {
        for (let c = 0; c < 3; c++) {
          const v = (img.data[p * 3 + ch[c]] - mean[c]) / std[c];
          data[layout === 'NCHW' ? base + c * plane + p : base + p * 3 + c] = v;
        }
      }
    });
    return new ort.Tensor('float32', data, layout === 'NCHW' ? [imgs.length, 3, S, S] : [imgs.length, S, S, 3]);
  }

  private raw(imgs: RgbImage[]): Promise<Float32Array[]> {
    return embedInChunks(this.session, this.file, this.spec.input.name, this.spec.output, this.dim, this.batch, imgs, (chunk) => this.toTensor(chunk));
  }

  async embed(aligned: RgbImage[]): Promise<Float32Array[]> {
    for (const [i, a] of aligned.entries()) {
      if (a.width !== this.inputSize || a.height !== this.inputSize) {
        throw new Error(`${this.modelId}: crop ${i} is ${a.width}×${a.height}, expected ${this.inputSize}×${this.inputSize}`);
      }
    }
    const base = await this.raw(aligned);
    if (!this.flip) return base.map(l2normalize);
    // The aligned template is symmetric, so the mirror of an aligned crop is still aligned.
    const mirrored = await this.raw(aligned.map(mirror));
    return base.map((v, i) => {
      const m = mirrored[i];
      for (let k = 0; k < v.length; k++) v[k] += m[k];
      return l2normalize(v);
    });
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
