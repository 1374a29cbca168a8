// The real OpenCV-Zoo YuNet (face_detection_yunet_2026may.onnx) with the detector spec of
// models/packs/yunet.json, on real photos; SCRFD-500M is the reference for where the faces are.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readPackManifest } from './manifest';
import { iou } from '../../shared/geometry';
import { REPO_ROOT } from './pack';
import { createSession } from './providers';
import { EVAL_DIR, EVAL_MODELS_DIR, loadEvalPack, readRgb } from './eval-pack';
import type { FaceDetector, LoadedPack } from './types';
import { YuNetDetector } from './yunet';

const FILE = join(EVAL_MODELS_DIR, 'face_detection_yunet_2026may.onnx');
let yunet: FaceDetector;
let ref: LoadedPack;

before(async () => {
  const spec = readPackManifest(join(REPO_ROOT, 'models/packs/yunet.json')).detector;
  const { session } = await createSession(FILE, 'cpu');
  yunet = new YuNetDetector(session, spec, 'face_detection_yunet_2026may', FILE);
  ref = await loadEvalPack();
});
after(async () => {
  await yunet.dispose();
  await ref.detector.dispose();
  await ref.embedder.dispose();
});

test('scene photos: the same faces as SCRFD, boxes overlapping, landmarks in face order', async () => {
  for (const file of ['obama_and_biden.jpg', 'kit_with_rose.jpg', 'two_people.jpg']) {
    const img = await readRgb(join(EVAL_DIR, 'scenes', file));
    const [got] = await yunet.detect([img]);
    const [want] = await ref.detector.detect([img]);
    assert.equal(got.length, want.length, `${file}: YuNet ${got.length} faces, SCRFD ${want.length}`);
    for (const w of want) {
      const best = Math.max(...got.map((g) => iou(g.bbox, w.bbox)));
      assert.ok(best > 0.5, `${file}: SCRFD face ${w.bbox.map(Math.round)} has no YuNet match (best IoU ${best.toFixed(2)})`);
    }
    for (const d of got) {
      const lm = d.landmarks;
      for (let p = 0; p < 5; p++) assert.ok(lm[2 * p] > d.bbox[0] && lm[2 * p] < d.bbox[2] && lm[2 * p + 1] > d.bbox[1] && lm[2 * p + 1] < d.bbox[3], `${file}: landmark ${p} outside`);
      assert.ok(lm[0] < lm[2] && lm[6] < lm[8], `${file}: left/right swapped`);
      assert.ok((lm[1] + lm[3]) / 2 < lm[5] && lm[5] < (lm[7] + lm[9]) / 2, `${file}: eyes/nose/mouth order`);
      // Landmarks agree with SCRFD's to within a tenth of the face width.
      const match = want.reduce((a, b) => (iou(a.bbox, d.bbox) > iou(b.bbox, d.bbox) ? a : b));
      const size = d.bbox[2] - d.bbox[0];
      for (let i = 0; i < 10; i++) assert.ok(Math.abs(lm[i] - match.landmarks[i]) < size * 0.1, `${file}: landmark coord ${i} ${lm[i]} vs ${match.landmarks[i]}`);
    }
  }
});

test('single-face photos give one face; a blank frame none', async () => {
  const files = ['deepface-p01/1.jpg', 'facerec-biden/1.jpg', 'celeb-mindy-kaling/2.jpg'];
  const imgs = await Promise.all(files.map((f) => readRgb(join(EVAL_DIR, 'faces', f))));
  const res = await yunet.detect(imgs);
  res.forEach((d, i) => assert.equal(d.length, 1, `${files[i]}: ${d.length} faces`));
  const [none] = await yunet.detect([{ data: new Uint8Array(320 * 240 * 3).fill(200), width: 320, height: 240 }]);
  assert.deepEqual(none, []);
});
