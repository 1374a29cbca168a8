// Track matcher on synthetic tracks: a person moving across frames, sampled at two strides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iou } from '../geometry';
import { boxAt, matchTracks, type Box, type TrackBoxes } from './trackmatch';

/** A face box drifting right at `speed` per frame from x0, sampled every `step` frames in [from, to]. */
function track(id: string, x0: number, from: number, to: number, step: number, speed = 0.001, y = 0.2): TrackBoxes {
  const boxes = [];
  for (let f = from; f <= to; f += step) {
    const x = x0 + speed * f;
    boxes.push({ frame_idx: f, bbox: [x, y, x + 0.1, y + 0.15] as Box });
  }
  return { track_id: id, boxes };
}

test('iou and interpolation', () => {
  assert.equal(iou([0, 0, 1, 1], [0, 0, 1, 1]), 1);
  assert.equal(iou([0, 0, 1, 1], [2, 2, 3, 3]), 0);
  assert.ok(Math.abs(iou([0, 0, 2, 1], [1, 0, 3, 1]) - 1 / 3) < 1e-12);
  const t = track('track-00001', 0, 0, 12, 4, 0.01);
  assert.deepEqual(boxAt(t, 4, 48), t.boxes[1].bbox);
  const mid = boxAt(t, 6, 48)!;
  assert.ok(Math.abs(mid[0] - 0.06) < 1e-12, `interpolated x ${mid[0]}`);
  assert.equal(boxAt(t, 13, 48), undefined, 'past the end');
  assert.equal(boxAt(t, 6, 3), undefined, 'gap wider than maxGap');
});

test('the same two people re-tracked at another stride (and renumbered) map one to one', () => {
  const old = [track('track-00001', 0.1, 0, 300, 12), track('track-00002', 0.6, 0, 300, 12)];
  // New run: stride 3, ids swapped, the right person first.
  const next = [track('track-00001', 0.6, 3, 297, 3), track('track-00002', 0.1, 3, 297, 3)];
  const m = matchTracks(old, next);
  assert.deepEqual([...m.oldToNew], [['track-00001', ['track-00002']], ['track-00002', ['track-00001']]]);
  assert.deepEqual(m.lost, []);
  assert.ok((m.shared.get('track-00001→track-00002') ?? 0) >= 20);
});

test('a track broken into fragments maps to all of them; a vanished track is lost; a stranger maps to nothing', () => {
  const old = [track('track-00001', 0.1, 0, 300, 12), track('track-00002', 0.5, 0, 100, 10, 0, 0.6)];
  const next = [
    track('track-00001', 0.1, 0, 140, 4),
    track('track-00002', 0.1, 160, 300, 4),
    track('track-00003', 0.8, 0, 300, 4, 0, 0.6), // someone elsewhere in the frame
  ];
  const m = matchTracks(old, next);
  assert.deepEqual(m.oldToNew.get('track-00001'), ['track-00001', 'track-00002']);
  assert.deepEqual(m.lost, ['track-00002']);
  assert.equal(m.newToOld.get('track-00003'), undefined);
});

test('two old tracks competing for one new track: the one sharing more frames wins, the other is lost', () => {
  // Old 1 covers frames 0–300 on the box, old 2 only 250–300 at the same place (a duplicate).
  const old = [track('track-00001', 0.3, 0, 300, 10, 0), track('track-00002', 0.3, 250, 300, 10, 0)];
  const next = [track('track-00001', 0.3, 0, 300, 3, 0)];
  const m = matchTracks(old, next);
  assert.deepEqual(m.oldToNew.get('track-00001'), ['track-00001']);
  assert.deepEqual(m.lost, ['track-00002']);
});

test('boxes that overlap less than IoU 0.5 do not match; a single old sample can match', () => {
  const old = [track('track-00001', 0.1, 0, 100, 10, 0)];
  const shifted = [track('track-00001', 0.16, 0, 100, 5, 0)]; // IoU ≈ 0.25
  assert.deepEqual(matchTracks(old, shifted).lost, ['track-00001']);
  const single = [{ track_id: 'track-00009', boxes: [{ frame_idx: 50, bbox: [0.1, 0.2, 0.2, 0.35] as Box }] }];
  assert.deepEqual(matchTracks(single, [track('track-00004', 0.1, 0, 100, 5, 0)]).oldToNew.get('track-00009'), ['track-00004']);
});

test('short fragments between two sparse old samples still match (old boxes interpolated)', () => {
  const old = [track('track-00001', 0.1, 0, 160, 16)]; // samples every 16 frames
  const next = [track('track-00001', 0.1, 3, 9, 3), track('track-00002', 0.1, 18, 24, 3), track('track-00003', 0.1, 99, 105, 3)];
  const m = matchTracks(old, next);
  assert.deepEqual(m.oldToNew.get('track-00001'), ['track-00001', 'track-00002', 'track-00003']);
});
