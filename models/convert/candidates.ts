// The npm-shippable embedders measured against the default pack's (`npm run eval:models`,
// `npm run eval:video-faces -- --candidate <name>`), each fed as its origin feeds it: converted from
// its package on the fly, nothing written to disk.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { AlignedEmbedder } from '../../electron/models/default/embedder';
import type { EmbedderSpec } from '../../electron/models/manifest';
import { CANDIDATE_TARGETS, DEFAULT_TARGETS, packageFile, type Target } from './targets';
import { convertDlibResnet, DLIB_CHIP, DLIB_MEAN_RGB, DLIB_PIXEL_SCALE } from './dlib-resnet';
import { convertTfjsToOnnx } from './tfjs-to-onnx';

export interface CandidateEmbedder {
  /** File name of its target in targets.ts. */
  file: string;
  spec: EmbedderSpec;
  note: string;
}

const input = (name: string, size: number, layout: 'NCHW' | 'NHWC', mean: number, std: number): EmbedderSpec['input'] => ({
  name, size: [size, size], layout, channelOrder: 'RGB',
  mean: [mean, mean, mean], std: [std, std, std], resize: 'stretch',
});

const spec = (inp: EmbedderSpec['input'], output: string, dim: number, alignment = 'arcface'): EmbedderSpec =>
  ({ kind: 'arcface', file: 'x', input: inp, output, dim, params: { flip: false, alignment } });

/** Human hands FaceRes its face crop as pixels 0…255 (`enhance` multiplies the 0…1 crop by 255) and
 *  MobileFace its crop in 0…1 unscaled; MobileFaceNet (sirius-ai/MobileFaceNet_TF) was trained on
 *  (px − 127.5) / 128. All get the ArcFace-aligned crop at their input size. */
export const CANDIDATES: Record<string, CandidateEmbedder> = {
  fr_feature: { file: 'fr_feature.onnx', spec: spec(input('input', 112, 'NCHW', 127, 128), 'output', 512), note: 'faceplugin, 512-d (the default)' },
  'human mobileface': { file: 'mobileface.onnx', spec: spec(input('input', 112, 'NHWC', 0, 1), 'batchnorm0/add_1', 256), note: 'converted, 256-d' },
  'human faceres': { file: 'faceres.onnx', spec: spec(input('input', 224, 'NHWC', 0, 1), 'global_pooling/Mean', 1024), note: 'converted, 1024-d, crop at 224, pixels 0…255' },
  'human faceres 160': { file: 'faceres-160.onnx', spec: spec(input('input', 160, 'NHWC', 0, 1), 'global_pooling/Mean', 1024), note: 'converted with a free input size, 1024-d, crop at 160, pixels 0…255' },
  'human faceres-deep': { file: 'faceres-deep.onnx', spec: spec(input('input', 224, 'NHWC', 0, 1), 'global_pooling/Mean', 1024), note: 'converted, 1024-d, crop at 224, pixels 0…255' },
  'human mobilefacenet': { file: 'mobilefacenet.onnx', spec: spec(input('input', 112, 'NHWC', 127.5, 128), 'embeddings', 192), note: 'converted, 192-d' },
  'face-api dlib': {
    file: 'dlib-resnet.onnx',
    spec: { ...spec(input('input', DLIB_CHIP, 'NCHW', 0, DLIB_PIXEL_SCALE), 'embedding', 128, 'dlib-chip'), input: { ...input('input', DLIB_CHIP, 'NCHW', 0, DLIB_PIXEL_SCALE), mean: DLIB_MEAN_RGB } },
    note: "dlib's face recognition ResNet from face-api's weights, 128-d, on dlib's 150-px face chip",
  },
};

export function candidateTarget(c: CandidateEmbedder): Target {
  const t = [...DEFAULT_TARGETS, ...CANDIDATE_TARGETS].find((x) => x.file === c.file);
  if (!t) throw new Error(`models/convert/targets.ts: no target has file "${c.file}"`);
  return t;
}

/** The candidate's ONNX model: the package's own file, or its TFJS graph converted. */
export function candidateModel(c: CandidateEmbedder): Uint8Array | string {
  const t = candidateTarget(c);
  if (t.how === 'dlib-resnet') return convertDlibResnet(packageFile(t.pkg, t.source));
  return t.how === 'copy' ? packageFile(t.pkg, t.source) : convertTfjsToOnnx(packageFile(t.pkg, t.source), { inputName: t.inputName, outputs: t.outputs, dynamicSpatial: t.dynamicSpatial });
}

/** An embedder for the candidate, optionally with the flip test; `model` reuses bytes converted already. */
export async function openCandidate(name: string, opts: { flip?: boolean; model?: Uint8Array | string } = {}): Promise<AlignedEmbedder> {
  const c = CANDIDATES[name];
  if (!c) throw new Error(`unknown candidate embedder "${name}" (known: ${Object.keys(CANDIDATES).join(', ')})`);
  const model = opts.model ?? candidateModel(c);
  const opt = { intraOpNumThreads: 2, logSeverityLevel: 3 } as const;
  const session = typeof model === 'string' ? await ort.InferenceSession.create(model, opt) : await ort.InferenceSession.create(model, opt);
  const s = { ...c.spec, params: { ...c.spec.params, flip: opts.flip === true } };
  return new AlignedEmbedder(session, s, `${name}${opts.flip ? ' + flip' : ''}`, c.file);
}

/** Writes a candidate's ONNX file and the default pack's detector files into `dir`: the folder a
 *  test-only candidate pack (models/packs/faceres-candidate.json) reads with --models-dir. */
export function writeCandidateDir(name: string, dir: string, defaultDir: string): string[] {
  const c = CANDIDATES[name];
  if (!c) throw new Error(`unknown candidate embedder "${name}" (known: ${Object.keys(CANDIDATES).join(', ')})`);
  mkdirSync(dir, { recursive: true });
  const model = candidateModel(c);
  writeFileSync(join(dir, c.file), typeof model === 'string' ? readFileSync(model) : model);
  const written = [c.file];
  for (const f of ['ultraface.onnx', 'landmark68.onnx']) {
    copyFileSync(join(defaultDir, f), join(dir, f));
    written.push(f);
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [cmd, name, dir] = process.argv.slice(2);
  if (cmd !== 'write' || !name || !dir) {
    console.error('usage: node --import tsx models/convert/candidates.ts write <candidate name> <dir>');
    process.exit(2);
  }
  const files = writeCandidateDir(name, dir, join(fileURLToPath(new URL('.', import.meta.url)), '../generated/default'));
  console.log(`wrote ${files.join(', ')} to ${dir}`);
}
