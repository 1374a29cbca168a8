// One sampled face, from a full-resolution frame to what the harvest keeps: the landmarks measured
// again on the sharp face, the ArcFace-aligned crop the embedder takes, its quality, and the JPEG
// crop the reviewer sees. Only the pixels around the face are converted from the frame's YUV.
// Shared by the harvest's own decoding pass and by the detection pass, which harvests as it goes.
import sharp from 'sharp';
import { alignFace, applyAffine, arcfaceTransform, invertAffine } from '../models/align';
import type { LoadedPack, RgbImage } from '../models/types';
import { faceQuality } from './quality';
import { yuvRegion, type Region, type YuvImage } from './yuv';

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
/** Aligned faces per embedder call. */
export const EMBED_BATCH = 16;

/** Pixels beyond a sampled area that bilinear sampling and the landmark net's box shift may touch. */
const MARGIN = 2;
/** Side of the ArcFace-aligned crop the quality's sharpness is measured on (quality.ts' constants are for it). */
const QUALITY_CROP = 112;

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

type Rect = [number, number, number, number];

/** The part of the frame a face needs: [x1, y1, x2, y2), clipped to the frame. */
function clip(r: Rect, W: number, H: number): Rect {
  return [Math.max(0, Math.floor(r[0] - MARGIN)), Math.max(0, Math.floor(r[1] - MARGIN)), Math.min(W, Math.ceil(r[2] + MARGIN)), Math.min(H, Math.ceil(r[3] + MARGIN))];
}

/** Source pixels the warp of `lmPx` onto `template` samples (the output square mapped back onto the frame). */
function alignFootprint(lmPx: readonly number[], size: number, template?: readonly number[]): Rect {
  const inv = invertAffine(arcfaceTransform(lmPx, size, template));
  const pts = applyAffine(inv, [0, 0, size, 0, 0, size, size, size]);
  const xs = [pts[0], pts[2], pts[4], pts[6]], ys = [pts[1], pts[3], pts[5], pts[7]];
  return [Math.min(...xs) - 1, Math.min(...ys) - 1, Math.max(...xs) + 1, Math.max(...ys) + 1];
}

/**
 * Crops, aligns and scores one face (bbox and landmarks normalised, as in detections.jsonl) of a
 * full-resolution frame. Only the crop's square is converted from YUV, and more only when the
 * alignment reaches beyond it (a turned face, a landmark far from the box's centre): each result is
 * what the whole frame would give.
 */
export async function cropFace(pack: LoadedPack, frame: YuvImage, face: { bbox: readonly number[]; landmarks: readonly number[]; conf: number }, withJpeg: boolean): Promise<CroppedFace> {
  const { width: W, height: H } = frame;
  const bboxPx = [face.bbox[0] * W, face.bbox[1] * H, face.bbox[2] * W, face.bbox[3] * H];
  const c = cropBox(bboxPx, W, H);
  const cropRect: Rect = [c.left, c.top, c.left + c.width, c.top + c.height];
  let want = clip([Math.min(cropRect[0], bboxPx[0]), Math.min(cropRect[1], bboxPx[1]), Math.max(cropRect[2], bboxPx[2]), Math.max(cropRect[3], bboxPx[3])], W, H);
  let r = yuvRegion(frame, want[0], want[1], want[2] - want[0], want[3] - want[1]);
  const local = (pts: readonly number[], at: Region) => pts.map((v, i) => v - (i % 2 === 0 ? at.left : at.top));
  const refined = pack.detector.refineLandmarks ? (await pack.detector.refineLandmarks(r.image, [local(bboxPx, r)]))[0] : null;
  const lmPx = refined ? refined.map((v, i) => v + (i % 2 === 0 ? r.left : r.top)) : face.landmarks.map((v, i) => v * (i % 2 === 0 ? W : H));
  const { inputSize: size, alignTemplate } = pack.embedder;
  // Quality is measured on the ArcFace 112-px crop whatever the embedder wants, so its gate means the
  // same for every pack.
  const ownQualityCrop = size !== QUALITY_CROP || alignTemplate !== undefined;
  const fp = alignFootprint(lmPx, size, alignTemplate);
  const fq = ownQualityCrop ? alignFootprint(lmPx, QUALITY_CROP) : fp;
  const reach = clip([Math.min(fp[0], fq[0]), Math.min(fp[1], fq[1]), Math.max(fp[2], fq[2]), Math.max(fp[3], fq[3])], W, H);
  if (reach[0] < want[0] || reach[1] < want[1] || reach[2] > want[2] || reach[3] > want[3]) {
    want = [Math.min(want[0], reach[0]), Math.min(want[1], reach[1]), Math.max(want[2], reach[2]), Math.max(want[3], reach[3])];
    r = yuvRegion(frame, want[0], want[1], want[2] - want[0], want[3] - want[1]);
  }
  const lmLocal = local(lmPx, r);
  const aligned = alignFace(r.image, lmLocal, size, alignTemplate);
  const quality = faceQuality({ conf: face.conf, bboxPx, landmarksPx: lmPx, aligned: ownQualityCrop ? alignFace(r.image, lmLocal, QUALITY_CROP) : aligned });
  const landmarks = refined ? lmPx.map((v, i) => Math.min(1, Math.max(0, v / (i % 2 === 0 ? W : H)))) : [...face.landmarks];
  let crop: Promise<Buffer> | null = null;
  if (withJpeg) {
    crop = jpeg(r.image, 90, { left: c.left - r.left, top: c.top - r.top, width: c.width, height: c.height });
    // A crop dropped unawaited (a face not sampled in the end, a cancelled run) must not count as an unhandled failure.
    crop.catch(() => undefined);
  }
  return { aligned, quality, landmarks, jpeg: crop };
}
