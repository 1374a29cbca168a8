// One sampled face, from a full-resolution frame to what the harvest keeps: the landmarks measured
// again on the sharp face, the ArcFace-aligned crop the embedder takes, its quality, and the JPEG
// crop the reviewer sees. Only the pixels around the face are converted from the frame's YUV.
// Shared by the harvest's own decoding pass and by the detection pass, which harvests as it goes.
import sharp from 'sharp';
import { alignFace } from '../models/align';
import type { LoadedPack, RgbImage } from '../models/types';
import { faceQuality } from './quality';
import { yuvRegion, type YuvImage } from './yuv';

/**
 * Crops are squares of CROP_SCALE × the larger bbox side, centred on the box, saved with their larger
 * side between CROP_MIN and CROP_MAX px. The review grid shows faces on cards of up to 160 CSS px:
 * CROP_MAX = 160 × devicePixelRatio 2 keeps every source pixel such a card can show, and a face
 * smaller than that in the video is enlarged (Lanczos) to CROP_MIN so a card never starts from fewer
 * pixels than it has CSS pixels. The spec fixes no crop size (artifacts-schema.md §1: crops are the
 * canonical track-level images); cleanup's re-embed maps landmarks by the saved size, so any size works.
 */
const CROP_SCALE = 1.4;
export const CROP_MIN = 160;
export const CROP_MAX = 320;
/**
 * The pixels converted around a face: REGION_SCALE × the larger bbox side, centred. It holds the crop
 * (1.4×) and what ArcFace alignment samples (about 1.3× the box for a frontal face), so every result
 * equals the one computed on the whole frame except where a landmark lies far outside its box.
 */
const REGION_SCALE = 2;

export function cropBox(bboxPx: readonly number[], W: number, H: number): { left: number; top: number; width: number; height: number } {
  const cx = (bboxPx[0] + bboxPx[2]) / 2;
  const cy = (bboxPx[1] + bboxPx[3]) / 2;
  const side = Math.max(2, CROP_SCALE * Math.max(bboxPx[2] - bboxPx[0], bboxPx[3] - bboxPx[1]));
  const left = Math.max(0, Math.round(cx - side / 2));
  const top = Math.max(0, Math.round(cy - side / 2));
  const width = Math.max(1, Math.min(W - left, Math.round(side)));
  const height = Math.max(1, Math.min(H - top, Math.round(side)));
  return { left, top, width, height };
}

/** JPEG of `img` (or of `region` of it, resized into CROP_MIN–CROP_MAX). */
export async function jpeg(img: RgbImage, quality: number, region?: ReturnType<typeof cropBox>): Promise<Buffer> {
  let s = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
  if (region) {
    s = s.extract(region);
    const side = Math.max(region.width, region.height);
    const target = side > CROP_MAX ? CROP_MAX : side < CROP_MIN ? CROP_MIN : 0;
    if (target) s = s.resize(target, target, { fit: 'inside', kernel: 'lanczos3' });
  }
  return s.jpeg({ quality }).toBuffer();
}

export interface CroppedFace {
  aligned: RgbImage;
  quality: ReturnType<typeof faceQuality>;
  /** The five landmarks, normalised, measured again on the full-resolution face where the detector can. */
  landmarks: number[];
  /** The reviewer's crop, when asked for (encoding runs off this thread). */
  jpeg: Promise<Buffer> | null;
}

/** Crops, aligns and scores one face (bbox and landmarks normalised, as in detections.jsonl) of a full-resolution frame. */
export async function cropFace(pack: LoadedPack, frame: YuvImage, face: { bbox: readonly number[]; landmarks: readonly number[]; conf: number }, withJpeg: boolean): Promise<CroppedFace> {
  const { width: W, height: H } = frame;
  const bboxPx = [face.bbox[0] * W, face.bbox[1] * H, face.bbox[2] * W, face.bbox[3] * H];
  const side = REGION_SCALE * Math.max(bboxPx[2] - bboxPx[0], bboxPx[3] - bboxPx[1], 1);
  const cx = (bboxPx[0] + bboxPx[2]) / 2, cy = (bboxPx[1] + bboxPx[3]) / 2;
  const x0 = Math.floor(cx - side / 2), y0 = Math.floor(cy - side / 2);
  // Clipped to the frame the same way on both sides, so a box at the frame's edge stays at the region's.
  const r = yuvRegion(frame, Math.max(0, x0), Math.max(0, y0), Math.ceil(side) + Math.min(0, x0), Math.ceil(side) + Math.min(0, y0));
  const local = [bboxPx[0] - r.left, bboxPx[1] - r.top, bboxPx[2] - r.left, bboxPx[3] - r.top];
  const refined = pack.detector.refineLandmarks ? (await pack.detector.refineLandmarks(r.image, [local]))[0] : null;
  const lmPx = refined ? refined.map((v, i) => v + (i % 2 === 0 ? r.left : r.top)) : face.landmarks.map((v, i) => v * (i % 2 === 0 ? W : H));
  const lmLocal = lmPx.map((v, i) => v - (i % 2 === 0 ? r.left : r.top));
  const aligned = alignFace(r.image, lmLocal, pack.embedder.inputSize);
  const quality = faceQuality({ conf: face.conf, bboxPx, landmarksPx: lmPx, aligned });
  const landmarks = refined ? lmPx.map((v, i) => Math.min(1, Math.max(0, v / (i % 2 === 0 ? W : H)))) : [...face.landmarks];
  let crop: Promise<Buffer> | null = null;
  if (withJpeg) {
    const c = cropBox(bboxPx, W, H);
    const left = Math.max(0, c.left - r.left), top = Math.max(0, c.top - r.top);
    crop = jpeg(r.image, 90, { left, top, width: Math.min(c.width, r.image.width - left), height: Math.min(c.height, r.image.height - top) });
    // A crop dropped unawaited (a face not sampled in the end, a cancelled run) must not count as an unhandled failure.
    crop.catch(() => undefined);
  }
  return { aligned, quality, landmarks, jpeg: crop };
}
