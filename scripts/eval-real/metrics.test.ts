import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelBoxes, labelsDocSchema, matchBoxes, nearestFrame, type LabelsDoc } from './labels';
import { boxRecall, scoreRun, type ScoredBox } from './metrics';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≠ ${b}`);

// Faces per track: t1 A×5; t2 A×2; t3 B×1; t4 unknown×3; t5 A×1 + B×2 (mixed, label B); t6 C×1;
// t7 other×2; t8 A×2 but not clustered. Identities: I1 {t1, t3}, I2 {t2, t4, t5, t6}, I3 {t7}.
const faces: ScoredBox[] = [
  ...Array(5).fill({ track: 't1', person: 'A' }),
  ...Array(2).fill({ track: 't2', person: 'A' }),
  { track: 't3', person: 'B' },
  ...Array(3).fill({ track: 't4', person: 'unknown' }),
  { track: 't5', person: 'A' }, { track: 't5', person: 'B' }, { track: 't5', person: 'B' },
  { track: 't6', person: 'C' },
  { track: 't7', person: 'other' }, { track: 't7', person: null },
  ...Array(2).fill({ track: 't8', person: 'A' }),
];
const count = (t: string) => faces.filter((f) => f.track === t).length;
const tracks = [
  ['t1', 'I1'], ['t3', 'I1'], ['t2', 'I2'], ['t4', 'I2'], ['t5', 'I2'], ['t6', 'I2'], ['t7', 'I3'], ['t8', null],
].map(([track, identity]) => ({ track: track!, identity, faces: count(track!) }));

test('scoreRun: hand-computed track labels, impurity, WCP, weighted B-cubed and splits', () => {
  const s = scoreRun(faces, tracks);
  assert.deepEqual(s.trackLabels, { t1: 'A', t2: 'A', t3: 'B', t5: 'B', t6: 'C', t8: 'A' });
  assert.equal(s.tracks, 8);
  assert.equal(s.labeledTracks, 5); // t4 (unknown only) and t7 (other) are neutral; t8 has no identity
  assert.equal(s.identities, 3);
  assert.equal(s.labeledIdentities, 2);
  assert.deepEqual(s.impureIdentities, ['I1', 'I2']);
  assert.deepEqual(s.multiTrackImpure, ['I2']); // I2's majority is B (t5, 3 faces); t2 and t6 are strays
  assert.deepEqual(s.mixedTracks, ['t5']);
  // I1: A 5 + B 1 (6 faces); I2: A 2 + B 3 + C 1 (6 faces); 12 faces in labeled tracks.
  close(s.trackWcp, (5 + 3) / 12);
  close(s.bcubedFaces.precision, ((25 + 1) / 6 + (4 + 9 + 1) / 6) / 12);
  close(s.bcubedFaces.recall, ((25 + 4) / 7 + (1 + 9) / 4 + 1 / 1) / 12);
  const { precision: p, recall: r } = s.bcubedFaces;
  close(s.bcubedFaces.f1, (2 * p * r) / (p + r));
  // One item per track: I1 = {t1 A, t3 B}, I2 = {t2 A, t5 B, t6 C}; classes A 2, B 2, C 1; 5 tracks.
  close(s.bcubed.precision, ((1 + 1) / 2 + (1 + 1 + 1) / 3) / 5);
  close(s.bcubed.recall, ((1 / 2 + 1 / 2) + (1 / 2 + 1 / 2 + 1)) / 5);
  assert.deepEqual(s.peopleSplit, { A: 2, B: 2, C: 1 });
  assert.equal(s.people, 3);
  assert.deepEqual(scoreRun(faces, tracks, 2).mixedTracks, []); // t5 has one A face only
});

test('scoreRun: one pure identity per person scores 1', () => {
  const s = scoreRun(
    [{ track: 'a', person: 'A' }, { track: 'b', person: 'A' }, { track: 'c', person: 'B' }],
    [{ track: 'a', identity: 'x', faces: 1 }, { track: 'b', identity: 'x', faces: 1 }, { track: 'c', identity: 'y', faces: 1 }],
  );
  close(s.trackWcp, 1);
  close(s.bcubed.f1, 1);
  assert.deepEqual(s.impureIdentities, []);
});

const doc: LabelsDoc = labelsDocSchema.parse({
  schema_version: 'real_labels_v1',
  clip: 'x.mp4',
  video: { width: 100, height: 100, fps: 30, duration_sec: 1 },
  people: ['A', 'B'],
  source: 'test',
  scene_cuts: [],
  frames: [
    { t: 0, faces: [{ box: [0.1, 0.1, 0.3, 0.3], person: 'A' }, { box: [0.5, 0.1, 0.7, 0.3], person: 'B' }] },
    { t: 0.1, faces: [{ box: [0.1, 0.1, 0.3, 0.3], person: 'other' }] },
  ],
});

test('nearestFrame: nearest labeled time within maxDt, else -1', () => {
  assert.equal(nearestFrame(doc.frames, 0.03), 0);
  assert.equal(nearestFrame(doc.frames, 0.07), 1);
  assert.equal(nearestFrame(doc.frames, 0.16), -1);
  assert.equal(nearestFrame(doc.frames, -0.2), -1);
});

test('matchBoxes / labelBoxes: IoU ≥ 0.5, best first, one-to-one per frame', () => {
  assert.deepEqual(matchBoxes([[0.12, 0.12, 0.3, 0.3], [0.11, 0.1, 0.31, 0.3], [0.8, 0.8, 0.9, 0.9]], [[0.1, 0.1, 0.3, 0.3]]), [-1, 0, -1]);
  const got = labelBoxes(doc, [
    { ts: 0.02, bbox: [0.5, 0.1, 0.7, 0.3] }, // B
    { ts: 0.02, bbox: [0.1, 0.1, 0.3, 0.3] }, // A
    { ts: 0.1, bbox: [0.1, 0.1, 0.3, 0.3] }, // other
    { ts: 0.1, bbox: [0.2, 0.2, 0.4, 0.4] }, // IoU 1/7 with the labeled box: no match
    { ts: 0.5, bbox: [0.1, 0.1, 0.3, 0.3] }, // no labeled frame near 0.5 s
  ]);
  assert.deepEqual(got, ['B', 'A', 'other', null, null]);
});

test('labelsDocSchema: names outside people, reversed boxes and unsorted times are refused with their path', () => {
  const bad = { ...doc, frames: [{ t: 0.2, faces: [{ box: [0.3, 0.1, 0.1, 0.3], person: 'Z' }] }, { t: 0.1, faces: [] }] };
  const r = labelsDocSchema.safeParse(bad);
  assert.equal(r.success, false);
  const paths = r.error!.issues.map((i) => i.path.join('.'));
  assert.deepEqual(paths.sort(), ['frames.0.faces.0.box', 'frames.0.faces.0.person', 'frames.1.t']);
});

test('boxRecall: all boxes and cast-only boxes', () => {
  assert.deepEqual(boxRecall([{ person: 'A', found: true }, { person: 'other', found: false }, { person: 'B', found: false }]), {
    labeled: 3, detected: 1, labeledNamed: 2, detectedNamed: 1,
  });
});
