// Default-pack detector: MediaPipe BlazeFace (back-camera model) finds faces and gives box + six
// rough keypoints; MediaPipe FaceMesh, run on a crop rotated upright by BlazeFace's eye line,
// measures 468 points, from which the five ArcFace landmarks are taken. BlazeFace's own keypoints
// have no mouth corners, so they only steer the crop, never reach the output.
//
// BlazeFace was converted with a dynamic input size, so it runs on the whole frame at several
// sizes (`params.scales`, [w, h] each, multiples of 32): the large size finds the small faces of a
// TV frame, the 256×256 pass the close-ups that overflow the anchors at the large size.
import * as ort from 'onnxruntime-node';
import { applyAffine, invertAffine, warpAffine, type Affine } from '../align';
import type { DetectorSpec } from '../manifest';
import { nms } from '../nms';
import { imageToTensor } from '../preprocess';
import type { FaceDetector, RawDetection, RgbImage } from '../types';

/** FaceMesh indices → ArcFace order: eye centres (corner midpoints), nose tip, mouth corners. */
export const MESH_FIVE: readonly (readonly number[])[] = [[33, 133], [362, 263], [1], [61], [291]];

export interface BlazeMeshParams {
  /** Detection input sizes [w, h], each a multiple of 32. */
  scales: [number, number][];
  /** Anchors per cell for stride 16 and stride 32 (MediaPipe's back model: 2 and 6). */
  anchorsPerCell: [number, number];
  meshInput: string;
  meshSize: number;
  meshOutput: string;
  faceflagOutput: string;
  /** FaceMesh crop side as a multiple of the BlazeFace box side (MediaPipe uses 1.5). */
  cropScale: number;
  /** Detections whose FaceMesh face flag is below this are dropped … */
  minFaceflag: number;
  /** … unless BlazeFace is at least this sure: FaceMesh rejects some true faces in strong profile. */
  keepAbove: number;
}

export function parseParams(spec: DetectorSpec, file: string): BlazeMeshParams {
  const p = (spec.params ?? {}) as Record<string, unknown>;
  const mesh = (p.facemesh ?? {}) as Record<string, unknown>;
  const bad = (field: string) => new Error(`${file}: detector.params.${field} is missing or invalid`);
  const scales = (p.scales ?? [spec.input.size]) as [number, number][];
  if (!Array.isArray(scales) || scales.some((s) => !Array.isArray(s) || s.length !== 2 || s.some((v) => !Number.isInteger(v) || v <= 0 || v % 32 !== 0))) {
    throw bad('scales (list of [w, h], multiples of 32)');
  }
  const apc = p.anchorsPerCell as [number, number];
  if (!Array.isArray(apc) || apc.length !== 2) throw bad('anchorsPerCell');
  const str = (v: unknown, f: string) => { if (typeof v !== 'string') throw bad(f); return v; };
  const num = (v: unknown, f: string, d?: number) => { const x = v ?? d; if (typeof x !== 'number') throw bad(f); return x; };
  return {
    scales,
    anchorsPerCell: apc,
    meshInput: str(mesh.input, 'facemesh.input'),
    meshSize: num(mesh.size, 'facemesh.size'),
    meshOutput: str(mesh.mesh, 'facemesh.mesh'),
    faceflagOutput: str(mesh.faceflag, 'facemesh.faceflag'),
    cropScale: num(mesh.cropScale, 'facemesh.cropScale', 1.5),
    minFaceflag: num(mesh.minFaceflag, 'facemesh.minFaceflag', 0),
    keepAbove: num(mesh.keepAbove, 'facemesh.keepAbove', 1),
  };
}

interface Candidate {
  bbox: [number, number, number, number];
  conf: number;
  /** BlazeFace keypoints (image pixels): 0 = eye on the image's left, 1 = eye on its right. */
  kps: number[];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, x))));

/**
 * BlazeFace decode (MediaPipe face_detection_back): per anchor, 16 regressors = box centre offset,
 * box size, six keypoint offsets, all in input pixels relative to the anchor centre.
 */
export function decodeBlazeFace(
  scores: Float32Array[],
  regs: Float32Array[],
  inputW: number,
  inputH: number,
  anchorsPerCell: readonly number[],
  threshold: number,
  scale: number,
): Candidate[] {
  const out: Candidate[] = [];
  [16, 32].forEach((stride, si) => {
    const fw = Math.ceil(inputW / stride), fh = Math.ceil(inputH / stride), k = anchorsPerCell[si];
    const n = fw * fh * k;
    if (scores[si].length !== n || regs[si].length !== n * 16) {
      throw new Error(`blazeface: stride ${stride} output has ${scores[si].length} anchors, expected ${n} for ${inputW}×${inputH}`);
    }
    for (let i = 0; i < n; i++) {
      const conf = sigmoid(scores[si][i]);
      if (conf < threshold) continue;
      const cell = Math.floor(i / k);
      const ax = ((cell % fw) + 0.5) * stride, ay = (Math.floor(cell / fw) + 0.5) * stride;
      const r = regs[si].subarray(i * 16, i * 16 + 16);
      const cx = ax + r[0], cy = ay + r[1], w = r[2], h = r[3];
      const kps: number[] = [];
      for (let p = 0; p < 6; p++) kps.push((ax + r[4 + 2 * p]) / scale, (ay + r[5 + 2 * p]) / scale);
      out.push({ bbox: [(cx - w / 2) / scale, (cy - h / 2) / scale, (cx + w / 2) / scale, (cy + h / 2) / scale], conf, kps });
    }
  });
  return out;
}

