// Default-pack detector: faceplugin's own detection front end, the one its fr_feature embedder is
// deployed behind. UltraFace RFB-320 (fr_detect.onnx, made size-agnostic at install by
// models/convert/ultraface-dynamic.ts) finds boxes; a 68-point landmark net (fr_landmark.onnx, 64×64
// grey crop of the box) measures the face, and the five ArcFace points are taken from it exactly as
// faceplugin's convert68pts5pts does: eye centres from the four lid points (pupil centres, what the
// ArcFace template's eye points are), nose tip 30, mouth corners halfway between the outer and inner
// lip corners. Chosen by the measured table in models/packs/DETECTORS.md.
import * as ort from 'onnxruntime-node';
import type { DetectorSpec } from '../manifest';
import { detectEach } from '../detect';
import { requireNames } from '../session-io';
import type { FaceDetector, RawDetection, RgbImage } from '../types';

/** UltraFace RFB-320's prior boxes: per level (stride), the anchor sides in input pixels. */
export const ULTRAFACE_MIN_BOXES: readonly (readonly number[])[] = [[10, 16, 24], [32, 48], [64, 96], [128, 192, 256]];
export const ULTRAFACE_STRIDES: readonly number[] = [8, 16, 32, 64];
const CENTER_VARIANCE = 0.1;
const SIZE_VARIANCE = 0.2;

/** Priors [cx, cy, w, h] normalised to the input size, in the order the network emits its anchors.
 *  Centres are spaced by the (ceil-rounded) feature-map size, as the published graph's constants are. */
export function ultrafacePriors(W: number, H: number): Float32Array {
  const rows: number[] = [];
  ULTRAFACE_STRIDES.forEach((stride, k) => {
    const fw = Math.ceil(W / stride), fh = Math.ceil(H / stride);
    for (let j = 0; j < fh; j++) {
      for (let i = 0; i < fw; i++) {
        const cx = (i + 0.5) / fw, cy = (j + 0.5) / fh;
        for (const m of ULTRAFACE_MIN_BOXES[k]) rows.push(cx, cy, Math.min(1, m / W), Math.min(1, m / H));
      }
    }
  });
  return Float32Array.from(rows);
}

/** Boxes in input pixels from softmax scores [N,2] and raw regressions [N,4]. */
export function decodeUltraFace(scores: Float32Array, loc: Float32Array, priors: Float32Array, W: number, H: number, threshold: number): RawDetection[] {
  const n = priors.length / 4;
  if (scores.length !== 2 * n || loc.length !== 4 * n) {
    throw new Error(`ultraface: outputs hold ${scores.length / 2} anchors, expected ${n} for a ${W}×${H} input`);
  }
  const out: RawDetection[] = [];
  for (let i = 0; i < n; i++) {
    const conf = scores[2 * i + 1];
    if (conf < threshold) continue;
    const pw = priors[4 * i + 2], ph = priors[4 * i + 3];
    const cx = priors[4 * i] + loc[4 * i] * CENTER_VARIANCE * pw;
    const cy = priors[4 * i + 1] + loc[4 * i + 1] * CENTER_VARIANCE * ph;
    const w = pw * Math.exp(loc[4 * i + 2] * SIZE_VARIANCE), h = ph * Math.exp(loc[4 * i + 3] * SIZE_VARIANCE);
    out.push({ bbox: [(cx - w / 2) * W, (cy - h / 2) * H, (cx + w / 2) * W, (cy + h / 2) * H], landmarks: [], conf });
  }
  return out;
}

/** 68-point indices → the five ArcFace points (faceplugin's convert68pts5pts). */
export const LANDMARK68_FIVE: readonly (readonly number[])[] = [[37, 38, 40, 41], [43, 44, 46, 47], [30], [48, 60], [54, 64]];

export const LANDMARK_SIZE = 64;

/**
 * The landmark net's input for one box: the box (shifted inside the image, as faceplugin's
 * alignLandmarkImage does) resized to 64×64 bilinear (pixel-centre convention), luma / 256.
 */
