// Which adapter builds a detector / embedder for each manifest `kind`. Adapters load lazily so a
// pack only pays for its own decoder. A new pack kind adds one line here (or calls register*Kind).
import type * as ort from 'onnxruntime-node';
import type { DetectorSpec, EmbedderSpec, PackManifest } from './manifest';
import type { DeviceRequest, FaceDetector, FaceEmbedder } from './types';

export interface AdapterContext {
  manifest: PackManifest;
  device: DeviceRequest;
  /** Absolute path of a pack file by its key in `files` (already checked: present, hash). */
  filePath(key: string): string;
  /** Opens a pack file as an onnxruntime session on the requested device (CPU fallback recorded by the loader). */
  open(key: string): Promise<ort.InferenceSession>;
}

export type DetectorFactory = (spec: DetectorSpec, ctx: AdapterContext) => Promise<FaceDetector>;
export type EmbedderFactory = (spec: EmbedderSpec, ctx: AdapterContext) => Promise<FaceEmbedder>;

function modelId(ctx: AdapterContext, key: string): string {
  return ctx.manifest.files[key].path.replace(/\.onnx$/i, '');
}

const detectors: Record<string, DetectorFactory> = {
  scrfd: async (spec, ctx) => {
    const { ScrfdDetector } = await import('./scrfd');
    return new ScrfdDetector(await ctx.open(spec.file), spec, modelId(ctx, spec.file), ctx.filePath(spec.file));
  },
  retinaface: async (spec, ctx) => {
    const { RetinaFaceDetector } = await import('./retinaface');
    return new RetinaFaceDetector(await ctx.open(spec.file), spec, modelId(ctx, spec.file), ctx.filePath(spec.file));
  },
  // The default pack's detectors live with their converters' outputs (electron/models/default).
  'ultraface-landmark68': async (spec, ctx) => {
    const { createUltraFaceDetector } = await import('./default/index');
    return createUltraFaceDetector(spec, ctx);
  },
  'blazeface-facemesh': async (spec, ctx) => {
    const { createBlazeFaceMeshDetector } = await import('./default/index');
    return createBlazeFaceMeshDetector(spec, ctx);
  },
  yunet: async (spec, ctx) => {
    const { YuNetDetector } = await import('./yunet');
    return new YuNetDetector(await ctx.open(spec.file), spec, modelId(ctx, spec.file), ctx.filePath(spec.file));
  },
};

const embedders: Record<string, EmbedderFactory> = {
  arcface: async (spec, ctx) => {
    const { ArcFaceEmbedder } = await import('./arcface');
    return new ArcFaceEmbedder(await ctx.open(spec.file), spec, modelId(ctx, spec.file), ctx.filePath(spec.file));
  },
};

export function registerDetectorKind(kind: string, factory: DetectorFactory): void {
  detectors[kind] = factory;
}

export function registerEmbedderKind(kind: string, factory: EmbedderFactory): void {
  embedders[kind] = factory;
}

export function detectorFactory(kind: string): DetectorFactory | undefined {
  return detectors[kind];
}

export function embedderFactory(kind: string): EmbedderFactory | undefined {
  return embedders[kind];
}

export function knownKinds(): { detectors: string[]; embedders: string[] } {
  return { detectors: Object.keys(detectors), embedders: Object.keys(embedders) };
}