/** Crop (meshSize² pixels) → image affine: centred on the box, side cropScale × box, rotated upright by the eye line. */
export function meshCropAffine(c: Candidate, meshSize: number, cropScale: number): Affine {
  const [x1, y1, x2, y2] = c.bbox;
  const cx = (x1 + x2) / 2, cy = (y1 + y2) / 2;
  const side = Math.max(x2 - x1, y2 - y1) * cropScale;
  const theta = Math.atan2(c.kps[3] - c.kps[1], c.kps[2] - c.kps[0]);
  const k = side / meshSize, cos = Math.cos(theta) * k, sin = Math.sin(theta) * k;
  const h = meshSize / 2;
  // Index coordinates (pixel centres at integers, as warpAffine samples): img + ½ = centre + kR(u + ½ − h).
  return [cos, -sin, cx - 0.5 + cos * (0.5 - h) - sin * (0.5 - h), sin, cos, cy - 0.5 + sin * (0.5 - h) + cos * (0.5 - h)];
}

export class BlazeFaceMeshDetector implements FaceDetector {
  readonly family = 'blazeface+facemesh';
  private readonly p: BlazeMeshParams;

  constructor(
    private readonly blaze: ort.InferenceSession,
    private readonly mesh: ort.InferenceSession,
    private readonly spec: DetectorSpec,
    readonly modelId: string,
    file: string,
  ) {
    this.p = parseParams(spec, file);
    const need = (s: ort.InferenceSession, names: string[], what: string) => {
      const missing = names.filter((n) => !s.outputNames.includes(n) && !s.inputNames.includes(n));
      if (missing.length) throw new Error(`${what}: model has no tensor ${missing.join(', ')}`);
    };
    const o = spec.outputs as Record<string, string[]>;
    if (!Array.isArray(o.scores) || !Array.isArray(o.boxes) || o.scores.length !== 2 || o.boxes.length !== 2) {
      throw new Error(`${file}: detector.outputs needs scores and boxes, two names each (stride 16, 32)`);
    }
    need(blaze, [spec.input.name, ...o.scores, ...o.boxes], file);
    need(mesh, [this.p.meshInput, this.p.meshOutput, this.p.faceflagOutput], `${file} (facemesh)`);
  }

  private async candidates(img: RgbImage, threshold: number): Promise<Candidate[]> {
    const o = this.spec.outputs as Record<string, string[]>;
    const all: Candidate[] = [];
    for (const [w, h] of this.p.scales) {
      const t = imageToTensor(img, { ...this.spec.input, resize: 'letterbox' }, [w, h]);
      const res = await this.blaze.run({ [this.spec.input.name]: new ort.Tensor('float32', t.data, t.dims) });
      const get = (n: string) => res[n].data as Float32Array;
      all.push(...decodeBlazeFace(o.scores.map(get), o.boxes.map(get), w, h, this.p.anchorsPerCell, threshold, t.scaleX));
    }
    return nms(all, this.spec.nmsThreshold);
  }

  /** Five ArcFace-order landmarks and the face flag for each candidate, FaceMesh run as one batch. */
  private async landmarks(img: RgbImage, cands: Candidate[]): Promise<{ lm: number[]; flag: number }[]> {
    const S = this.p.meshSize;
    const per = S * S * 3;
    const data = new Float32Array(per * cands.length);
    const affines = cands.map((c) => meshCropAffine(c, S, this.p.cropScale));
    affines.forEach((a, i) => {
      const crop = warpAffine(img, invertAffine(a), S, S).data;
      // FaceMesh takes RGB scaled to [0, 1].
      for (let j = 0; j < per; j++) data[i * per + j] = crop[j] / 255;
    });
    const res = await this.mesh.run({ [this.p.meshInput]: new ort.Tensor('float32', data, [cands.length, S, S, 3]) });
    const mesh = res[this.p.meshOutput].data as Float32Array;
    const flag = res[this.p.faceflagOutput].data as Float32Array;
    const pts = mesh.length / cands.length / 3;
    return cands.map((_, i) => {
      const five: number[] = [];
      for (const ids of MESH_FIVE) {
        let x = 0, y = 0;
        for (const id of ids) {
          x += mesh[(i * pts + id) * 3];
          y += mesh[(i * pts + id) * 3 + 1];
        }
        five.push(x / ids.length - 0.5, y / ids.length - 0.5);
      }
      return { lm: applyAffine(affines[i], five), flag: flag[i] };
    });
  }

  async detect(images: RgbImage[], opts: { minConfidence?: number; minFaceSize?: number } = {}): Promise<RawDetection[][]> {
    const threshold = opts.minConfidence ?? this.spec.scoreThreshold;
    const minSize = opts.minFaceSize ?? 0;
    const out: RawDetection[][] = [];
    for (const img of images) {
      const cands = (await this.candidates(img, threshold)).filter(
        (c) => Math.max(c.bbox[2] - c.bbox[0], c.bbox[3] - c.bbox[1]) >= minSize,
      );
      if (cands.length === 0) {
        out.push([]);
        continue;
      }
      const lms = await this.landmarks(img, cands);
      const dets: RawDetection[] = [];
      cands.forEach((c, i) => {
        if (lms[i].flag < this.p.minFaceflag && c.conf < this.p.keepAbove) return;
        const [x1, y1, x2, y2] = c.bbox;
        dets.push({
          bbox: [Math.max(0, x1), Math.max(0, y1), Math.min(img.width, x2), Math.min(img.height, y2)],
          landmarks: lms[i].lm,
          conf: c.conf,
        });
      });
      out.push(dets);
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.blaze.release();
    await this.mesh.release();
  }
}
