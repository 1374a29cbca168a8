// Factories for the default pack's adapters, shaped like the pack loader's registry entries
// (kind "ultraface-landmark68" detector — "blazeface-facemesh" for packs that name it — and the
// "arcface" embedder with optional flip test).
import type * as ort from 'onnxruntime-node';
import type { DetectorSpec, EmbedderSpec, PackManifest } from '../manifest';
import type { FaceDetector } from '../types';
import { BlazeFaceMeshDetector } from './blazeface-facemesh';
import { AlignedEmbedder } from './embedder';
import { UltraFaceLandmarkDetector } from './ultraface';

export interface DefaultAdapterContext {
  manifest: PackManifest;
  filePath(key: string): string;
  open(key: string): Promise<ort.InferenceSession>;
}

/** Both default detectors are a detector net plus a landmark net named in `extraFiles[role]`. */
async function openWithLandmarks(spec: DetectorSpec, ctx: DefaultAdapterContext, role: string) {
  const key = spec.extraFiles?.[role];
  if (!key) throw new Error(`pack "${ctx.manifest.id}": detector.extraFiles.${role} is required for kind ${spec.kind}`);
  const name = (k: string) => ctx.manifest.files[k].path.replace(/\.onnx$/, '');
  return { det: await ctx.open(spec.file), lmk: await ctx.open(key), id: `${name(spec.file)}+${name(key)}`, file: ctx.filePath(spec.file) };
}

export async function createBlazeFaceMeshDetector(spec: DetectorSpec, ctx: DefaultAdapterContext): Promise<BlazeFaceMeshDetector> {
  const o = await openWithLandmarks(spec, ctx, 'facemesh');
  return new BlazeFaceMeshDetector(o.det, o.lmk, spec, o.id, o.file);
}

export async function createUltraFaceDetector(spec: DetectorSpec, ctx: DefaultAdapterContext): Promise<UltraFaceLandmarkDetector> {
  const o = await openWithLandmarks(spec, ctx, 'landmark68');
  return new UltraFaceLandmarkDetector(o.det, o.lmk, spec, o.id, o.file);
}

export async function createAlignedEmbedder(spec: EmbedderSpec, ctx: DefaultAdapterContext): Promise<AlignedEmbedder> {
  const id = ctx.manifest.files[spec.file].path.replace(/\.onnx$/, '');
  return new AlignedEmbedder(await ctx.open(spec.file), spec, id, ctx.filePath(spec.file));
}

/** Opens the default pack straight from models/generated/default (tests, eval, bench; the app goes through pack.ts). */
export async function openDefaultPack(
  o: { root?: string; detectorParams?: Record<string, unknown>; embedderParams?: Record<string, unknown> } = {},
): Promise<{ manifest: PackManifest; detector: FaceDetector; embedder: AlignedEmbedder }> {
  const { readPackManifest } = await import('../manifest');
  const { createSession } = await import('../providers');
  const { join } = await import('node:path');
  const { existsSync } = await import('node:fs');
  const root = o.root ?? join(import.meta.dirname, '../../..');
  const manifest = readPackManifest(join(root, 'models/packs/default.json'));
  const dir = join(root, 'models/generated/default');
  const ctx: DefaultAdapterContext = {
    manifest,
    filePath: (key) => join(dir, manifest.files[key].path),
    async open(key) {
      const file = join(dir, manifest.files[key].path);
      if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm install\` (or node --import tsx scripts/build-models.ts)`);
      return (await createSession(file, 'cpu')).session;
    },
  };
  const detSpec = { ...manifest.detector, params: { ...manifest.detector.params, ...o.detectorParams } };
  const embSpec = { ...manifest.embedder, params: { ...manifest.embedder.params, ...o.embedderParams } };
  const detector = detSpec.kind === 'blazeface-facemesh' ? await createBlazeFaceMeshDetector(detSpec, ctx) : await createUltraFaceDetector(detSpec, ctx);
  return { manifest, detector, embedder: await createAlignedEmbedder(embSpec, ctx) };
}
