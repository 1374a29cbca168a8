// Labeled face photos from ../shared/eval/faces, each located with the eval pack's SCRFD and cut out
// with a generous margin, for composing synthetic episodes and for tests that need real faces.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { EVAL_DIR, readRgb } from '../../electron/models/eval-pack';
import type { FaceDetector, RawDetection, RgbImage } from '../../electron/models/types';

/** Photos SOURCES.md lists as holding no face or several faces (the labeled one is not identifiable). */
export const EXCLUDED_PHOTOS = new Set([
  'celeb-ben-affleck/16.jpg',
  'celeb-elton-john/9.jpg',
  'celeb-jerry-seinfeld/13.jpg',
  'celeb-jerry-seinfeld/16.jpg',
  'celeb-jerry-seinfeld/25.jpg',
  'deepface-p04/4.jpg',
  'deepface-p06/3.jpg',
  'deepface-p06/5.jpg',
]);

/** The 14 identities with at least 4 photos (deepface-p01…p09 and the five celeb-* folders). */
export function evalPeople(facesDir = join(EVAL_DIR, 'faces')): string[] {
  return readdirSync(facesDir)
    .filter((d) => /^(deepface-p0[1-9]|celeb-.+)$/.test(d))
    .sort();
}

export function evalPhotos(person: string, facesDir = join(EVAL_DIR, 'faces')): string[] {
  return readdirSync(join(facesDir, person))
    .filter((f) => /\.(jpe?g|png)$/i.test(f) && !EXCLUDED_PHOTOS.has(`${person}/${f}`))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
    .map((f) => join(facesDir, person, f));
}

export interface FaceCutout {
  person: string;
  photo: string;
  /** RGB cut-out around the face (face + margin, clamped to the photo). */
  image: RgbImage;
  /** Face box and 5 landmarks in the cut-out's pixel coordinates. */
  bbox: [number, number, number, number];
  landmarks: number[];
  conf: number;
}

/** Photos larger than this are shrunk before detection (some are 4,000 px; SCRFD letterboxes anyway). */
const MAX_SIDE = 1280;

async function readScaled(file: string): Promise<RgbImage> {
  const meta = await sharp(file).rotate().metadata();
  const w = meta.autoOrient?.width ?? meta.width ?? 0;
  const h = meta.autoOrient?.height ?? meta.height ?? 0;
  if (Math.max(w, h) <= MAX_SIDE) return readRgb(file);
  const { data, info } = await sharp(file).rotate().resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/**
 * Detects the one face of `photo` and cuts it out with `margin` × the face size on each side.
 * Returns null when the detector does not find exactly one face at ≥ minConfidence.
 */
export async function cutOutFace(detector: FaceDetector, person: string, photo: string, margin = 0.6, minConfidence = 0.5): Promise<FaceCutout | null> {
  const img = await readScaled(photo);
  const [dets] = await detector.detect([img], { minConfidence });
  if (dets.length !== 1) return null;
  const d: RawDetection = dets[0];
  const [x1, y1, x2, y2] = d.bbox;
  const side = Math.max(x2 - x1, y2 - y1);
  const cx1 = Math.max(0, Math.floor(x1 - margin * side));
  const cy1 = Math.max(0, Math.floor(y1 - margin * side));
  const cx2 = Math.min(img.width, Math.ceil(x2 + margin * side));
  const cy2 = Math.min(img.height, Math.ceil(y2 + margin * side));
  const w = cx2 - cx1;
  const h = cy2 - cy1;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const src = ((cy1 + y) * img.width + cx1) * 3;
    data.set(img.data.subarray(src, src + w * 3), y * w * 3);
  }
  return {
    person,
    photo,
    image: { data, width: w, height: h },
    bbox: [x1 - cx1, y1 - cy1, x2 - cx1, y2 - cy1],
    landmarks: d.landmarks.map((v, i) => v - (i % 2 === 0 ? cx1 : cy1)),
    conf: d.conf,
  };
}

/** Cut-outs of every usable photo of `people` (photos where detection fails are skipped). */
export async function loadFaceLibrary(detector: FaceDetector, people: readonly string[], maxPhotosPerPerson = Infinity): Promise<Map<string, FaceCutout[]>> {
  const lib = new Map<string, FaceCutout[]>();
  for (const person of people) {
    const cuts: FaceCutout[] = [];
    for (const photo of evalPhotos(person)) {
      if (cuts.length >= maxPhotosPerPerson) break;
      const c = await cutOutFace(detector, person, photo);
      if (c) cuts.push(c);
    }
    lib.set(person, cuts);
  }
  return lib;
}
