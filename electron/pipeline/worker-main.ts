// Body of the pipeline worker thread: runs the orchestrator on 'start', aborts it on 'cancel', and
// reports progress (throttled to ≤ 10 messages per second per stage, plus every stage's first and
// last update), logs, the result or the error.
import { parentPort } from 'node:worker_threads';
import { isAbortError, type ProgressEvent } from './context';
import { runPipeline } from './orchestrator';
import type { FromWorker, ToWorker } from './worker-protocol';
import { throttleProgress } from './progress-throttle';

const port = parentPort;
if (!port) throw new Error('worker-main must run in a worker thread');
const post = (m: FromWorker) => port.postMessage(m);
const controller = new AbortController();
let started = false;

const onProgress = throttleProgress((p: ProgressEvent) => p.stage, (progress) => post({ type: 'progress', progress }));

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    controller.abort();
    return;
  }
  if (msg.type !== 'start' || started) return;
  started = true;
  runPipeline({
    ...msg.opts,
    signal: controller.signal,
    onProgress,
    onLog: (level, message) => post({ type: 'log', level, message }),
  }).then(
    (result) => post({ type: 'done', result }),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      post({ type: 'error', message: e.message, name: e.name, cancelled: isAbortError(e) || controller.signal.aborted });
    },
  );
});
