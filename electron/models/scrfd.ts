// SCRFD decoder (insightface det_500m / det_10g, and any ONNX detector in the layout insightface's
// python package decodes in model_zoo/retinaface.py): per stride a score map, box distances and
// keypoint offsets, in stride units from anchor centres laid out row-major, `anchorsPerCell`
// consecutive anchors per centre. Outputs may carry a batch dim ([1,N,C]) or not ([N,C]); their
// names come from the manifest, so any naming/ordering of the nine (or six, without kps) outputs works.
import * as ort from 'onnxruntime-node';
import type { DetectorSpec } from './manifest';
import { nms } from './nms';
import { imageToTensor } from './preprocess';
import { clipBox, landmarkPermutation, outputData, requireNames, requireShape } from './session-io';
import type { FaceDetector, RawDetection, RgbImage } from './types';

export interface ScrfdOutputs {
  scores: string[];
  boxes: string[];
  kps: string[];
}

function names(spec: DetectorSpec, role: string, file: string): string[] {
  const v = spec.outputs[role];
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  const strides = spec.strides ?? [8, 16, 32];
  if (list.length !== strides.length) {
    throw new Error(`${file}: manifest detector.outputs.${role} lists ${list.length} names for ${strides.length} strides`);
  }
  return list;
}

export function scrfdOutputs(spec: DetectorSpec, file: string): ScrfdOutputs {
  return { scores: names(spec, 'scores', file), boxes: names(spec, 'boxes', file), kps: names(spec, 'kps', file) };
}

type Tensors = Record<string, { data: Float32Array; dims: readonly number[] }>;

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

  async detect(images: RgbImage[], opts: { minConfidence?: number; minFaceSize?: number } = {}): Promise<RawDetection[][]> {
    const threshold = opts.minConfidence ?? this.spec.scoreThreshold;
    const [W, H] = this.spec.input.size;
    const results: RawDetection[][] = [];
    // Batch dim is 1 in insightface's exports, so images run one at a time.
    for (const img of images) {
      const prep = imageToTensor(img, this.spec.input, [W, H]);
      const feeds = { [this.spec.input.name]: new ort.Tensor('float32', prep.data, prep.dims) };
      const res = await this.session.run(feeds);
      const t: Tensors = {};
      for (const name of [...this.out.scores, ...this.out.boxes, ...this.out.kps]) t[name] = outputData(res, name, this.file);
      const raw = decodeScrfd(t, this.out, this.strides, this.spec.anchorsPerCell ?? 2, W, H, threshold, this.file);
      results.push(finishDetections(raw, prep.scaleX, prep.scaleY, img, this.spec.nmsThreshold, this.perm, opts.minFaceSize));
    }
    return results;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}

/** NMS in input pixels, then back to image pixels, landmark order fixed, boxes clipped, tiny faces dropped. */
export function finishDetections(
  raw: RawDetection[],
  scaleX: number,
  scaleY: number,
  img: RgbImage,
  nmsThreshold: number,
  perm: number[] | null,
  minFaceSize = 0,
): RawDetection[] {
  const kept = nms(raw, nmsThreshold);
  const out: RawDetection[] = [];
  for (const d of kept) {
    const b = d.bbox;
    const bbox = clipBox([b[0] / scaleX, b[1] / scaleY, b[2] / scaleX, b[3] / scaleY], img.width, img.height);
    if (Math.min(bbox[2] - bbox[0], bbox[3] - bbox[1]) < Math.max(minFaceSize, 1)) continue;
    let lm = d.landmarks.map((v, i) => (i % 2 === 0 ? v / scaleX : v / scaleY));
    if (perm) lm = perm.flatMap((p) => [lm[2 * p], lm[2 * p + 1]]);
    out.push({ bbox, landmarks: lm, conf: Math.min(1, Math.max(0, d.conf)) });
  }
  return out;
}
