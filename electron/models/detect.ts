// What every ONNX face detector (SCRFD, YuNet, RetinaFace) does around its own decoder: read the
// manifest's per-stride output names, and per image resize → run → decode → NMS → image pixels.
import * as ort from 'onnxruntime-node';
import type { DetectorSpec } from './manifest';
import { nms } from './nms';
import { imageToBytes, imageToTensor } from './preprocess';
import { clipBox, outputData } from './session-io';
import type { RawDetection, RgbImage } from './types';

export type Tensors = Record<string, { data: Float32Array; dims: readonly number[] }>;

/** The manifest's output names for one role, one per stride (a single name when one stride). */
export function strideOutputNames(spec: DetectorSpec, role: string, strides: number[], file: string): string[] {
  const v = spec.outputs[role];
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  if (list.length !== strides.length) {
    throw new Error(`${file}: manifest detector.outputs.${role} lists ${list.length} names for ${strides.length} strides`);
  }
  return list;
}

/**
 * Runs the detector on each image in turn (the exports' batch dim is 1); `decode` turns the named
 * outputs into detections in model-input pixels.
 */
export async function detectEach(
  session: ort.InferenceSession,
  spec: DetectorSpec,
  file: string,
  perm: number[] | null,
  outputs: string[],
  images: RgbImage[],
  opts: { minConfidence?: number; minFaceSize?: number },
  decode: (t: Tensors, threshold: number) => RawDetection[],
): Promise<RawDetection[][]> {
  const threshold = opts.minConfidence ?? spec.scoreThreshold;
  const results: RawDetection[][] = [];
  // One input buffer for the whole batch: the session is done with it once `run` resolves.
  let floats: Float32Array | undefined;
  let bytes: Uint8Array | undefined;
  for (const img of images) {
    let prep: { dims: number[]; scaleX: number; scaleY: number };
    let input: ort.Tensor;
    if (spec.input.dtype === 'uint8') {
      const p = imageToBytes(img, spec.input, spec.input.size, bytes);
      input = new ort.Tensor('uint8', (bytes = p.data), p.dims);
      prep = p;
    } else {
      const p = imageToTensor(img, spec.input, spec.input.size, floats);
      input = new ort.Tensor('float32', (floats = p.data), p.dims);
      prep = p;
    }
    const res = await session.run({ [spec.input.name]: input });
    const t: Tensors = {};
    for (const name of outputs) t[name] = outputData(res, name, file);
    results.push(finishDetections(decode(t, threshold), prep.scaleX, prep.scaleY, img, spec.nmsThreshold, perm, opts.minFaceSize));
  }
  return results;
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
