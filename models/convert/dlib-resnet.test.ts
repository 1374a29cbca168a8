// dlib's face recognition ResNet written as ONNX from face-api's weights: the graph must compute what
// face-api's own layer code computes (re-run here in tfjs, NHWC, unfolded), on real photos, and the
// candidate pack built from it must load with dlib's face chip as its alignment (telling people apart on
// that chip: candidates.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { applyAffine, arcfaceTransform, dlibChipTemplate } from '../../electron/models/align';
import { loadPack, REPO_ROOT } from '../../electron/models/pack';
import { writeCandidateDir } from './candidates';
import { convertDlibResnet, DLIB_CHIP, DLIB_MEAN_RGB, DLIB_PIXEL_SCALE } from './dlib-resnet';
import { FACE_API, packageFile } from './targets';
import { loadTfjsWeights } from './tfjs-graph';

const MANIFEST = packageFile(FACE_API, 'model/face_recognition_model-weights_manifest.json');
const FACES = join(REPO_ROOT, '../shared/eval/faces');

/** face-api's FaceRecognitionNet.forwardInput (src/faceRecognitionNet), op for op, in tfjs. */
function faceApiForward(x: tf.Tensor4D): tf.Tensor2D {
  const w = loadTfjsWeights(MANIFEST);
  const t = (n: string) => tf.tensor(w.get(n)!.data as Float32Array, w.get(n)!.shape);
  const conv = (v: tf.Tensor4D, p: string, stride: number, relu: boolean, pad: 'same' | 'valid') => {
    let o = tf.add(tf.conv2d(v, t(`${p}/conv/filters`) as tf.Tensor4D, stride, pad), t(`${p}/conv/bias`));
    o = tf.add(tf.mul(o, t(`${p}/scale/weights`)), t(`${p}/scale/biases`));
    return (relu ? tf.relu(o) : o) as tf.Tensor4D;
  };
  const residual = (v: tf.Tensor4D, p: string) => tf.relu(tf.add(conv(conv(v, `${p}/conv1`, 1, true, 'same'), `${p}/conv2`, 1, false, 'same'), v)) as tf.Tensor4D;
  const residualDown = (v: tf.Tensor4D, p: string) => {
    let o = conv(conv(v, `${p}/conv1`, 2, true, 'valid'), `${p}/conv2`, 1, false, 'same');
    let pooled = tf.avgPool(v, 2, 2, 'valid') as tf.Tensor4D;
    if (pooled.shape[1] !== o.shape[1]) {
      o = tf.concat([o, tf.zeros([o.shape[0], 1, o.shape[2], o.shape[3]])], 1);
      o = tf.concat([o, tf.zeros([o.shape[0], o.shape[1], 1, o.shape[3]])], 2);
    }
    if (pooled.shape[3] !== o.shape[3]) pooled = tf.concat([pooled, tf.zeros(pooled.shape)], 3);
    return tf.relu(tf.add(pooled, o)) as tf.Tensor4D;
  };
  return tf.tidy(() => {
    let o = tf.maxPool(conv(x, 'conv32_down', 2, true, 'valid'), 3, 2, 'valid');
    for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) o = residual(o, p);
    o = residualDown(o, 'conv64_down');
    for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) o = residual(o, p);
    o = residualDown(o, 'conv128_down');
    for (const p of ['conv128_1', 'conv128_2']) o = residual(o, p);
    o = residualDown(o, 'conv256_down');
    for (const p of ['conv256_1', 'conv256_2']) o = residual(o, p);
    o = residualDown(o, 'conv256_down_out');
    return tf.matMul(tf.mean(o, [1, 2]) as tf.Tensor2D, t('fc') as tf.Tensor2D);
  });
}

test('the ONNX graph computes what face-api\'s layers compute, within 1e-4, on two real photos', async () => {
  await tf.setBackend('cpu');
  const S = DLIB_CHIP, n = 2;
  const nhwc = new Float32Array(n * S * S * 3), nchw = new Float32Array(n * 3 * S * S);
  for (const [k, p] of ['celeb-madonna/1.jpg', 'celeb-jerry-seinfeld/1.jpg'].entries()) {
    const px = await sharp(join(FACES, p)).resize(S, S, { fit: 'fill' }).removeAlpha().raw().toBuffer();
    for (let i = 0; i < S * S; i++) {
      for (let c = 0; c < 3; c++) {
        const v = (px[i * 3 + c] - DLIB_MEAN_RGB[c]) / DLIB_PIXEL_SCALE;
        nhwc[(k * S * S + i) * 3 + c] = v;
        nchw[(k * 3 + c) * S * S + i] = v;
      }
    }
  }
  const want = faceApiForward(tf.tensor4d(nhwc, [n, S, S, 3]));
  const ref = (await want.data()) as Float32Array;
  want.dispose();
  const session = await ort.InferenceSession.create(convertDlibResnet(MANIFEST));
  const got = (await session.run({ input: new ort.Tensor('float32', nchw, [n, 3, S, S]) })).embedding;
  assert.deepEqual(got.dims, [n, 128]);
  let diff = 0;
  (got.data as Float32Array).forEach((v, i) => (diff = Math.max(diff, Math.abs(v - ref[i]))));
  assert.ok(diff < 1e-4, `max abs diff ${diff}`);
  // The two people's descriptors differ: the graph is not a constant (a broken fold would be).
  const a = ref.subarray(0, 128), b = ref.subarray(128);
  assert.ok(Math.hypot(...a.map((v, i) => v - b[i])) > 0.3);
  await session.release();
});

test('dlib\'s chip template: the five points sit where dlib\'s mean face puts them (eyes level, 150 px, 0.25 padding)', () => {
  const t = dlibChipTemplate(150);
  assert.equal(t[1], t[3], 'eyes on one row');
  assert.ok(Math.abs((t[0] + t[2]) / 2 - t[4]) < 0.5, 'nose under the eyes\' midpoint');
  // dlib's mean face spans [0, 1] inside a 0.25 padding: the eyes 0.53 of the face apart → 53 px of 150.
  assert.ok(Math.abs(t[2] - t[0] - 53.2) < 0.1, `eye distance ${t[2] - t[0]}`);
  // Landmarks already on the template map onto themselves.
  const m = arcfaceTransform(t, 150, t);
  applyAffine(m, t).forEach((v, i) => assert.ok(Math.abs(v - t[i]) < 1e-9));
});

test('the dlib-candidate pack loads from the folder writeCandidateDir fills, with dlib\'s chip as its alignment', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cand-dlib-'));
  try {
    writeCandidateDir('face-api dlib', dir, join(REPO_ROOT, 'models/generated/default'));
    const pack = await loadPack({ packId: 'dlib-candidate', userModelDir: dir, device: 'cpu' });
    try {
      assert.equal(pack.embedder.dim, 128);
      assert.equal(pack.embedder.inputSize, 150);
      assert.deepEqual(pack.embedder.alignTemplate, dlibChipTemplate(150));
    } finally {
      await Promise.all([pack.detector.dispose(), pack.embedder.dispose()]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
