import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OverlappedBatches } from './overlap';

const tick = () => new Promise<void>((r) => setImmediate(r));

test('batches run in order, one at a time, while the producer goes on with the next one', async () => {
  const log: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const release: Array<() => void> = [];
  const b = new OverlappedBatches<number>(2, async (batch) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    log.push(`start ${batch.join(',')}`);
    await new Promise<void>((r) => release.push(r));
    log.push(`end ${batch.join(',')}`);
    running--;
  });
  await b.add(1);
  await b.add(2); // starts [1,2] in the background and returns at once
  log.push('producer 3');
  await b.add(3);
  const adding4 = b.add(4); // [3,4] is full: waits for [1,2]
  await tick();
  assert.deepEqual(log, ['start 1,2', 'producer 3'], 'the second batch waits for the first');
  release.shift()!();
  await adding4;
  assert.deepEqual(log, ['start 1,2', 'producer 3', 'end 1,2', 'start 3,4']);
  await b.add(5);
  const finishing = b.finish();
  await tick();
  release.shift()!();
  await tick();
  release.shift()!();
  await finishing;
  assert.deepEqual(log.slice(3), ['start 3,4', 'end 3,4', 'start 5', 'end 5'], 'finish runs the partial batch last');
  assert.equal(maxRunning, 1);
});

test('a failed batch is rethrown at the next add or at finish; settle never throws', async () => {
  const b = new OverlappedBatches<number>(1, async (batch) => {
    if (batch[0] === 2) throw new Error('model failed on 2');
  });
  await b.add(1);
  await b.add(2);
  await assert.rejects(b.add(3), /model failed on 2/);
  const c = new OverlappedBatches<number>(5, async () => {
    throw new Error('boom');
  });
  await c.add(1);
  await assert.rejects(c.finish(), /boom/);
  await c.settle();
});
