import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cosine, dot, dotAt, l2normalize, norm, unitCopy } from './vec';
import { makeRng } from './rng';

const random = (n: number, seed: number) => {
  const r = makeRng(seed);
  return Float32Array.from({ length: n }, () => r() - 0.5);
};

test('dotAt over packed rows equals dot of the rows (to rounding), at any offset and for dims not divisible by 4', () => {
  for (const dim of [1, 3, 4, 7, 128, 513]) {
    const a = random(dim * 3, dim);
    const b = random(dim * 2, dim + 1);
    const want = dot(a.subarray(dim, 2 * dim), b.subarray(dim, 2 * dim));
    assert.ok(Math.abs(dotAt(a, dim, b, dim, dim) - want) < 1e-9 * dim, `dim ${dim}`);
  }
});

test('l2normalize scales in place to unit length; a zero vector stays zero; unitCopy leaves its input alone', () => {
  const v = Float32Array.of(3, 4);
  assert.equal(l2normalize(v), v);
  assert.deepEqual([...v], [Math.fround(0.6), Math.fround(0.8)]);
  assert.deepEqual([...l2normalize(new Float64Array(3))], [0, 0, 0]);
  const src = [0, 2, 0];
  assert.deepEqual([...unitCopy(src)], [0, 1, 0]);
  assert.deepEqual(src, [0, 2, 0]);
  assert.ok(Math.abs(norm(unitCopy(random(512, 7))) - 1) < 1e-6);
});

test('cosine: parallel 1, opposite −1, orthogonal 0, zero vector 0, mismatched dimensions refused', () => {
  assert.equal(cosine([1, 2], [2, 4]), 1);
  assert.equal(cosine([1, 0], [-3, 0]), -1);
  assert.equal(cosine([1, 0], [0, 5]), 0);
  assert.equal(cosine([0, 0], [1, 1]), 0);
  assert.throws(() => cosine([1, 2], [1, 2, 3]), /dimensions differ: 2 vs 3/);
});
