import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pairScores, rank1, rocAuc, tarAtFar } from './metrics';

const unit = (deg: number) => Float32Array.of(Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180));

test('AUC, TAR@FAR and rank-1 on embeddings with a known geometry', () => {
  // Two tight identities 90° apart, plus one stray "a" sample lying nearer to "b".
  const emb = [unit(0), unit(5), unit(10), unit(90), unit(95), unit(70)];
  const labels = ['a', 'a', 'a', 'b', 'b', 'a'];
  const ps = pairScores(emb, labels);
  assert.equal(ps.same.length + ps.diff.length, 15);
  assert.equal(ps.same.length, 7);
  // The stray's same pairs (cos 70°, 65°, 60°) lose to its different pairs (cos 20°, 25°) …
  const auc = rocAuc(ps);
  assert.ok(auc > 0.5 && auc < 1, `AUC ${auc}`);
  // … and the stray's nearest neighbour is a "b": 5 of 6 probes are right.
  assert.deepEqual(rank1(emb, labels), { rate: 5 / 6, probes: 6 });
  const { tar } = tarAtFar(ps, 0);
  assert.ok(tar > 0 && tar < 1);
  assert.equal(rocAuc(pairScores([unit(0), unit(1), unit(90), unit(91)], ['a', 'a', 'b', 'b'])), 1);
});
