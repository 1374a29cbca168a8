// The body Electron's utility process runs (utility-main.ts), here in a Node child process with a
// stand-in parentPort: the same protocol as the worker thread, and a process that dies mid-job — as
// after a native crash in onnxruntime or sharp — ends the job as crashed while the host lives on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { launchJob, type TransportFactory } from './host';
import { isJobError, type FromJob } from './protocol';

const childTransport = (onSpawn: (pid: number) => void = () => {}): TransportFactory => () => {
  const child = fork(join(import.meta.dirname, 'utility-main.ts'), [], {
    execArgv: ['--import', 'tsx', '--import', join(import.meta.dirname, 'testdata', 'fake-parent-port.mjs')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  onSpawn(child.pid!);
  return {
    post: (m) => void (child.connected && child.send(m)),
    listen(on) {
      child.on('message', (m) => on.message(m as FromJob));
      child.on('exit', (code, signal) => on.crash(`exited (${signal ?? `code ${code}`}) before finishing`));
    },
    terminate: () => void child.kill(),
  };
};

test('the utility-process body runs a pipeline job and reports its failure typed', async () => {
  const job = launchJob('pipeline', { videoPath: '/no/such/video.mp4', workspace: '/no/such/ws', epId: 'demo-s01e01', settings: defaultPipelineSettings() }, childTransport());
  await assert.rejects(job.done, (e: Error) => isJobError(e, 'failed') && /video not found: \/no\/such\/video\.mp4/.test(e.message));
});

test('a job process killed mid-job ends as crashed', async () => {
  let pid = 0;
  const job = launchJob('pipeline', { videoPath: '/no/such/video.mp4', workspace: '/no/such/ws', epId: 'demo-s01e01', settings: defaultPipelineSettings() }, childTransport((p) => (pid = p)));
  process.kill(pid, 'SIGKILL');
  const err = await job.done.catch((e: unknown) => e);
  assert.ok(isJobError(err, 'crashed'), String(err));
  assert.match(err.message, /pipeline job exited \(SIGKILL\) before finishing/);
});
