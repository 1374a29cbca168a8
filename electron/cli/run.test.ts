import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fmtSec } from './run';

test('ETA formatting rounds once: never "1m60s"', () => {
  assert.equal(fmtSec(119.6), '2m00s');
  assert.equal(fmtSec(59.6), '1m00s');
  assert.equal(fmtSec(125.2), '2m05s');
  assert.equal(fmtSec(7.4), '7s');
  assert.equal(fmtSec(null), '--');
  assert.equal(fmtSec(Number.POSITIVE_INFINITY), '--');
});
