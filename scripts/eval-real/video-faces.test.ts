import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelsDocSchema } from './labels';
import { pickFaces, samplePairs, shotOf, videoFacesDocSchema, type VideoFace } from './video-faces';

// 10 labeled frames at 10 fps, a cut at 0.5 s; A in both shots, B in the first only, an extra throughout.
const doc = labelsDocSchema.parse({
  schema_version: 'real_labels_v1',
  clip: 'c.mp4',
  video: { width: 100, height: 100, fps: 10, duration_sec: 1 },
  people: ['A', 'B'],
  source: 'test',
  scene_cuts: [0.5],
  frames: Array.from({ length: 10 }, (_, i) => ({
    t: i / 10,
    faces: [
      { box: [0.1, 0.1, 0.2, 0.2], person: 'A' },
      ...(i < 5 ? [{ box: [0.5, 0.1, 0.6, 0.2], person: 'B' }] : []),
      { box: [0.8, 0.1, 0.9, 0.2], person: 'other' },
    ],
  })),
});

test('shotOf: number of cuts at or before t', () => {
  assert.deepEqual([0, 0.49, 0.5, 2].map((t) => shotOf([0.5, 1], t)), [0, 0, 1, 2]);
});

test('pickFaces: up to n per person and shot, spread over the shot, extras left out', () => {
  const got = pickFaces(doc, (t) => Math.round(t * 10), 2);
  assert.deepEqual(got.map((f) => `${f.person}@${f.t}/${f.shot}#${f.frame}`), ['A@0.1/0#1', 'B@0.1/0#1', 'A@0.3/0#3', 'B@0.3/0#3', 'A@0.6/1#6', 'A@0.8/1#8']);
});

test('samplePairs: same pairs across shots, different pairs within the clip, seeded and offset', () => {
  const faces = pickFaces(doc, (t) => Math.round(t * 10), 2);
  const all = samplePairs(faces, 100, 100, 1);
  // A has 2 faces in each of 2 shots → 4 cross-shot pairs; B has one shot: its faces are 0.2 s apart (< 1 s), none.
  assert.equal(all.same.length, 4);
  for (const [i, j] of all.same) assert.ok(faces[i].person === 'A' && faces[i].shot !== faces[j].shot);
  assert.equal(all.diff.length, 2 * 4); // 2 B faces × 4 A faces
  for (const [i, j] of all.diff) assert.notEqual(faces[i].person, faces[j].person);
  assert.deepEqual(samplePairs(faces, 2, 3, 7), samplePairs(faces, 2, 3, 7));
  const off = samplePairs(faces, 100, 100, 1, 10);
  assert.deepEqual(off.same, all.same.map(([i, j]) => [i + 10, j + 10]).sort((p, q) => p[0] - q[0] || p[1] - q[1]));
});

test('videoFacesDocSchema: a pair that contradicts the persons is refused with its path', () => {
  const faces: VideoFace[] = pickFaces(doc, (t) => Math.round(t * 10), 1);
  const r = videoFacesDocSchema.safeParse({ schema_version: 'video_faces_v1', source: 't', faces, same: [[0, 1]], diff: [[0, 9]] });
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`), [
    `same.0: ${faces[0].person} / ${faces[1].person} is not a same pair`,
    'diff.0: face index out of range (3 faces)',
  ]);
});
