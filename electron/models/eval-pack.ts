// The eval pack (real SCRFD-500M + MobileFaceNet from ../shared/eval/models): the small pack the
// tests, the evaluation scripts and `--pack eval` (CLI cleanup, cleanup worker) run on; and a photo
// reader for the evaluation photos.
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { loadPack, REPO_ROOT } from './pack';
import type { DeviceRequest, LoadedPack, RgbImage } from './types';

/** ../shared/eval (SCREENALYTICS_EVAL_DIR overrides). */
export const EVAL_DIR = process.env.SCREENALYTICS_EVAL_DIR ?? resolve(REPO_ROOT, '../shared/eval');
export const EVAL_MODELS_DIR = join(EVAL_DIR, 'models');

/** SCRFD-500M detector + MobileFaceNet (Paddle, 128-d) embedder, on CPU unless asked otherwise. */
export function loadEvalPack(device: DeviceRequest = 'cpu'): Promise<LoadedPack> {
  return loadPack({ manifestPath: join(REPO_ROOT, 'models/packs/eval.json'), fileDir: EVAL_MODELS_DIR, device });
}

/** Decodes a photo (JPEG/PNG, EXIF rotation applied) into a packed RGB image. */
export async function readRgb(file: string): Promise<RgbImage> {
  const { data, info } = await sharp(file).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${file}: decoded to ${info.channels} channels, expected 3`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}
