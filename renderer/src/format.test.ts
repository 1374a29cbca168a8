import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEta } from './format';

test('ETA rounds once: never "9 min 60 s"', () => {
  assert.equal(formatEta(599.4), '10 min 0 s');
  assert.equal(formatEta(59.2), '1 min 0 s');
  assert.equal(formatEta(125.2), '2 min 6 s');
  assert.equal(formatEta(7.4), '8 s');
  assert.equal(formatEta(null), '–');
});
