import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Track } from '../../shared/schema/tracks';
import { applySplits } from './run-tracks';

const box = (frame_idx: number) => ({ frame_idx, bbox: [0.1, 0.1, 0.2, 0.2] as const });
const ids = (...t: string[]) => t.map((track_id) => ({ track_id }) as Track);

test("applySplits: a split track's boxes go to its new ids at the cut frames; others stay", () => {
  const boxes = [
    { track_id: 'track-00001', boxes: [0, 3, 6, 9, 12].map(box) },
    { track_id: 'track-00002', boxes: [0, 3].map(box) },
  ];
  const split = { from: 'track-00001', into: ['track-00003', 'track-00004', 'track-00005'], cutFrames: [6, 12], cosines: [0.1, 0.2] };
  const got = applySplits(boxes, [split], ids('track-00002', 'track-00003', 'track-00004', 'track-00005'))!;
  assert.deepEqual(got.map((t) => [t.track_id, t.boxes.map((b) => b.frame_idx)]), [
    ['track-00003', [0, 3]], ['track-00004', [6, 9]], ['track-00005', [12]], ['track-00002', [0, 3]],
  ]);
  assert.equal(applySplits(boxes, [split], ids('track-00001', 'track-00002')), null);
});
