// The batched first suggestion pass against the per-track JS reference (shared/cast.ts), on real
// MobileFaceNet embeddings of the six ../shared/eval reference faces and their mirror images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareCast, trackTopK } from '../../shared/cast';
import { faceSamples } from '../../test-support/store-fixture';
import { batchTrackTopK, capReferences, crossSimilarityOrt } from './cast-batch';

const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

test('onnxruntime q·rᵀ equals the JS dot products', async () => {
  const s = await faceSamples();
  const dim = s[0].embedding.length;
  const q = new Float32Array(s.length * dim);
  s.forEach((f, i) => q.set(unit(f.embedding), i * dim));
  const r = q.slice(0, 5 * dim);
  const out = await crossSimilarityOrt(q, s.length, r, 5, dim);
  assert.equal(out.length, s.length * 5);
  for (let i = 0; i < s.length; i++) {
    for (let j = 0; j < 5; j++) {
      let d = 0;
      for (let k = 0; k < dim; k++) d += q[i * dim + k] * r[j * dim + k];
      assert.ok(Math.abs(out[i * 5 + j] - d) < 1e-5, `(${i}, ${j}): ${out[i * 5 + j]} vs ${d}`);
    }
  }
  await assert.rejects(crossSimilarityOrt(q, s.length + 1, r, 5, dim), /expected/);
});

test('batched top-k (onnxruntime path forced) matches trackTopK and finds each face\'s mirror image', async () => {
  const s = await faceSamples();
  // Library: each person's mirrored face (plus, for a longer list, the other people's originals under a
  // decoy person); queries: the original faces.
  const cast = [...new Set(s.map((f) => f.person))].map((person) => ({
    person_id: person, name: person, embeddings: s.filter((f) => f.person === person && f.mirrored).map((f) => f.embedding),
  }));
  cast.push({ person_id: 'nobody', name: 'Nobody', embeddings: [] });
  const prepared = prepareCast(cast);
  const queries = s.filter((f) => !f.mirrored);
  const batched = await batchTrackTopK(queries.map((f) => f.embedding), prepared, 3, { minWork: 0 });
  const single = queries.map((f) => trackTopK(f.embedding, prepared, 3));
  assert.equal(batched.length, single.length);
  batched.forEach((b, i) => {
    assert.deepEqual([...b.keys()], [...single[i].keys()], 'same people, same order, empty ones left out');
    for (const [p, vals] of b) single[i].get(p)!.forEach((v, j) => assert.ok(Math.abs(vals[j] - v) < 1e-5, `${p}: ${vals[j]} vs ${v}`));
    const best = [...b].sort((x, y) => y[1][0] - x[1][0])[0][0];
    assert.equal(best, queries[i].person, `${queries[i].person}'s original is closest to its own mirror image`);
  });
});

test('capReferences keeps one of each look when many references are near-duplicates', async () => {
  const s = await faceSamples();
  const originals = s.filter((f) => !f.mirrored);
  // 10 slightly perturbed copies of each of the six faces (a person labeled in many similar shots).
  let seed = 1;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.02;
  const refs = originals.flatMap((f) => Array.from({ length: 10 }, () => f.embedding.map((x) => x + rand())));
  const source = (e: (typeof refs)[number]) => Math.floor(refs.indexOf(e) / 10);
  const kept = capReferences(refs, 6);
  assert.equal(kept.length, 6);
  assert.deepEqual(kept.map(source), [0, 1, 2, 3, 4, 5], 'one per face, original order');
  assert.deepEqual(capReferences(refs, 6), kept, 'deterministic');
  assert.equal(capReferences(refs, 100).length, 60, 'under the cap nothing is dropped');
  assert.equal(capReferences(refs).length, 60);
});
