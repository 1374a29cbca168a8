// OpenCV-Zoo YuNet decoder, following OpenCV's FaceDetectorYN (objdetect/src/face_detect.cpp):
// input BGR 0…255 unnormalised; per stride cls/obj [1,N,1], bbox [1,N,4], kps [1,N,10], one anchor
// per cell, row-major. score = sqrt(clamp(cls)·clamp(obj)); centre = (col + dx, row + dy)·stride,
// size = exp(dw, dh)·stride; landmark = (col + kx, row + ky)·stride. Checked against
// face_detection_yunet_2026may.onnx on the eval photos (boxes agree with SCRFD's, see yunet.test.ts).
import type * as ort from 'onnxruntime-node';
import type { DetectorSpec } from './manifest';
import { detectEach, strideOutputNames } from './detect';
import { landmarkPermutation, requireNames, requireShape } from './session-io';
import type { FaceDetector, RawDetection, RgbImage } from './types';

const ROLES = ['cls', 'obj', 'bbox', 'kps'] as const;
type Role = (typeof ROLES)[number];
type Tensors = Record<string, { data: Float32Array }>;

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

export function decodeYuNet(
  t: Tensors,
  out: Record<Role, string[]>,
  strides: number[],
  inputW: number,
  inputH: number,
  threshold: number,
  file: string,
): RawDetection[] {
  const dets: RawDetection[] = [];
  strides.forEach((stride, si) => {
    const fw = Math.ceil(inputW / stride), fh = Math.ceil(inputH / stride);
    const n = fw * fh;
    const cls = t[out.cls[si]].data, obj = t[out.obj[si]].data, bb = t[out.bbox[si]].data, kp = t[out.kps[si]].data;
    if (cls.length !== n || obj.length !== n || bb.length !== n * 4 || kp.length !== n * 10) {
      throw new Error(`${file}: stride ${stride} outputs hold ${cls.length} cells, expected ${n} for a ${inputW}×${inputH} input`);
    }
    for (let i = 0; i < n; i++) {
      const score = Math.sqrt(clamp01(cls[i]) * clamp01(obj[i]));
      if (score < threshold) continue;
      const col = i % fw, row = Math.floor(i / fw);
      const cx = (col + bb[4 * i]) * stride, cy = (row + bb[4 * i + 1]) * stride;
      const w = Math.exp(bb[4 * i + 2]) * stride, h = Math.exp(bb[4 * i + 3]) * stride;
      const lm = new Array<number>(10);
      for (let p = 0; p < 5; p++) {
        lm[2 * p] = (col + kp[10 * i + 2 * p]) * stride;
        lm[2 * p + 1] = (row + kp[10 * i + 2 * p + 1]) * stride;
      }
      dets.push({ bbox: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], landmarks: lm, conf: score });
    }
  });
  return dets;
}

export class YuNetDetector implements FaceDetector {
  readonly family = 'yunet';
  private readonly out: Record<Role, string[]>;
  private readonly strides: number[];
  private readonly perm: number[] | null;

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly spec: DetectorSpec,
    readonly modelId: string,
    private readonly file: string,
  ) {
    this.strides = spec.strides ?? [8, 16, 32];
    const out = {} as Record<Role, string[]>;
    for (const role of ROLES) {
      out[role] = strideOutputNames(spec, role, this.strides, file);
    }
    this.out = out;
    this.perm = landmarkPermutation(spec.landmarkOrder);
    requireNames(session, file, spec.input.name, ROLES.flatMap((r) => out[r]));
    const [w, h] = spec.input.size;
    if (w % 32 || h % 32) throw new Error(`${file}: manifest detector.input.size ${w}×${h} must be a multiple of 32 for YuNet`);
    requireShape(session, file, spec.input.name, 'input', [1, 3, h, w], 'detector input');
    const channels: Record<Role, number> = { cls: 1, obj: 1, bbox: 4, kps: 10 };
    for (const role of ROLES) for (const name of out[role]) requireShape(session, file, name, 'output', [1, null, channels[role]], `${role}: [1,N,${channels[role]}]`);
  }

  detect(images: RgbImage[], opts: { minConfidence?: number; minFaceSize?: number } = {}): Promise<RawDetection[][]> {
    const [W, H] = this.spec.input.size;
    const names = ROLES.flatMap((r) => this.out[r]);
    return detectEach(this.session, this.spec, this.file, this.perm, names, images, opts, (t, threshold) =>
      decodeYuNet(t, this.out, this.strides, W, H, threshold, this.file),
    );
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
