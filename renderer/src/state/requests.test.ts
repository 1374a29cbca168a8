import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRequests } from './requests';

function requests() {
  let state = { pending: 0 };
  return makeRequests((p) => (state = { ...state, ...(typeof p === 'function' ? p(state) : p) }), () => state);
}

test('serial: an edit with nothing ahead starts in the caller’s task; later ones wait their turn, in order', async () => {
  const { serial } = requests();
  const log: string[] = [];
  let releaseFirst!: () => void;
  const first = serial(async () => {
    log.push('start 1');
    await new Promise<void>((r) => (releaseFirst = r));
    log.push('end 1');
  });
  assert.deepEqual(log, ['start 1'], 'started synchronously');
  const second = serial(async () => {
    log.push('start 2');
  });
  await Promise.resolve();
  assert.deepEqual(log, ['start 1'], 'the second waits for the first');
  releaseFirst();
  await Promise.all([first, second]);
  assert.deepEqual(log, ['start 1', 'end 1', 'start 2']);
  const third = serial(async () => {
    log.push('start 3');
  });
  assert.equal(log.at(-1), 'start 3', 'idle again: the next one starts at once');
  await third;
});

test('serial: a failed request does not stop the ones behind it', async () => {
  const { serial } = requests();
  const failing = serial(async () => {
    await Promise.resolve();
    throw new Error('refused');
  });
  const after = serial(async () => 'ran');
  await assert.rejects(failing, /refused/);
  assert.equal(await after, 'ran');
});
