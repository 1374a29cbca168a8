// The whole-run ETA: the current stage's own ETA plus the stages after it at this run's pace (seconds
// per unit of measured stage weight); a resumed run's skipped stages count as done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunEta, STAGE_WEIGHTS } from './run-eta';

const W = STAGE_WEIGHTS;
const total = Object.values(W).reduce((a, b) => a + b, 0);
const close = (a: number | null, b: number, what: string) => assert.ok(a !== null && Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);

test('the detect stage at its own ETA sets the pace for the stages after it', () => {
  let now = 0;
  const eta = new RunEta(() => now);
  assert.deepEqual(eta.update({ stage: 'detect', done: 0, total: 100, eta: null }), { run_eta: null, run_fraction: 0 });
  now = 10_000; // 10 s in, half done, 10 s left in detect: detect ≈ 20 s for its weight
  const e = eta.update({ stage: 'detect', done: 50, total: 100, eta: 10 });
  const pace = 20 / W.detect;
  close(e.run_eta, 10 + pace * (total - W.detect), 'run eta');
  close(e.run_fraction, (W.detect * 0.5) / total, 'fraction');
  now = 22_000; // detect took 22 s; track begins without an ETA: the finished stages give the pace
  const t = eta.update({ stage: 'track', done: 0, total: 10, eta: null });
  const pace2 = 22 / W.detect;
  close(t.run_eta, pace2 * W.track + pace2 * (W.harvest + W.pool + W.cluster), 'after detect');
  close(t.run_fraction, W.detect / total, 'detect done');
});

test('a resumed run starting at harvest counts detect and track as done and paces on harvest alone', () => {
  let now = 0;
  const eta = new RunEta(() => now);
  eta.update({ stage: 'harvest', done: 0, total: 40, eta: null });
  now = 4_000;
  const e = eta.update({ stage: 'harvest', done: 20, total: 40, eta: 4 });
  close(e.run_fraction, (W.detect + W.track + W.harvest / 2) / total, 'fraction');
  close(e.run_eta, 4 + (8 / W.harvest) * (W.pool + W.cluster), 'eta');
  assert.deepEqual(eta.update({ stage: 'cluster', done: 5, total: 5, eta: 0 }).run_fraction, 1);
});
