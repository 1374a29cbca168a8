// Conversion check: the converted ONNX model and the original TFJS graph (run by @tensorflow/tfjs'
// pure-JS CPU backend, a devDependency) on the same input; returns the largest absolute difference
// over every output. Used by the converter's tests and by `npm run eval:models`.
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import type { RgbImage } from '../../electron/models/types';
import { readTfjsArtifacts } from './tfjs-graph';

let backendReady: Promise<boolean> | undefined;

/** `clip` bounds both sides before comparing: BlazeFace's background logits reach −950, where float32
 *  spacing alone is 6e-5, and its decoder clips logits to ±100 (as MediaPipe does) before the sigmoid. */
export async function tfjsParityOnTensor(modelJson: string, onnx: Uint8Array, data: Float32Array, dims: number[], clip = Infinity): Promise<number> {
  backendReady ??= tf.setBackend('cpu');
  await backendReady;
  const session = await ort.InferenceSession.create(onnx, { logSeverityLevel: 3 });
  try {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, dims) });
    const model = await tf.loadGraphModel(tf.io.fromMemory(readTfjsArtifacts(modelJson) as tf.io.ModelArtifacts));
    const x = tf.tensor(data, dims);
    const res = model.execute(x, [...session.outputNames]);
    const ref = Array.isArray(res) ? res : [res];
    let max = 0;
    session.outputNames.forEach((name, i) => {
      const a = out[name].data as Float32Array;
      const b = ref[i].dataSync();
      if (a.length !== b.length) throw new Error(`${modelJson}: output ${name} has ${a.length} values in ONNX, ${b.length} in tfjs`);
      const c = (v: number) => Math.max(-clip, Math.min(clip, v));
      for (let k = 0; k < a.length; k++) max = Math.max(max, Math.abs(c(a[k]) - c(b[k])));
    });
    tf.dispose([x, ...ref]);
    model.dispose();
    return max;
  } finally {
    await session.release();
  }
}

/** Same, on real images: RGB crops (all one size) → NHWC float batch through `norm` per value. */
export async function tfjsParity(
  modelJson: string,
  onnx: Uint8Array,
  images: RgbImage[],
  norm: (v: number) => number,
  clip = Infinity,
): Promise<number> {
  const { width: w, height: h } = images[0];
  const data = new Float32Array(images.length * w * h * 3);
  images.forEach((img, i) => img.data.forEach((v, k) => (data[i * w * h * 3 + k] = norm(v))));
  return tfjsParityOnTensor(modelJson, onnx, data, [images.length, h, w, 3], clip);
}
