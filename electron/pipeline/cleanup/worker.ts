// Runs a cleanup off the calling thread (the Electron main process must stay responsive), the same
// way ../worker.ts runs the pipeline: runCleanupInWorker(opts, onEvent) → { cancel, done }. `done`
// resolves with the result or rejects (err.name 'AbortError' when cancelled; the cleanup has then
// restored its backup, so the episode is as it was).
import { Worker } from 'node:worker_threads';
import { workerOutcome } from '../worker';
import type { CleanupFromWorker, CleanupToWorker, CleanupWorkerOptions, CleanupWorkerResult } from './worker-protocol';

export type CleanupWorkerEvent = Extract<CleanupFromWorker, { type: 'progress' | 'log' }>;

export interface CleanupWorkerRun {
  cancel(): void;
  done: Promise<CleanupWorkerResult>;
}

export function runCleanupInWorker(opts: CleanupWorkerOptions, onEvent: (e: CleanupWorkerEvent) => void = () => {}): CleanupWorkerRun {
  const worker = new Worker(new URL('./cleanup-worker-entry.mjs', import.meta.url));
  const done = workerOutcome<CleanupWorkerResult, CleanupWorkerEvent>(worker, 'cleanup', (e) => {
    try {
      onEvent(e);
    } catch {
      /* a broken listener must not break the cleanup */
    }
  });
  done.catch(() => undefined);
  worker.postMessage({ type: 'start', opts } satisfies CleanupToWorker);
  return { cancel: () => worker.postMessage({ type: 'cancel' } satisfies CleanupToWorker), done };
}
