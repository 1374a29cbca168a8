// The size-agnostic UltraFace: the JS prior decoding reproduces the published graph's own boxes, and
// the detector + 68-point landmarks (measured again on the full-resolution face) find the faces SCRFD
// finds on real TV frames, with landmarks close to SCRFD's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { packageFile, FACEPLUGIN } from '../../../models/convert/targets';
import { iou } from '../../../shared/geometry';
import { imageToBytes, imageToTensor } from '../preprocess';
import { loadEvalPack, readRgb, EVAL_DIR } from '../eval-pack';
import { decodeAll } from '../../pipeline/decode';
import { openDefaultPack } from './index';
import { decodeUltraFace, ultrafacePriors } from './ultraface';

test('decoding the cut graph with JS priors gives the published 320×240 graph\'s boxes', async () => {
  const published = await ort.InferenceSession.create(packageFile(FACEPLUGIN, 'model/fr_detect.onnx'));
  const cut = await ort.InferenceSession.create(join(import.meta.dirname, '../../../models/generated/default/ultraface.onnx'));
  const photo = await readRgb(join(EVAL_DIR, 'scenes/two_people.jpg'));
  // The cut graph takes the pixels as bytes and normalises them itself; the published one takes them
  // normalised in JS. Both get the same 320×240 pixels.
  const px = imageToBytes(photo, { layout: 'NHWC', channelOrder: 'RGB', mean: [0, 0, 0], std: [1, 1, 1], resize: 'stretch' }, [320, 240]);
  const img = { width: 320, height: 240, data: px.data };
  const t = imageToTensor(img, { layout: 'NCHW', channelOrder: 'RGB', mean: [127, 127, 127], std: [128, 128, 128], resize: 'stretch' }, [320, 240]);
  const a = await published.run({ input: new ort.Tensor('float32', t.data, t.dims) });
  const b = await cut.run({ input: new ort.Tensor('uint8', px.data, px.dims) });
  const dets = decodeUltraFace(b.scores.data as Float32Array, b.loc.data as Float32Array, ultrafacePriors(320, 240), 320, 240, -1);
  const boxes = a.boxes.data as Float32Array;
  assert.equal(dets.length, 4420);
  let worst = 0;
  dets.forEach((d, i) => d.bbox.forEach((v, k) => (worst = Math.max(worst, Math.abs(v / (k % 2 ? 240 : 320) - boxes[4 * i + k])))));
  assert.ok(worst < 1e-5, `max box difference ${worst}`);
  await published.release();
  await cut.release();
});

test('on real TV frames at the pipeline\'s size it finds SCRFD\'s faces, landmarks near SCRFD\'s', async () => {
  const pack = await openDefaultPack();
  const ref = await loadEvalPack();
  const frames = await decodeAll(join(EVAL_DIR, 'videos', 'tv_dinner_scene.mp4'), { onlyFrames: new Set([48, 480, 960, 1440]) });
  let refFaces = 0, found = 0;
  const errs: number[] = [];
  for (const f of frames) {
    const [want] = await ref.detector.detect([f.image]);
    const small = (await decodeAll(join(EVAL_DIR, 'videos', 'tv_dinner_scene.mp4'), { onlyFrames: new Set([f.frameIdx]), fit: pack.detector.inputSize }))[0];
    const k = f.image.width / small.image.width;
    const [got] = await pack.detector.detect([small.image]);
    const full = await pack.detector.refineLandmarks!(f.image, got.map((d) => d.bbox.map((v) => v * k)));
    for (const r of want.filter((w) => w.bbox[2] - w.bbox[0] >= 24)) {
      refFaces++;
      const i = got.findIndex((d) => iou(d.bbox.map((v) => v * k), r.bbox) >= 0.3);
      if (i < 0) continue;
      found++;
      // Over the face's width, not the inter-ocular distance: these frames hold profiles whose eyes are 5 px apart.
      let e = 0;
      for (let p = 0; p < 5; p++) e += Math.hypot(full[i][2 * p] - r.landmarks[2 * p], full[i][2 * p + 1] - r.landmarks[2 * p + 1]);
      errs.push(e / 5 / (r.bbox[2] - r.bbox[0]));
    }
  }
  errs.sort((a, b) => a - b);
  assert.ok(refFaces >= 6, `${refFaces} reference faces`);
  assert.ok(found / refFaces >= 0.8, `found ${found}/${refFaces}`);
  assert.ok(errs[errs.length >> 1] < 0.08, `median landmark error ${errs[errs.length >> 1]} of the face width`);
  await Promise.all([pack.detector.dispose(), pack.embedder.dispose(), ref.detector.dispose(), ref.embedder.dispose()]);
});
