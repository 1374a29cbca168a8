// 5-point face alignment onto the ArcFace template, as insightface's face_align.norm_crop does it:
// least-squares similarity transform (Umeyama) landmarks → template, then an affine warp with
// bilinear sampling and a black border. Hand-written because no maintained JS library does a
// similarity fit + warp on raw RGB buffers without pulling in OpenCV.js (8 MB of wasm) for two
// small loops; it runs once per face on the hot path, so it stays allocation-light.
import type { RgbImage } from './types';

/** insightface `arcface_dst`: left eye, right eye, nose, left mouth corner, right mouth corner in a 112×112 crop. */
export const ARCFACE_TEMPLATE_112: readonly number[] = [
  38.2946, 51.6963, 73.5318, 51.5014, 56.0252, 71.7366, 41.5493, 92.3655, 70.7299, 92.2041,
];

/** 2×3 affine matrix, row-major: x' = m[0]x + m[1]y + m[2], y' = m[3]x + m[4]y + m[5]. */
export type Affine = [number, number, number, number, number, number];

/** Template for a square crop of `size` pixels (the 112 template scaled). */
export function arcfaceTemplate(size = 112): number[] {
  const k = size / 112;
  return ARCFACE_TEMPLATE_112.map((v) => v * k);
}

/**
 * Least-squares similarity (rotation + uniform scale + translation, no reflection) mapping the
 * points `src` onto `dst`; both flattened [x0, y0, x1, y1, …]. This is Umeyama's solution, which
 * in 2-D has the closed form below (the rotation/scale pair is one complex number a + ib).
 */
export function estimateSimilarity(src: ArrayLike<number>, dst: ArrayLike<number>): Affine {
  const n = src.length / 2;
  if (n < 2 || src.length !== dst.length || !Number.isInteger(n)) {
    throw new Error(`estimateSimilarity: need ≥ 2 matching points, got ${src.length / 2} and ${dst.length / 2}`);
  }
  let sx = 0, sy = 0, dx = 0, dy = 0;
  for (let i = 0; i < n; i++) {
    sx += src[2 * i]; sy += src[2 * i + 1]; dx += dst[2 * i]; dy += dst[2 * i + 1];
  }
  sx /= n; sy /= n; dx /= n; dy /= n;
  let num1 = 0, num2 = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const xs = src[2 * i] - sx, ys = src[2 * i + 1] - sy;
    const xd = dst[2 * i] - dx, yd = dst[2 * i + 1] - dy;
    num1 += xs * xd + ys * yd;
    num2 += xs * yd - ys * xd;
    den += xs * xs + ys * ys;
  }
  if (den < 1e-12) throw new Error('estimateSimilarity: source points are all the same point');
  const a = num1 / den, b = num2 / den;
  return [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new Error('invertAffine: singular transform');
  const ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

export function applyAffine(m: Affine, pts: ArrayLike<number>): number[] {
  const out: number[] = new Array(pts.length);
  for (let i = 0; i < pts.length; i += 2) {
    out[i] = m[0] * pts[i] + m[1] * pts[i + 1] + m[2];
    out[i + 1] = m[3] * pts[i] + m[4] * pts[i + 1] + m[5];
  }
  return out;
}

/**
 * Warps `img` by `m` (source pixel → output pixel) into an outW × outH RGB image. Pixel centres are
 * at integer coordinates (cv2.warpAffine's convention); samples outside the source are black.
 */
export function warpAffine(img: RgbImage, m: Affine, outW: number, outH: number): RgbImage {
  const inv = invertAffine(m);
  const { data: src, width: W, height: H } = img;
  const out = new Uint8Array(outW * outH * 3);
  const rowStride = W * 3;
  for (let y = 0; y < outH; y++) {
    // Source position of (0, y), stepped by (inv[0], inv[3]) along the row.
    let fx = inv[1] * y + inv[2];
    let fy = inv[4] * y + inv[5];
    let o = y * outW * 3;
    for (let x = 0; x < outW; x++, fx += inv[0], fy += inv[3], o += 3) {
      if (fx <= -1 || fy <= -1 || fx >= W || fy >= H) continue;
      const x0 = Math.floor(fx), y0 = Math.floor(fy);
      const ax = fx - x0, ay = fy - y0;
      const w00 = (1 - ax) * (1 - ay), w10 = ax * (1 - ay), w01 = (1 - ax) * ay, w11 = ax * ay;
      const in00 = x0 >= 0 && y0 >= 0, in10 = x0 + 1 < W && y0 >= 0;
      const in01 = x0 >= 0 && y0 + 1 < H, in11 = x0 + 1 < W && y0 + 1 < H;
      const p = y0 * rowStride + x0 * 3;
      for (let c = 0; c < 3; c++) {
        let v = 0;
        if (in00) v += w00 * src[p + c];
        if (in10) v += w10 * src[p + 3 + c];
        if (in01) v += w01 * src[p + rowStride + c];
        if (in11) v += w11 * src[p + rowStride + 3 + c];
        out[o + c] = v + 0.5; // Uint8Array truncates; +0.5 rounds (v ≥ 0)
      }
    }
  }
  return { data: out, width: outW, height: outH };
}

/**
 * Where dlib's face chip (get_face_chip_details(shape, size, 0.25), the crop dlib's face recognition
 * ResNet was trained on) puts the five ArcFace points, in a size × size chip. dlib fits 33 of its
 * 68-point mean face; these are that mean face's points taken the way the default pack's landmark net
 * gives its five (eye centres from the four lid points, nose tip 30, mouth corners halfway between the
 * outer and inner lip corners), so one similarity fit of five points lands the face where dlib's
 * 33-point fit would. Mean face values: dlib/image_transforms/interpolation.h.
 */
export function dlibChipTemplate(size = 150): number[] {
  const mean = [0.224152, 0.211947, 0.756101, 0.211947, 0.490127, 0.515625, 0.272264, 0.782513, 0.707989, 0.782513];
  const padding = 0.25;
  return mean.map((v) => ((padding + v) / (2 * padding + 1)) * size);
}

/** The transform norm_crop uses: landmarks (5 points, ArcFace order, image pixels) → size × size template
 *  (the ArcFace one unless the embedder wants another, FaceEmbedder.alignTemplate). */
export function arcfaceTransform(landmarks: ArrayLike<number>, size = 112, template?: readonly number[]): Affine {
  if (landmarks.length !== 10) throw new Error(`alignFace: expected 10 landmark values, got ${landmarks.length}`);
  return estimateSimilarity(landmarks, template ?? arcfaceTemplate(size));
}

/** Aligned size × size RGB crop for an embedder (on the ArcFace template unless `template` says otherwise). */
export function alignFace(img: RgbImage, landmarks: ArrayLike<number>, size = 112, template?: readonly number[]): RgbImage {
  return warpAffine(img, arcfaceTransform(landmarks, size, template), size, size);
}
