import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHOT_THUMB_H, SHOT_THUMB_W } from '../../shared/cluster/setup-links';
import type { RgbImage } from '../models/types';
import { decodeThumb, encodeThumb, frameThumb, ShotThumbs } from './shot-thumbs';

/** A frame whose left half is `left` and right half `right` (grey values). */
function frame(left: number, right: number, w = 448, h = 252): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.fill(x < w / 2 ? left : right, (y * w + x) * 3, (y * w + x) * 3 + 3);
  return { data, width: w, height: h };
}
const cut = (frame_idx: number) => ({ frame_idx, ts_s: frame_idx / 10, score: 50, ratio: 10 });

test('frameThumb: the cell means of the frame (left cells the left half\'s value, right cells the right\'s)', () => {
  const t = frameThumb(frame(40, 200));
  assert.equal(t.length, SHOT_THUMB_W * SHOT_THUMB_H * 3);
  for (let y = 0; y < SHOT_THUMB_H; y++) {
    assert.equal(t[(y * SHOT_THUMB_W) * 3], 40);
    assert.equal(t[(y * SHOT_THUMB_W + SHOT_THUMB_W - 1) * 3 + 2], 200);
  }
});

test('ShotThumbs: one mean per shot, split at the cuts, folded only once a frame\'s decision is final', () => {
  const s = new ShotThumbs();
  // Shot 1: frames 0, 3 (grey 10 and 30 → mean 20); shot 2 from the cut at frame 6: frames 6, 9 (100).
  s.push(0, frame(10, 10));
  s.push(3, frame(30, 30));
  s.push(6, frame(100, 100));
  s.fold({ decided: 1, cuts: [] });
  s.push(9, frame(100, 100));
  s.fold({ decided: 4, cuts: [cut(6)] });
  // Folding again with the same decisions changes nothing.
  s.fold({ decided: 4, cuts: [cut(6)] });
  const shots = s.shots();
  assert.deepEqual(shots.map((x) => x.start_frame), [0, 6]);
  assert.ok(shots[0].thumb.every((v) => v === 20));
  assert.ok(shots[1].thumb.every((v) => v === 100));
});

test('thumbnails go through shot_thumbs.json as base64; a wrong length names where it was read', () => {
  const t = Uint8Array.from({ length: SHOT_THUMB_W * SHOT_THUMB_H * 3 }, (_, i) => i % 256);
  assert.deepEqual(decodeThumb(encodeThumb(t), 'x'), t);
  assert.throws(() => decodeThumb(encodeThumb(t.subarray(3)), 'shot_thumbs.json: shots[4]'), /shot_thumbs\.json: shots\[4\]: a shot thumbnail has 1725 bytes, expected 1728/);
});
