import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iou } from '../../shared/geometry';
import { matchToTruth, scoreItems, type ScoredItem } from './metrics';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≠ ${b}`);

test('iou: hand-computed', () => {
  close(iou([0, 0, 2, 2], [1, 1, 3, 3]), 1 / 7);
  close(iou([0, 0, 1, 1], [2, 2, 3, 3]), 0);
  close(iou([0, 0, 1, 1], [0, 0, 1, 1]), 1);
});

test('matchToTruth: best IoU wins, one-to-one per frame, below minIou → null, other frames ignored', () => {
  const frames = [
    [{ person: 'A', bbox: [0.1, 0.1, 0.3, 0.3] as const }, { person: 'B', bbox: [0.5, 0.1, 0.7, 0.3] as const }],
    [{ person: 'C', bbox: [0.1, 0.1, 0.3, 0.3] as const }],
  ];
  const got = matchToTruth(
    [
      { track_id: 't1', frame_idx: 0, bbox: [0.11, 0.1, 0.31, 0.3] }, // A (high IoU)
      { track_id: 't2', frame_idx: 0, bbox: [0.12, 0.12, 0.3, 0.3] }, // also overlaps A, but A is taken
      { track_id: 't3', frame_idx: 0, bbox: [0.5, 0.1, 0.7, 0.3] }, // B
      { track_id: 't4', frame_idx: 1, bbox: [0.1, 0.1, 0.3, 0.3] }, // C
      { track_id: 't5', frame_idx: 1, bbox: [0.6, 0.6, 0.7, 0.7] }, // nothing there
      { track_id: 't6', frame_idx: 9, bbox: [0.1, 0.1, 0.3, 0.3] }, // frame without truth
    ],
    frames,
  );
  assert.deepEqual(got, ['A', null, 'B', 'C', null, null]);
});

test('scores: hand-computed track purity, mixed tracks, WCP and B-cubed', () => {
  // t1 (I1): A A A B B · t2 (I1): A A · t3 (I2): B B B · t4 (I2): C · plus one unmatched item.
  const mk = (track: string, identity: string, persons: Array<string | null>): ScoredItem[] => persons.map((person) => ({ track, identity, person }));
  const items = [
    ...mk('t1', 'I1', ['A', 'A', 'A', 'B', 'B']),
    ...mk('t2', 'I1', ['A', 'A']),
    ...mk('t3', 'I2', ['B', 'B', 'B']),
    ...mk('t4', 'I2', ['C', null]),
  ];
  const s = scoreItems(items);
  assert.equal(s.items, 12);
  assert.equal(s.matchedItems, 11);
  assert.equal(s.tracks, 4);
  assert.equal(s.identities, 2);
  close(s.trackPurity, 9 / 11);
  assert.deepEqual(s.mixedTrackIds, ['t1']);
  // I1: A5 B2 → 5; I2: B3 C1 → 3.
  close(s.identityWcp, 8 / 11);
  // P = (25/7 + 4/7 + 9/4 + 1/4) / 11; R = (25/5 + 4/5 + 9/5 + 1/1) / 11.
  const P = (29 / 7 + 10 / 4) / 11;
  const R = 8.6 / 11;
  close(s.bcubed.precision, P);
  close(s.bcubed.recall, R);
  close(s.bcubed.f1, (2 * P * R) / (P + R));
  // A single stray item of a second person does not make a track "mixed" (minMix 2)…
  assert.equal(scoreItems(mk('t', 'I', ['A', 'A', 'B'])).mixedTracks, 0);
  // …unless asked.
  assert.equal(scoreItems(mk('t', 'I', ['A', 'A', 'B']), 1).mixedTracks, 1);
});

test('scores: a perfect clustering scores 1 everywhere', () => {
  const items: ScoredItem[] = [
    { track: 't1', identity: 'I1', person: 'A' },
    { track: 't2', identity: 'I1', person: 'A' },
    { track: 't3', identity: 'I2', person: 'B' },
  ];
  const s = scoreItems(items);
  assert.deepEqual([s.trackPurity, s.identityWcp, s.bcubed.precision, s.bcubed.recall, s.bcubed.f1, s.mixedTracks], [1, 1, 1, 1, 1, 0]);
});
