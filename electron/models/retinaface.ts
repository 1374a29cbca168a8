// RetinaFace-R50 (insightface's retinaface_r50_v1, an MXNet model users export to ONNX) decoder,
// following insightface's RetinaFace.detect (detection/retinaface/retinaface.py): per stride a
// softmaxed class map [1, 2A, H, W] (first A channels background, next A face), box deltas
// [1, 4A, H, W] and landmark deltas [1, 10A, H, W], decoded against anchors of base size 16 and
// per-stride scales (32: 32,16 · 16: 8,4 · 8: 2,1), laid out (row, col, anchor).
// Input: RGB 0…255, no normalisation (pixel_means 0, std 1). Detectors exported in SCRFD's
// layout (insightface's model_zoo "RetinaFace" class: distance outputs) use kind "scrfd" instead.
import type * as ort from 'onnxruntime-node';
import type { DetectorSpec } from './manifest';
import { detectEach, strideOutputNames, type Tensors } from './detect';
import { landmarkPermutation, requireNames, requireShape } from './session-io';
import type { FaceDetector, RawDetection, RgbImage } from './types';

const DEFAULT_SCALES: Record<string, number[]> = { '32': [32, 16], '16': [8, 4], '8': [2, 1] };
const BASE_SIZE = 16;

/** Base anchors (x1, y1, x2, y2) of one stride, as insightface's generate_anchors with ratio 1. */
export function baseAnchors(scales: number[], baseSize = BASE_SIZE): number[][] {
  const ctr = 0.5 * (baseSize - 1);
  return scales.map((s) => {
    const size = baseSize * s;
    return [ctr - 0.5 * (size - 1), ctr - 0.5 * (size - 1), ctr + 0.5 * (size - 1), ctr + 0.5 * (size - 1)];
  });
}

export interface RetinaOutputs {
  scores: string[];
  boxes: string[];
  kps: string[];
}

export function decodeRetinaFace(
  t: Tensors,
  out: RetinaOutputs,
  strides: number[],
  scales: Record<string, number[]>,
  threshold: number,
  file: string,
): RawDetection[] {
  const dets: RawDetection[] = [];
  strides.forEach((stride, si) => {
    const anchors = baseAnchors(scales[String(stride)] ?? []);
    const A = anchors.length;
    if (!A) throw new Error(`${file}: no anchor scales for stride ${stride} (manifest detector.params.anchorScales)`);
    const cls = t[out.scores[si]], box = t[out.boxes[si]], lmk = t[out.kps[si]];
    const [, c, H, W] = cls.dims;
    if (cls.dims.length !== 4 || c !== 2 * A || box.dims[1] !== 4 * A || lmk.dims[1] !== 10 * A || box.dims[2] !== H || lmk.dims[3] !== W) {
      throw new Error(
        `${file}: stride ${stride} outputs have shapes [${cls.dims}] / [${box.dims}] / [${lmk.dims}], expected [1,${2 * A},H,W] / [1,${4 * A},H,W] / [1,${10 * A},H,W]`,
      );
    }
    const plane = H * W;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const pix = y * W + x;
        for (let a = 0; a < A; a++) {
          const score = cls.data[(A + a) * plane + pix];
          if (score < threshold) continue;
          const an = anchors[a];
          const x1 = an[0] + x * stride, y1 = an[1] + y * stride, x2 = an[2] + x * stride, y2 = an[3] + y * stride;
          const w = x2 - x1 + 1, h = y2 - y1 + 1;
          const cx = x1 + 0.5 * (w - 1), cy = y1 + 0.5 * (h - 1);
          const d = (j: number) => box.data[(a * 4 + j) * plane + pix];
          const pcx = d(0) * w + cx, pcy = d(1) * h + cy;
          const pw = Math.exp(d(2)) * w, ph = Math.exp(d(3)) * h;
          const lm = new Array<number>(10);
          for (let k = 0; k < 10; k++) {
            const v = lmk.data[(a * 10 + k) * plane + pix];
            lm[k] = k % 2 === 0 ? v * w + cx : v * h + cy;
          }
          dets.push({
            bbox: [pcx - 0.5 * (pw - 1), pcy - 0.5 * (ph - 1), pcx + 0.5 * (pw - 1), pcy + 0.5 * (ph - 1)],
            landmarks: lm,
            conf: score,
          });
        }
      }
    }
  });
  return dets;
}

export class RetinaFaceDetector implements FaceDetector {
  readonly family = 'retinaface';
  private readonly out: RetinaOutputs;
  private readonly strides: number[];
  private readonly scales: Record<string, number[]>;
  private readonly perm: number[] | null;

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly spec: DetectorSpec,
    readonly modelId: string,
    private readonly file: string,
  ) {
    this.strides = spec.strides ?? [32, 16, 8];
    const roles = ['scores', 'boxes', 'kps'] as const;
    const out = {} as RetinaOutputs;
    for (const role of roles) {
      out[role] = strideOutputNames(spec, role, this.strides, file);
    }
    this.out = out;
    const given = spec.params?.anchorScales;
    if (given !== undefined && (typeof given !== 'object' || given === null)) {
      throw new Error(`${file}: manifest detector.params.anchorScales must map stride → scales`);
    }
    this.scales = (given as Record<string, number[]> | undefined) ?? DEFAULT_SCALES;
    this.perm = landmarkPermutation(spec.landmarkOrder);
    requireNames(session, file, spec.input.name, roles.flatMap((r) => out[r]));
    const [w, h] = spec.input.size;
    requireShape(session, file, spec.input.name, 'input', [1, 3, h, w], 'detector input');
    this.strides.forEach((s, i) => {
      const A = (this.scales[String(s)] ?? []).length;
      requireShape(session, file, out.scores[i], 'output', [1, 2 * A, null, null], `scores at stride ${s}`);
      requireShape(session, file, out.boxes[i], 'output', [1, 4 * A, null, null], `box deltas at stride ${s}`);
      requireShape(session, file, out.kps[i], 'output', [1, 10 * A, null, null], `landmark deltas at stride ${s}`);
    });
  }

  detect(images: RgbImage[], opts: { minConfidence?: number; minFaceSize?: number } = {}): Promise<RawDetection[][]> {
    const names = [...this.out.scores, ...this.out.boxes, ...this.out.kps];
    return detectEach(this.session, this.spec, this.file, this.perm, names, images, opts, (t, threshold) =>
      decodeRetinaFace(t, this.out, this.strides, this.scales, threshold, this.file),
    );
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
