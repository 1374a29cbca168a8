// Face quality in [0, 1] for faces.jsonl `quality_score`, from four cues, each in [0, 1]:
//   conf      detector confidence;
//   size      face size: min(bbox w, h) in source pixels / SIZE_FULL_PX, capped at 1 (faces the size of
//             the embedder input or larger lose nothing to upscaling);
//   sharpness variance of the 3×3 Laplacian over the grey aligned crop (same 112×112 scale for every
//             face, so blur and upscaling both lower it), mapped by v / (v + SHARPNESS_HALF);
//   pose      from the landmarks in the eye-line frame (roll does not count): yaw = horizontal offset
//             of the nose from the eye midpoint / eye distance (0 frontal, ≈0.45 at a three-quarter view, > 1 near profile; measured on interview_two_people); pitch =
//             nose drop / mouth drop below the eye line (≈0.49 on the ArcFace template).
// quality = conf^0.2 · size^0.3 · sharpness^0.25 · pose^0.25 — a weighted geometric mean, so one
// failing cue (a profile, a smear) pulls the face down whatever the others say.
import type { RgbImage } from '../models/types';

export const SIZE_FULL_PX = 96;
export const SHARPNESS_HALF = 60;
const YAW_ZERO = 1.2;
const PITCH_FRONTAL = 0.49;
const PITCH_ZERO = 0.5;
/** Faces whose pose cue is below this are rejected as "pose_too_extreme" whatever the rest says. */
export const POSE_REJECT = 0.15;

export interface QualityParts {
  conf: number;
  size: number;
  sharpness: number;
  pose: number;
  quality: number;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : Number.isFinite(v) ? v : 0);

export function laplacianVariance(img: RgbImage): number {
  const { width: w, height: h, data } = img;
  if (w < 3 || h < 3) return 0;
  const grey = new Float32Array(w * h);
  for (let i = 0, p = 0; i < w * h; i++, p += 3) grey[i] = 0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2];
  let sum = 0, sum2 = 0, n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const v = grey[i - 1] + grey[i + 1] + grey[i - w] + grey[i + w] - 4 * grey[i];
      sum += v;
      sum2 += v * v;
      n++;
    }
  }
  const mean = sum / n;
  return sum2 / n - mean * mean;
}

/** Pose cue from five landmarks in pixels (left eye, right eye, nose, left mouth, right mouth). */
export function poseScore(lm: ArrayLike<number>): { pose: number; yaw: number; pitch: number } {
  const ex = (lm[0] + lm[2]) / 2, ey = (lm[1] + lm[3]) / 2;
  let ux = lm[2] - lm[0], uy = lm[3] - lm[1];
  const eyeDist = Math.hypot(ux, uy);
  if (eyeDist < 1e-6) return { pose: 0, yaw: 1, pitch: 0 };
  ux /= eyeDist;
  uy /= eyeDist;
  const vx = -uy, vy = ux; // perpendicular, pointing "down" the face for an upright face
  const nx = lm[4] - ex, ny = lm[5] - ey;
  const mx = (lm[6] + lm[8]) / 2 - ex, my = (lm[7] + lm[9]) / 2 - ey;
  const yaw = (nx * ux + ny * uy) / eyeDist;
  const noseDrop = nx * vx + ny * vy;
  const mouthDrop = mx * vx + my * vy;
  const pitch = mouthDrop > 1e-6 ? noseDrop / mouthDrop : 0;
  const yawS = clamp01(1 - Math.abs(yaw) / YAW_ZERO);
  const pitchS = mouthDrop > 1e-6 ? clamp01(1 - Math.abs(pitch - PITCH_FRONTAL) / PITCH_ZERO) : 0;
  return { pose: yawS * pitchS, yaw, pitch };
}

export function faceQuality(args: {
  conf: number;
  /** bbox in source pixels */
  bboxPx: readonly number[];
  landmarksPx: ArrayLike<number>;
  aligned: RgbImage;
}): QualityParts {
  const conf = clamp01(args.conf);
  const side = Math.min(args.bboxPx[2] - args.bboxPx[0], args.bboxPx[3] - args.bboxPx[1]);
  const size = clamp01(side / SIZE_FULL_PX);
  const v = laplacianVariance(args.aligned);
  const sharpness = clamp01(v / (v + SHARPNESS_HALF));
  const pose = poseScore(args.landmarksPx).pose;
  const quality = clamp01(conf ** 0.2 * size ** 0.3 * sharpness ** 0.25 * pose ** 0.25);
  return { conf, size, sharpness, pose, quality };
}

/** rejection_reason of a face whose pose is too far from frontal to compare with the track's other faces. */
export const POSE_REJECTION = 'pose_too_extreme';

export function rejectionReason(q: QualityParts, gate: number): string | undefined {
  if (q.pose < POSE_REJECT) return POSE_REJECTION;
  if (q.quality < gate) return 'low_quality';
  return undefined;
}
