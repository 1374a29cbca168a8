// Harvest building blocks on real photos with the real eval models: quality cues react to blur and
// pose, and id_switches counts a change of person inside a track (the harvest's cut, track-cuts.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { alignFace } from '../models/align';
import { EVAL_DIR, loadEvalPack, readRgb } from '../models/eval-pack';
import type { LoadedPack, RawDetection, RgbImage } from '../models/types';
import { cropBox } from './face-crop';
import { faceQuality, poseScore, POSE_REJECTION, rejectionReason } from './quality';
import { cutAtPersonChanges, cutCount } from './track-cuts';
import { formatFaceId } from '../../shared/schema/common';
import type { Face } from '../../shared/schema/faces';
import type { Track } from '../../shared/schema/tracks';

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

test('id_switches: a change of person that persists inside one track is cut and counted once; blips, poses and other tracks are not', async () => {
  const [a1, a2, a3] = await Promise.all(['1', '2', '3'].map((n) => embedPhoto(`celeb-madonna/${n}.jpg`)));
  const [b1, b2] = await Promise.all(['1', '3'].map((n) => embedPhoto(`celeb-mindy-kaling/${n}.jpg`)));
  const T1 = 'track-00001', T2 = 'track-00002';
  /** The id_switches of faces (track, embedding, rejection) in time order, 10 frames apart; `jumps`: frames where the box jumped. */
  const switches = (list: Array<[string, Float32Array, string?]>, jumps: Array<[string, number]> = []) => {
    const faces = list.map(([track_id, e, reason], i): Face => ({
      face_id: formatFaceId(i + 1), track_id, frame_idx: 10 * i, bbox: [0.1, 0.1, 0.2, 0.2], landmarks: Array(10).fill(0.15),
      embedding: Array.from(e), quality_score: 0.8, crop_path: '', ...(reason ? { rejection_reason: reason } : {}),
    }));
    const tracks = [...new Set(list.map(([t]) => t))].map((track_id): Track => {
      const fr = faces.filter((f) => f.track_id === track_id).map((f) => f.frame_idx);
      return { track_id, ep_id: 'syn-s01e01', start_s: fr[0] / 10, end_s: fr.at(-1)! / 10, frame_span: [fr[0], fr.at(-1)!], sample_thumbs: [], stats: { detections: fr.length, avg_conf: 0.9 }, schema_version: 'track_v1' };
    });
    const byTrack = new Map<string, number[]>();
    for (const [t, f] of jumps) byTrack.set(t, [...(byTrack.get(t) ?? []), f]);
    const cut = cutAtPersonChanges({ tracks, faces, embeddings: list.map(([, e]) => e), probe: list.map(() => false), jumps: byTrack, clusterThresh: pack.defaultClusterThresh });
    return cutCount(cut.splits);
  };
  assert.equal(switches([[T1, a1], [T1, a2]]), 0);
  assert.equal(switches([[T1, a1], [T1, a2], [T1, b1], [T1, b2]]), 1, 'A A B B: one switch');
  assert.equal(switches([[T1, a1], [T1, a2], [T1, b1], [T1, b2]], [[T1, 20]]), 1, 'A A B B at a box jump: one switch');
  assert.equal(switches([[T1, a1], [T1, a2], [T1, b1], [T1, b2], [T1, a3], [T1, a1]]), 2, 'A A B B A A: two');
  assert.equal(switches([[T1, a1], [T1, a2], [T1, b1]]), 0, 'one odd face at the end has not persisted');
  assert.equal(switches([[T1, a1], [T1, b1], [T1, a2], [T1, a3]]), 0, 'a blip');
  assert.equal(switches([[T1, a1], [T1, a2], [T2, b1], [T2, b2]]), 0, 'across tracks');
  // Faces rejected for their pose are not compared; blurred (low-quality) faces are.
  assert.equal(switches([[T1, a1], [T1, b1, POSE_REJECTION], [T1, b2, POSE_REJECTION], [T1, a2]]), 0);
  assert.equal(switches([[T1, a1], [T1, a2], [T1, b1, 'low_quality'], [T1, b2, 'low_quality']]), 1);
});

test('crop boxes are squares around the face, clipped to the frame', () => {
  assert.deepEqual(cropBox([100, 100, 200, 200], 640, 360), { left: 80, top: 80, width: 140, height: 140 });
  const edge = cropBox([0, 300, 60, 360], 640, 360);
  assert.equal(edge.left, 0);
  assert.equal(edge.top + edge.height, 360);
});
