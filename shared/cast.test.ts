import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consistentReferences, meanTopK, planAutoAssign, rankSuggestions, REFERENCE_MIN_COSINE, robustCentre } from './cast';

const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

test('score = mean of the top-k pair similarities; one look-alike reference does not win', () => {
  assert.equal(meanTopK([0.1, 0.9, 0.5, 0.7], 2), 0.8);
  assert.equal(meanTopK([0.3], 3), 0.3);
  const query = [unit(1, 0, 0), unit(0.9, 0.1, 0)];
  const cast = [
    // Three references close to the query.
    { person_id: 'a', name: 'A', embeddings: [unit(1, 0.05, 0), unit(0.95, 0.1, 0), unit(1, 0, 0.1)] },
    // One exact look-alike and two far references: k = 1 would rank B first, k = 3 ranks A first.
    { person_id: 'b', name: 'B', embeddings: [unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)] },
    { person_id: 'c', name: 'C', embeddings: [] },
  ];
  assert.deepEqual(rankSuggestions(query, cast, { topK: 1 }).map((s) => s.person_id), ['b', 'a']);
  const ranked = rankSuggestions(query, cast, { topK: 3 });
  assert.deepEqual(ranked.map((s) => s.person_id), ['a', 'b'], 'people without references are not suggested');
  assert.equal(ranked[0].references, 3);
  assert.deepEqual(rankSuggestions(query, cast, { exclude: new Set(['a']) }).map((s) => s.person_id), ['b']);
  assert.deepEqual(rankSuggestions([], cast), []);
  assert.throws(() => rankSuggestions([[1, 0]], cast), /dimensions differ: 2 vs 3/);
});

test('auto-assign plan skips locked, labeled, low-score and ambiguous identities', () => {
  const s = (person_id: string, score: number) => ({ person_id, name: person_id.toUpperCase(), score, references: 2 });
  const plan = planAutoAssign(
    [
      { identity_id: 'identity-00001', locked: false, suggestions: [s('a', 0.8), s('b', 0.2)] },
      { identity_id: 'identity-00002', locked: true, suggestions: [s('a', 0.9)] },
      { identity_id: 'identity-00003', locked: false, labels: { name: 'Z' }, suggestions: [s('a', 0.9)] },
      { identity_id: 'identity-00004', locked: false, suggestions: [s('a', 0.6)] },
      { identity_id: 'identity-00005', locked: false, suggestions: [s('a', 0.81), s('b', 0.79)] },
      { identity_id: 'identity-00006', locked: false, labels: {}, suggestions: [s('b', 0.75)] },
    ],
    { threshold: 0.7, minMargin: 0.05 },
  );
  assert.deepEqual(plan, [
    { identity_id: 'identity-00001', person_id: 'a', name: 'A', score: 0.8 },
    { identity_id: 'identity-00006', person_id: 'b', name: 'B', score: 0.75 },
  ]);
});

test('references: a track that drifts onto another person teaches only its right faces', () => {
  // Joey: three tracks near e1; the third drifts to Ross (e2) for its last two faces.
  const joey = (k: number) => unit(1, 0.1 * k, 0.05);
  const ross = unit(0.1, 1, 0);
  const faces = [
    { track_id: 't1', embedding: joey(1) }, { track_id: 't1', embedding: joey(2) },
    { track_id: 't2', embedding: joey(0) },
    { track_id: 't3', embedding: joey(1) }, { track_id: 't3', embedding: ross }, { track_id: 't3', embedding: ross },
  ];
  const centre = robustCentre(faces.map((f) => f.embedding));
  assert.ok(centre[0] > 0.95, 'the centre stays on Joey');
  const refs = consistentReferences(faces);
  assert.deepEqual(refs.map((r) => [r.track_id, r.faces, r.best]), [['t1', 2, 0], ['t2', 1, 2], ['t3', 1, 3]]);
  // t3's reference is its Joey face alone: nowhere near Ross.
  const t3 = refs.find((r) => r.track_id === 't3')!;
  assert.ok(t3.embedding[1] < 0.2, `t3 reference leans to Ross: ${Array.from(t3.embedding)}`);
  // A track with only foreign faces gives no reference at all.
  assert.deepEqual(consistentReferences([...faces, { track_id: 't4', embedding: ross }]).map((r) => r.track_id), ['t1', 't2', 't3']);
  assert.deepEqual(consistentReferences([]), []);
  assert.equal(REFERENCE_MIN_COSINE, 0.3);
});
