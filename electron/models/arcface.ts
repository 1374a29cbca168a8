// ArcFace-style embedder: aligned size×size crop → (px − mean) / std in the manifest's channel order
// and layout → one vector → L2-normalised. Runs a whole batch in one call when the model's batch
// dim is symbolic (mobilefacenet_paddle, w600k_*), else one crop per call (mobilefacenet.onnx).
// params.flip (the default pack sets it): also embed the mirrored crop and add the two before
// normalising, the usual flip test that steadies embeddings of slightly turned faces.
import * as ort from 'onnxruntime-node';
import { l2normalize } from '../../shared/vec';
import { dlibChipTemplate } from './align';
import type { EmbedderSpec } from './manifest';
import { batchToTensor } from './preprocess';
import { outputData, requireNames, requireShape, tensorShape } from './session-io';
import type { FaceEmbedder, RgbImage } from './types';

/** Largest batch per run: bounds memory on long runs of crops (64 × 112² × 3 floats ≈ 9.6 MB). */
const MAX_BATCH = 64;



/** "*" in a manifest means "the model's only input/output", for files whose tensor names vary by export. */
function onlyName(name: string, names: readonly string[], file: string, kind: string): string {
  if (name !== '*') return name;
  if (names.length !== 1) throw new Error(`${file}: manifest gives ${kind} "*" but the model has ${names.length} ${kind}s (${names.join(', ')})`);
  return names[0];
}

/** Left-right mirror of an RGB image. */
export function mirror(img: RgbImage): RgbImage {
  const { width: w, height: h, data } = img;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3, d = (y * w + (w - 1 - x)) * 3;
      out[d] = data[s];
      out[d + 1] = data[s + 1];
      out[d + 2] = data[s + 2];
    }
  }
  return { data: out, width: w, height: h };
}

/** Runs `crops` through an embedder `step` at a time: one raw (unnormalised) `dim` row per crop. */
export async function embedInChunks(
  session: ort.InferenceSession,
  file: string,
  inputName: string,
  outputName: string,
  dim: number,
  step: number,
  crops: RgbImage[],
  toTensor: (chunk: RgbImage[]) => ort.Tensor,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let start = 0; start < crops.length; start += step) {
    const chunk = crops.slice(start, start + step);
    const res = await session.run({ [inputName]: toTensor(chunk) });
    const { data } = outputData(res, outputName, file);
    if (data.length !== chunk.length * dim) {
      throw new Error(`${file}: output "${outputName}" has ${data.length} values for ${chunk.length} crops, expected ${dim} each`);
    }
    for (let i = 0; i < chunk.length; i++) out.push(data.slice(i * dim, (i + 1) * dim));
  }
  return out;
}

/** The alignment an embedder spec asks for (`params.alignment`): undefined for ArcFace's template, the
 *  five points of dlib's face chip for "dlib-chip"; anything else is an error naming the file. */
export function alignTemplateOf(spec: EmbedderSpec, file: string): number[] | undefined {
  const a = spec.params?.alignment;
  if (a === undefined || a === 'arcface') return undefined;
  if (a === 'dlib-chip') return dlibChipTemplate(spec.input.size[0]);
  throw new Error(`${file}: embedder.params.alignment must be "arcface" or "dlib-chip", got ${JSON.stringify(a)}`);
}

export class ArcFaceEmbedder implements FaceEmbedder {
  readonly dim: number;
  readonly inputSize: number;
  readonly alignTemplate?: readonly number[];
  private readonly dynamicBatch: boolean;
  private readonly inputName: string;
  private readonly outputName: string;
  private readonly flip: boolean;

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly spec: EmbedderSpec,
    readonly modelId: string,
    private readonly file: string,
  ) {
    const [w, h] = spec.input.size;
    if (w !== h) throw new Error(`${file}: manifest embedder.input.size must be square, got ${w}×${h}`);
    this.inputSize = w;
    this.dim = spec.dim;
    this.inputName = onlyName(spec.input.name, session.inputNames, file, 'input');
    this.outputName = onlyName(spec.output, session.outputNames, file, 'output');
    requireNames(session, file, this.inputName, [this.outputName]);
    const inDims = spec.input.layout === 'NCHW' ? [null, 3, h, w] : [null, h, w, 3];
    requireShape(session, file, this.inputName, 'input', inDims, `embedder input ${w}×${h}`);
    requireShape(session, file, this.outputName, 'output', [null, spec.dim], `embedding of ${spec.dim}`);
    const batchDim = tensorShape(session, this.inputName, 'input')?.[0];
    this.dynamicBatch = typeof batchDim !== 'number' || batchDim < 0;
    this.flip = spec.params?.flip === true;
    this.alignTemplate = alignTemplateOf(spec, file);
  }

  /** Raw (unnormalised) model outputs, batched when the model allows. */
  private run(aligned: RgbImage[]): Promise<Float32Array[]> {
    return embedInChunks(this.session, this.file, this.inputName, this.outputName, this.dim, this.dynamicBatch ? MAX_BATCH : 1, aligned, (chunk) => {
      const t = batchToTensor(chunk, this.spec.input, [this.inputSize, this.inputSize]);
      return new ort.Tensor('float32', t.data, t.dims);
    });
  }

  async embed(aligned: RgbImage[]): Promise<Float32Array[]> {
    for (const [i, a] of aligned.entries()) {
      if (a.width !== this.inputSize || a.height !== this.inputSize) {
        throw new Error(`${this.modelId}: crop ${i} is ${a.width}×${a.height}, expected ${this.inputSize}×${this.inputSize} (align it first)`);
      }
    }
    const raw = await this.run(aligned);
    if (this.flip) {
      const mirrored = await this.run(aligned.map(mirror));
      raw.forEach((v, i) => {
        for (let k = 0; k < v.length; k++) v[k] += mirrored[i][k];
      });
    }
    return raw.map(l2normalize);
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
