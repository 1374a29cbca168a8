import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iou, totalLength, unionIntervals, unionLength } from './geometry';

test('iou: identical boxes 1, disjoint or touching 0, a half overlap 1/3, empty boxes 0', () => {
  assert.equal(iou([0, 0, 2, 2], [0, 0, 2, 2]), 1);
  assert.equal(iou([0, 0, 1, 1], [2, 2, 3, 3]), 0);
  assert.equal(iou([0, 0, 1, 1], [1, 0, 2, 1]), 0, 'sharing an edge is no overlap');
  assert.equal(iou([0, 0, 2, 1], [1, 0, 3, 1]), 1 / 3);
  assert.equal(iou([1, 1, 1, 1], [1, 1, 1, 1]), 0);
  assert.equal(iou(Float32Array.of(0, 0, 2, 2), [1, 1, 3, 3]), 1 / 7, 'typed arrays and tuples alike');
});

test('interval union: overlaps and touching intervals merge, bad intervals drop, overlapping time counts once', () => {
  const spans: [number, number][] = [[5, 7], [1, 3], [2, 4], [4, 4.5], [9, 8], [Number.NaN, 1]];
  assert.deepEqual(unionIntervals(spans), [[1, 4.5], [5, 7]]);
  assert.equal(totalLength([[0, 1], [2, 4]]), 3);
  assert.equal(unionLength(spans), 5.5);
  assert.equal(unionLength([]), 0);
  assert.deepEqual(spans[0], [5, 7], 'the input is not modified');
});
