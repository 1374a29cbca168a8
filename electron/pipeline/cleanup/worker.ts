// Runs a cleanup off the calling thread (the Electron main process must stay responsive), the same
// way ../worker.ts runs the pipeline: runCleanupInWorker(opts, onEvent) → { cancel, done }. `done`
// resolves with the result or rejects (err.name 'AbortError' when cancelled; the cleanup has then
// restored its backup, so the episode is as it was).
import { Worker } from 'node:worker_threads';
import type { CleanupFromWorker, CleanupToWorker, CleanupWorkerOptions, CleanupWorkerResult } from './worker-protocol';

export type CleanupWorkerEvent = Extract<CleanupFromWorker, { type: 'progress' | 'log' }>;

export interface CleanupWorkerRun {
  cancel(): void;
  done: Promise<CleanupWorkerResult>;
}

export function runCleanupInWorker(opts: CleanupWorkerOptions, onEvent: (e: CleanupWorkerEvent) => void = () => {}): CleanupWorkerRun {
  const worker = new Worker(new URL('./cleanup-worker-entry.mjs', import.meta.url));
  const done = new Promise<CleanupWorkerResult>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: CleanupFromWorker) => {
      if (m.type === 'progress' || m.type === 'log') {
        try {
          onEvent(m);
        } catch {
          /* a broken listener must not break the cleanup */
        }
      } else if (m.type === 'done') finish(() => resolve(m.result));
      else if (m.type === 'error') {
        const err = new Error(m.message);
        err.name = m.cancelled ? 'AbortError' : m.name;
        finish(() => reject(err));
      }
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`cleanup worker exited (code ${code}) before finishing`))));
  });
  done.catch(() => undefined);
  worker.postMessage({ type: 'start', opts } satisfies CleanupToWorker);
  return { cancel: () => worker.postMessage({ type: 'cancel' } satisfies CleanupToWorker), done };
}