export function landmarkCrop(img: RgbImage, box: readonly number[], out: Float32Array, offset: number): [number, number, number, number] {
  const { width: W, height: H, data } = img;
  let x1 = box[0], y1 = box[1];
  const bw = Math.max(1, Math.min(box[2] - box[0], W - 1)), bh = Math.max(1, Math.min(box[3] - box[1], H - 1));
  x1 = Math.max(0, Math.min(x1, W - 1 - bw));
  y1 = Math.max(0, Math.min(y1, H - 1 - bh));
  const S = LANDMARK_SIZE, sx = bw / S, sy = bh / S;
  for (let v = 0; v < S; v++) {
    const fy = Math.max(0, Math.min(H - 1, y1 + (v + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy), ay = fy - y0, yb = Math.min(H - 1, y0 + 1);
    for (let u = 0; u < S; u++) {
      const fx = Math.max(0, Math.min(W - 1, x1 + (u + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx), ax = fx - x0, xb = Math.min(W - 1, x0 + 1);
      let g = 0;
      for (let c = 0; c < 3; c++) {
        const p00 = data[(y0 * W + x0) * 3 + c], p10 = data[(y0 * W + xb) * 3 + c];
        const p01 = data[(yb * W + x0) * 3 + c], p11 = data[(yb * W + xb) * 3 + c];
        const top = p00 + (p10 - p00) * ax, bot = p01 + (p11 - p01) * ax;
        g += (top + (bot - top) * ay) * (c === 0 ? 0.299 : c === 1 ? 0.587 : 0.114);
      }
      out[offset + v * S + u] = g / 256;
    }
  }
  return [x1, y1, bw, bh];
}

export class UltraFaceLandmarkDetector implements FaceDetector {
  readonly family = 'ultraface+landmark68';
  private readonly priors = new Map<string, Float32Array>();
  readonly inputSize: readonly [number, number];

  constructor(
    private readonly det: ort.InferenceSession,
    private readonly lmk: ort.InferenceSession,
    private readonly spec: DetectorSpec,
    readonly modelId: string,
    private readonly file: string,
  ) {
    requireNames(det, file, spec.input.name, ['scores', 'loc']);
    requireNames(lmk, `${file} (landmark68)`, 'input', ['output']);
    const [w, h] = spec.input.size;
    this.inputSize = [w, h];
    if (w % 64 || h % 64) throw new Error(`${file}: manifest detector.input.size ${w}×${h} must be a multiple of 64 for UltraFace`);
  }

  private priorsFor(W: number, H: number): Float32Array {
    const key = `${W}x${H}`;
    let p = this.priors.get(key);
    if (!p) this.priors.set(key, (p = ultrafacePriors(W, H)));
    return p;
  }

  refineLandmarks(image: RgbImage, boxes: readonly (readonly number[])[]): Promise<number[][]> {
    return this.landmarks(image, boxes);
  }

  /** Five ArcFace-order landmarks per box (the landmark net's batch dimension is fixed at 1). */
  async landmarks(img: RgbImage, boxes: readonly (readonly number[])[]): Promise<number[][]> {
    const S = LANDMARK_SIZE;
    const out: number[][] = [];
    for (const b of boxes) {
      const input = new Float32Array(S * S);
      const [x1, y1, bw, bh] = landmarkCrop(img, b, input, 0);
      const res = await this.lmk.run({ input: new ort.Tensor('float32', input, [1, 1, S, S]) });
      const pts = res.output.data as Float32Array;
      const five: number[] = [];
      for (const ids of LANDMARK68_FIVE) {
        let x = 0, y = 0;
        for (const id of ids) {
          x += pts[2 * id];
          y += pts[2 * id + 1];
        }
        five.push(x1 + (x / ids.length) * bw, y1 + (y / ids.length) * bh);
      }
      out.push(five);
    }
    return out;
  }

  async detect(images: RgbImage[], opts: { minConfidence?: number; minFaceSize?: number } = {}): Promise<RawDetection[][]> {
    const [W, H] = this.spec.input.size;
    const priors = this.priorsFor(W, H);
    const boxes = await detectEach(this.det, this.spec, this.file, null, ['scores', 'loc'], images, opts, (t, thr) =>
      decodeUltraFace(t.scores.data, t.loc.data, priors, W, H, thr),
    );
    const out: RawDetection[][] = [];
    for (let i = 0; i < images.length; i++) {
      const lms = await this.landmarks(images[i], boxes[i].map((d) => d.bbox));
      out.push(boxes[i].map((d, k) => ({ ...d, landmarks: lms[k] })));
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.det.release();
    await this.lmk.release();
  }
}
