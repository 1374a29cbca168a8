// SCRFD decoder (insightface det_500m / det_10g, and any ONNX detector in the layout insightface's
// python package decodes in model_zoo/retinaface.py): per stride a score map, box distances and
// keypoint offsets, in stride units from anchor centres laid out row-major, `anchorsPerCell`
// consecutive anchors per centre. Outputs may carry a batch dim ([1,N,C]) or not ([N,C]); their
// names come from the manifest, so any naming/ordering of the nine (or six, without kps) outputs works.
import type * as ort from 'onnxruntime-node';
import type { DetectorSpec } from './manifest';
import { detectEach, strideOutputNames, type Tensors } from './detect';
import { landmarkPermutation, requireNames, requireShape } from './session-io';
import type { FaceDetector, RawDetection, RgbImage } from './types';

export interface ScrfdOutputs {
  scores: string[];
  boxes: string[];
  kps: string[];
}

export function scrfdOutputs(spec: DetectorSpec, file: string): ScrfdOutputs {
  const strides = spec.strides ?? [8, 16, 32];
  const names = (role: string) => strideOutputNames(spec, role, strides, file);
  return { scores: names('scores'), boxes: names('boxes'), kps: names('kps') };
}

/**
 * Decodes one image's outputs into detections in model-input pixels (before NMS).
 * `inputW`/`inputH` are the tensor's spatial size.
 */
export function decodeScrfd(
  t: Tensors,
  out: ScrfdOutputs,
  strides: number[],
  anchorsPerCell: number,
  inputW: number,
  inputH: number,
  threshold: number,
  file: string,
): RawDetection[] {
  const dets: RawDetection[] = [];
  strides.forEach((stride, si) => {
    const fw = Math.ceil(inputW / stride), fh = Math.ceil(inputH / stride);
    const n = fw * fh * anchorsPerCell;
    const scores = t[out.scores[si]].data, boxes = t[out.boxes[si]].data, kps = t[out.kps[si]].data;
    if (scores.length !== n || boxes.length !== n * 4 || kps.length !== n * 10) {
      throw new Error(
        `${file}: stride ${stride} outputs hold ${scores.length}/${boxes.length / 4}/${kps.length / 10} anchors, ` +
          `expected ${n} for a ${inputW}×${inputH} input with ${anchorsPerCell} anchors per cell`,
      );
    }
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      if (s < threshold) continue;
      const cell = Math.floor(i / anchorsPerCell);
      const cx = (cell % fw) * stride, cy = Math.floor(cell / fw) * stride;
      const b = i * 4, k = i * 10;
      const lm = new Array<number>(10);
      for (let p = 0; p < 5; p++) {
        lm[2 * p] = cx + kps[k + 2 * p] * stride;
        lm[2 * p + 1] = cy + kps[k + 2 * p + 1] * stride;
      }
      dets.push({
        bbox: [cx - boxes[b] * stride, cy - boxes[b + 1] * stride, cx + boxes[b + 2] * stride, cy + boxes[b + 3] * stride],
        landmarks: lm,
        conf: s,
      });
    }
  });
  return dets;
}

export class ScrfdDetector implements FaceDetector {
  readonly family: string;
  private readonly out: ScrfdOutputs;
  private readonly strides: number[];
  private readonly perm: number[] | null;

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly spec: DetectorSpec,
    readonly modelId: string,
    private readonly file: string,
  ) {
    this.family = spec.kind;
    this.out = scrfdOutputs(spec, file);
    this.strides = spec.strides ?? [8, 16, 32];
    this.perm = landmarkPermutation(spec.landmarkOrder);
    const all = [...this.out.scores, ...this.out.boxes, ...this.out.kps];
    requireNames(session, file, spec.input.name, all);
    const [w, h] = spec.input.size;
    requireShape(session, file, spec.input.name, 'input', spec.input.layout === 'NCHW' ? [1, 3, h, w] : [1, h, w, 3], 'detector input');
    for (const [role, list, c] of [['scores', this.out.scores, 1], ['boxes', this.out.boxes, 4], ['kps', this.out.kps, 10]] as const) {
      for (const name of list) {
        const rank = session.outputMetadata.find((m) => m.name === name);
        const dims = rank && rank.isTensor ? rank.shape.length : 2;
        requireShape(session, file, name, 'output', dims === 3 ? [1, null, c] : [null, c], `${role}: [N,${c}] per stride`);
      }
    }
  }

  detect(images: RgbImage[], opts: { minConfidence?: number; minFaceSize?: number } = {}): Promise<RawDetection[][]> {
    const [W, H] = this.spec.input.size;
    const names = [...this.out.scores, ...this.out.boxes, ...this.out.kps];
    return detectEach(this.session, this.spec, this.file, this.perm, names, images, opts, (t, threshold) =>
      decodeScrfd(t, this.out, this.strides, this.spec.anchorsPerCell ?? 2, W, H, threshold, this.file),
    );
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
