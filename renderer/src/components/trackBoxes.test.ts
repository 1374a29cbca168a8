/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boxAt, keyframes } from './trackBoxes';

test('boxAt interpolates each corner between the two faces around t, holds at the ends, and is null far outside', () => {
  const frames = keyframes([
    { ts_s: 2, bbox: [0.5, 0.5, 0.7, 0.9] },
    { ts_s: 1, bbox: [0.1, 0.1, 0.3, 0.5] },
    { ts_s: 1, bbox: [0.9, 0.9, 1, 1] },
  ]);
  assert.deepEqual(frames.map((f) => f.ts_s), [1, 2], 'sorted, one box per time');
  const mid = boxAt(frames, 1.5)!;
  [0.3, 0.3, 0.5, 0.7].forEach((v, i) => assert.ok(Math.abs(mid[i] - v) < 1e-9, `corner ${i}: ${mid[i]} ≠ ${v}`));
  assert.deepEqual(boxAt(frames, 0.8), [0.1, 0.1, 0.3, 0.5]);
  assert.deepEqual(boxAt(frames, 2.3), [0.5, 0.5, 0.7, 0.9]);
  assert.equal(boxAt(frames, 0.2), null);
  assert.equal(boxAt(frames, 3), null);
  assert.equal(boxAt([], 1), null);
});
