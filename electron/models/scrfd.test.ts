// SCRFD-500M (the real det_500m.onnx from ../shared/eval/models) through the eval pack on real photos.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { alignFace, applyAffine, arcfaceTransform } from './align';
import { EVAL_DIR, loadEvalPack, readRgb } from './eval-pack';
import type { LoadedPack, RawDetection } from './types';

let pack: LoadedPack;
before(async () => {
  pack = await loadEvalPack();
});
after(async () => {
  await pack.detector.dispose();
  await pack.embedder.dispose();
});

/** Geometry every upright frontal face must satisfy: landmarks inside the box, eyes above nose above mouth, left before right. */
function assertFaceGeometry(d: RawDetection, where: string) {
  const [x1, y1, x2, y2] = d.bbox;
  const lm = d.landmarks;
  assert.equal(lm.length, 10, where);
  for (let p = 0; p < 5; p++) {
    assert.ok(lm[2 * p] > x1 && lm[2 * p] < x2 && lm[2 * p + 1] > y1 && lm[2 * p + 1] < y2, `${where}: landmark ${p} outside the box`);
  }
  const eyeY = (lm[1] + lm[3]) / 2, noseY = lm[5], mouthY = (lm[7] + lm[9]) / 2;
  assert.ok(eyeY < noseY && noseY < mouthY, `${where}: eyes ${eyeY} / nose ${noseY} / mouth ${mouthY} out of order`);
  assert.ok(lm[0] < lm[2], `${where}: left eye right of right eye`);
  assert.ok(lm[6] < lm[8], `${where}: left mouth corner right of right one`);
  assert.ok(d.conf >= 0.5 && d.conf <= 1, `${where}: conf ${d.conf}`);
}

const center = (d: RawDetection) => [(d.bbox[0] + d.bbox[2]) / 2, (d.bbox[1] + d.bbox[3]) / 2];

test('scene photos: every visible face found, boxes where the faces are', async () => {
  // Expected faces checked by eye: face centres in original pixels (±25 % of the face size).
  const scenes: Record<string, [number, number][]> = {
    // Biden, Obama and the girl in the lower right (the woman at the right edge is cut off).
    'obama_and_biden.jpg': [[848, 519], [1234, 482], [1710, 1133]],
    'kit_with_rose.jpg': [[118, 161], [305, 139]],
    'two_people.jpg': [[312, 122], [864, 147]],
  };
  for (const [file, faces] of Object.entries(scenes)) {
    const img = await readRgb(join(EVAL_DIR, 'scenes', file));
    const [dets] = await pack.detector.detect([img]);
    assert.equal(dets.length, faces.length, `${file}: ${dets.length} faces`);
    for (const [fx, fy] of faces) {
      const hit = dets.find((d) => {
        const [cx, cy] = center(d);
        const size = d.bbox[2] - d.bbox[0];
        return Math.abs(cx - fx) < size * 0.25 && Math.abs(cy - fy) < size * 0.25;
      });
      assert.ok(hit, `${file}: no face near (${fx}, ${fy}); got ${JSON.stringify(dets.map((d) => d.bbox.map(Math.round)))}`);
      assertFaceGeometry(hit, file);
    }
  }
});

test('single-face photos give one face each, and alignment makes the eyes level', async () => {
  const files = ['deepface-p01/1.jpg', 'deepface-p02/2.jpg', 'deepface-p03/3.jpg', 'facerec-obama/1.jpg', 'celeb-madonna/1.jpg'];
  const imgs = await Promise.all(files.map((f) => readRgb(join(EVAL_DIR, 'faces', f))));
  const all = await pack.detector.detect(imgs); // batched call: one result per image
  assert.equal(all.length, files.length);
  all.forEach((dets, i) => {
    assert.equal(dets.length, 1, `${files[i]}: ${dets.length} faces`);
    const d = dets[0];
    assertFaceGeometry(d, files[i]);
    const w = d.bbox[2] - d.bbox[0], h = d.bbox[3] - d.bbox[1];
    assert.ok(w > 30 && h > 30 && h / w > 0.9 && h / w < 1.8, `${files[i]}: implausible face box ${w}×${h}`);
    assert.ok(d.bbox[0] >= 0 && d.bbox[1] >= 0 && d.bbox[2] <= imgs[i].width && d.bbox[3] <= imgs[i].height);
    // Aligned crop: the detector's landmarks land on the template, so the eye row is level.
    const crop = alignFace(imgs[i], d.landmarks);
    assert.equal(crop.width, 112);
    const onCrop = applyAffine(arcfaceTransform(d.landmarks), d.landmarks);
    assert.ok(Math.abs(onCrop[1] - onCrop[3]) < 4, `${files[i]}: aligned eyes at y ${onCrop[1]} and ${onCrop[3]}`);
    assert.ok(onCrop[0] < 50 && onCrop[2] > 62, `${files[i]}: aligned eyes at x ${onCrop[0]} and ${onCrop[2]}`);
  });
});

test('options: a higher confidence floor and a minimum face size drop faces', async () => {
  const img = await readRgb(join(EVAL_DIR, 'scenes', 'obama_and_biden.jpg'));
  const [base] = await pack.detector.detect([img]);
  const [strict] = await pack.detector.detect([img], { minConfidence: 0.8 });
  assert.ok(strict.length < base.length && strict.every((d) => d.conf >= 0.8));
  const [big] = await pack.detector.detect([img], { minFaceSize: 180 });
  assert.ok(big.length < base.length && big.every((d) => d.bbox[2] - d.bbox[0] >= 180));
});

test('a blank frame has no faces', async () => {
  const img = { data: new Uint8Array(640 * 360 * 3).fill(90), width: 640, height: 360 };
  const [dets] = await pack.detector.detect([img]);
  assert.deepEqual(dets, []);
});
