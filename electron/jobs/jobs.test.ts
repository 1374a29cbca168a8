// The job runtime end to end on real worker threads: a result with progress in the one shape, and the
// three typed ways a job does not finish — cancelled (a message), failed (the job threw) and crashed
// (the thread died: process.exit, an uncaught error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchJob, threadTransport, type JobHandle } from './host';
import { progressReporter } from './progress';
import { isJobError, JobError, type JobEvent, type JobProgress } from './protocol';

const testJobs = threadTransport(new URL('./testdata/test-jobs.mjs', import.meta.url));
const start = <R>(kind: string, input: unknown = {}) => launchJob<R>(kind, input, testJobs);

async function collect(job: JobHandle<unknown>): Promise<JobEvent[]> {
  const out: JobEvent[] = [];
  for await (const e of job.events) out.push(e);
  return out;
}

test('a job ends with its result; progress comes in the one shape, stamped with the job id', async () => {
  const job = start<{ counted: number }>('count', { n: 5000 });
  const events = await collect(job);
  assert.deepEqual(await job.done, { counted: 5000 });
  const progress = events.filter((e) => e.type === 'progress').map((e) => e.progress);
  assert.ok(progress.length >= 2 && progress.length < 5001, `throttled in the job's thread (${progress.length} of 5001 updates crossed)`);
  assert.deepEqual(Object.keys(progress[0]).sort(), ['done', 'eta', 'job', 'rate', 'stage', 'total']);
  assert.ok(progress.every((p) => p.job === job.id && p.stage === 'count'));
  assert.equal(progress[0].done, 0, "a stage's first update passes");
  assert.equal(progress.at(-1)!.done, 5000, "and its last");
  assert.deepEqual(events.at(-1), { type: 'log', level: 'warn', message: 'counted' });
});

test('cancel is a message: the job stops and ends as cancelled, whatever it threw on the way out', async () => {
  const job = start('wait');
  for await (const e of job.events) if (e.type === 'progress') break;
  job.cancel();
  const err = await job.done.catch((e: unknown) => e);
  assert.ok(isJobError(err, 'cancelled'), String(err));
  assert.equal(err.name, 'AbortError');
  assert.match(err.message, /stopped on request/);
});

test('a job that throws ends as failed, with its message', async () => {
  const err = await start('fail').done.catch((e: unknown) => e);
  assert.ok(isJobError(err, 'failed'), String(err));
  assert.equal(err.message, 'bad input: field "x" is missing');
  assert.equal(err.job, 'fail');
  const unknown = await start('no-such-kind').done.catch((e: unknown) => e);
  assert.ok(isJobError(unknown, 'failed'));
  assert.match(unknown.message, /unknown job kind "no-such-kind"/);
});

test('a thread that exits without reporting ends as crashed, and its events end', async () => {
  const job = start('exit');
  const events = await collect(job);
  assert.equal(events.length, 1, 'the progress sent before the exit arrived');
  const err = await job.done.catch((e: unknown) => e);
  assert.ok(isJobError(err, 'crashed'), String(err));
  assert.match(err.message, /exit job exited \(code 3\) before finishing/);
});

test('an uncaught error in the thread ends the job as crashed, naming the error', async () => {
  const err = await start('uncaught').done.catch((e: unknown) => e);
  assert.ok(err instanceof JobError && err.kind === 'crashed', String(err));
  assert.match(err.message, /boom outside the job/);
});

test('progress gets rate and ETA once, and is throttled per stage (clock injected)', () => {
  let t = 0;
  const sent: JobProgress[] = [];
  const report = progressReporter('j1', (p) => sent.push(p), 100, () => t);
  report({ stage: 'detect', done: 0, total: 100 });
  t = 50;
  report({ stage: 'detect', done: 10, total: 100 }); // within 100 ms of the last: dropped
  t = 1000;
  report({ stage: 'detect', done: 50, total: 100 });
  t = 1010;
  report({ stage: 'detect', done: 100, total: 100 }); // the stage's last update always passes
  report({ stage: 'track', done: 0, total: 7 }); // a new stage always passes, its clock restarts
  assert.deepEqual(sent, [
    { job: 'j1', stage: 'detect', done: 0, total: 100, rate: 0, eta: null },
    { job: 'j1', stage: 'detect', done: 50, total: 100, rate: 50, eta: 1 },
    { job: 'j1', stage: 'detect', done: 100, total: 100, rate: 100 / 1.01, eta: 0 },
    { job: 'j1', stage: 'track', done: 0, total: 7, rate: 0, eta: null },
  ]);
});
