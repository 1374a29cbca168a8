// samePersonCandidates on hand-made embeddings: ranking by centroid cosine, the bound, and every
// reason a pair is not asked (a reviewer cannot-link, an answer, two confirmed different people).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyConstraints } from '../schema/constraints';
import { questionFaces, samePersonCandidates, type SamePersonIdentity } from './same-person';

const T = (n: number) => `track-${String(n).padStart(5, '0')}`;
const I = (n: number) => `identity-${String(n).padStart(5, '0')}`;
// 3-d unit vectors: tracks 1-2 ≈ x, 3 ≈ x (a second identity of the same person), 4 ≈ y, 5 ≈ between x and y, 6 = z.
const rows: number[][] = [[1, 0, 0], [0.96, 0.28, 0], [0.98, -0.2, 0], [0, 1, 0], [0.7, 0.7, 0.14], [0, 0, 1]];
const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
const vectors = Float32Array.from(rows.flatMap(unit));
const trackOrder = [1, 2, 3, 4, 5, 6].map(T);
const identities: SamePersonIdentity[] = [
  { identity_id: I(1), track_ids: [T(3)] },
  { identity_id: I(2), track_ids: [T(1), T(2)] },
  { identity_id: I(3), track_ids: [T(4)] },
  { identity_id: I(4), track_ids: [T(5)] },
  { identity_id: I(5), track_ids: [T(6)] },
  { identity_id: I(6), track_ids: [T(99)] }, // no embedding: never paired
];
const base = { identities, vectors, dim: 3, trackOrder, minSimilarity: 0.5 };

test('pairs above the bound, most similar first, the identity with more tracks first', () => {
  const pairs = samePersonCandidates(base);
  assert.deepEqual(pairs.map((p) => [p.a, p.b]), [[I(2), I(1)], [I(2), I(4)], [I(3), I(4)], [I(1), I(4)]]);
  for (let k = 1; k < pairs.length; k++) assert.ok(pairs[k - 1].similarity >= pairs[k].similarity);
  assert.ok(pairs.every((p) => p.similarity >= 0.5));
  assert.equal(samePersonCandidates({ ...base, minSimilarity: 0.9 }).length, 1);
  assert.deepEqual(samePersonCandidates({ ...base, limit: 2 }).map((p) => p.b), [I(1), I(4)]);
});

test('a reviewer cannot-link, an answered pair and two locked identities named differently are not asked', () => {
  const constraints = { ...emptyConstraints(), cannot_link: [[[T(3)], [T(2), T(77)]]] as [string[], string[]][] };
  const skip = (extra: Partial<Parameters<typeof samePersonCandidates>[0]>) => samePersonCandidates({ ...base, ...extra }).map((p) => `${p.a} ${p.b}`);
  assert.ok(!skip({ constraints }).includes(`${I(2)} ${I(1)}`));
  assert.ok(!skip({ answered: [[I(4), I(2)]] }).includes(`${I(2)} ${I(4)}`), 'answered in either order');
  const named = identities.map((i) =>
    i.identity_id === I(1) ? { ...i, locked: true, labels: { person_id: 'ross' } } : i.identity_id === I(2) ? { ...i, locked: true, labels: { person_id: 'joey' } } : i,
  );
  assert.ok(!skip({ identities: named }).includes(`${I(2)} ${I(1)}`));
  const same = named.map((i) => (i.identity_id === I(1) ? { ...i, labels: { person_id: 'joey' } } : i));
  assert.ok(skip({ identities: same }).includes(`${I(2)} ${I(1)}`), 'two locked identities of one name are still asked (a merge is the fix)');
});

test('questionFaces: the cover, then one face of each track in turn (most faces first), no face twice, at most n', () => {
  const faces = questionFaces('thumbs/identity-00001/rep.jpg', [['b1'], ['a1', 'a2', 'a3'], [], ['c1', 'c2']], 5);
  assert.deepEqual(faces, ['thumbs/identity-00001/rep.jpg', 'a1', 'c1', 'b1', 'a2']);
  assert.deepEqual(questionFaces('a1', [['a1', 'a2']], 6), ['a1', 'a2'], 'the cover is one of the crops');
  assert.deepEqual(questionFaces('', [], 6), []);
});
