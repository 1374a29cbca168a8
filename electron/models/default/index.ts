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

export async function createBlazeFaceMeshDetector(spec: DetectorSpec, ctx: DefaultAdapterContext): Promise<BlazeFaceMeshDetector> {
  const meshKey = spec.extraFiles?.facemesh;
  if (!meshKey) throw new Error(`pack "${ctx.manifest.id}": detector.extraFiles.facemesh is required for kind ${spec.kind}`);
  const blaze = await ctx.open(spec.file);
  const mesh = await ctx.open(meshKey);
  const id = `${ctx.manifest.files[spec.file].path.replace(/\.onnx$/, '')}+${ctx.manifest.files[meshKey].path.replace(/\.onnx$/, '')}`;
  return new BlazeFaceMeshDetector(blaze, mesh, spec, id, ctx.filePath(spec.file));
}

export async function createUltraFaceDetector(spec: DetectorSpec, ctx: DefaultAdapterContext): Promise<UltraFaceLandmarkDetector> {
  const lmKey = spec.extraFiles?.landmark68;
  if (!lmKey) throw new Error(`pack "${ctx.manifest.id}": detector.extraFiles.landmark68 is required for kind ${spec.kind}`);
  const det = await ctx.open(spec.file);
  const lmk = await ctx.open(lmKey);
  const id = `${ctx.manifest.files[spec.file].path.replace(/\.onnx$/, '')}+${ctx.manifest.files[lmKey].path.replace(/\.onnx$/, '')}`;
  return new UltraFaceLandmarkDetector(det, lmk, spec, id, ctx.filePath(spec.file));
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
