// Harvest building blocks on real photos with the real eval models: quality cues react to blur and
// pose, and id_switches counts a change of person inside a track.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { alignFace } from '../models/align';
import { EVAL_DIR, loadEvalPack, readRgb } from '../models/eval-pack';
import type { LoadedPack, RawDetection, RgbImage } from '../models/types';
import { countIdSwitches, cropBox, SWITCH_FRONTAL_POSE } from './harvest';
import { faceQuality, poseScore, rejectionReason } from './quality';

let pack: LoadedPack;
before(async () => {
  pack = await loadEvalPack();
});
after(async () => {
  await Promise.allSettled([pack?.detector.dispose(), pack?.embedder.dispose()]);
});

const photo = (p: string) => join(EVAL_DIR, 'faces', p);

async function topFace(img: RgbImage): Promise<RawDetection> {
  const [dets] = await pack.detector.detect([img], { minConfidence: 0.5 });
  assert.ok(dets.length >= 1, 'a face is found');
  return dets.reduce((a, b) => (b.conf > a.conf ? b : a));
}

async function embedPhoto(p: string): Promise<Float32Array> {
  const img = await readRgb(photo(p));
  const d = await topFace(img);
  const [v] = await pack.embedder.embed([alignFace(img, d.landmarks, pack.embedder.inputSize)]);
  return v;
}

test('quality: blurring the same face lowers sharpness and the score; a frontal face has a good pose', async () => {
  const file = photo('celeb-madonna/1.jpg');
  const img = await readRgb(file);
  const d = await topFace(img);
  const { data, info } = await sharp(file).rotate().removeAlpha().blur(6).raw().toBuffer({ resolveWithObject: true });
  const blurred: RgbImage = { data: new Uint8Array(data), width: info.width, height: info.height };
  const q = faceQuality({ conf: d.conf, bboxPx: d.bbox, landmarksPx: d.landmarks, aligned: alignFace(img, d.landmarks) });
  const qb = faceQuality({ conf: d.conf, bboxPx: d.bbox, landmarksPx: d.landmarks, aligned: alignFace(blurred, d.landmarks) });
  assert.ok(q.pose > 0.5, `pose ${q.pose}`);
  assert.ok(qb.sharpness < q.sharpness * 0.7, `sharpness ${q.sharpness} → ${qb.sharpness}`);
  assert.ok(qb.quality < q.quality, `quality ${q.quality} → ${qb.quality}`);
  assert.ok(q.quality > 0 && q.quality <= 1);
  assert.equal(rejectionReason(q, 0.35), undefined);
});

test('quality: landmarks of a profile (nose beyond an eye) are rejected as pose_too_extreme', async () => {
  const img = await readRgb(photo('celeb-madonna/1.jpg'));
  const d = await topFace(img);
  const lm = [...d.landmarks];
  const eyeDist = Math.hypot(lm[2] - lm[0], lm[3] - lm[1]);
  lm[4] = lm[2] + eyeDist * 0.6; // nose well past the right eye
  assert.ok(poseScore(lm).pose < poseScore(d.landmarks).pose);
  const q = faceQuality({ conf: d.conf, bboxPx: d.bbox, landmarksPx: lm, aligned: alignFace(img, d.landmarks) });
  assert.equal(rejectionReason(q, 0.35), 'pose_too_extreme');
});

test('id_switches: a change of person that persists inside one track counts once; blips, poses and other tracks do not', async () => {
  const [a1, a2, a3] = await Promise.all(['1', '2', '3'].map((n) => embedPhoto(`celeb-madonna/${n}.jpg`)));
  const [b1, b2] = await Promise.all(['1', '3'].map((n) => embedPhoto(`celeb-mindy-kaling/${n}.jpg`)));
  for (const p of ['celeb-madonna/1.jpg', 'celeb-madonna/2.jpg', 'celeb-madonna/3.jpg', 'celeb-mindy-kaling/1.jpg', 'celeb-mindy-kaling/3.jpg']) {
    const pose = poseScore((await topFace(await readRgb(photo(p)))).landmarks).pose;
    assert.ok(pose >= SWITCH_FRONTAL_POSE, `${p} is near-frontal (pose ${pose})`);
  }
  const t = pack.defaultClusterThresh;
  const one = (id: string, reason?: string, pose = 0.9) => ({ track_id: id, pose, ...(reason ? { rejection_reason: reason } : {}) });
  const T1 = 'track-00001';
  assert.equal(countIdSwitches([one(T1), one(T1)], [a1, a2], t), 0);
  assert.equal(countIdSwitches([one(T1), one(T1), one(T1), one(T1)], [a1, a2, b1, b2], t), 1, 'A A B B: one switch');
  assert.equal(countIdSwitches([one(T1), one(T1), one(T1), one(T1), one(T1), one(T1)], [a1, a2, b1, b2, a3, a1], t), 2, 'A A B B A A: two');
  assert.equal(countIdSwitches([one(T1), one(T1), one(T1)], [a1, a2, b1], t), 0, 'one odd face at the end has not persisted');
  assert.equal(countIdSwitches([one(T1), one(T1), one(T1), one(T1)], [a1, b1, a2, a3], t), 0, 'a blip');
  assert.equal(countIdSwitches([one(T1), one(T1), one('track-00002'), one('track-00002')], [a1, a2, b1, b2], t), 0, 'across tracks');
  // Rejected and non-frontal faces are not compared at all.
  assert.equal(countIdSwitches([one(T1), one(T1, 'low_quality'), one(T1, 'low_quality'), one(T1)], [a1, b1, b2, a2], t), 0);
  assert.equal(countIdSwitches([one(T1), one(T1), one(T1, undefined, 0.3), one(T1, undefined, 0.3)], [a1, a2, b1, b2], t), 0);
});

test('crop boxes are squares around the face, clipped to the frame', () => {
  assert.deepEqual(cropBox([100, 100, 200, 200], 640, 360), { left: 80, top: 80, width: 140, height: 140 });
  const edge = cropBox([0, 300, 60, 360], 640, 360);
  assert.equal(edge.left, 0);
  assert.equal(edge.top + edge.height, 360);
});
