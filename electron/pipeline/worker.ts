// Runs the pipeline off the calling thread (the Electron main process must stay responsive).
// runInWorker(opts) → { events, cancel, done }: `events` yields every progress/log message in order
// and ends with the run; `done` resolves with the RunResult or rejects (err.name 'AbortError' when
// cancelled). Cancel is a message: the worker aborts between units of work, so no file is torn.
import { Worker } from 'node:worker_threads';
import type { RunResult } from './orchestrator';
import type { FromWorker, ToWorker, WorkerRunOptions } from './worker-protocol';

export type WorkerEvent = Extract<FromWorker, { type: 'progress' | 'log' }>;

export interface WorkerRun {
  events: AsyncIterable<WorkerEvent>;
  cancel(): void;
  done: Promise<RunResult>;
}

type OutcomeMessage<R, E> = E | { type: 'done'; result: R } | { type: 'error'; message: string; name: string; cancelled: boolean };

/**
 * The end of a worker run (shared by the pipeline and cleanup workers): progress/log messages go to
 * `onEvent`; the first of done / error / crash / exit settles the promise (an error reported as
 * cancelled becomes an AbortError), calls `onEnd`, and terminates the worker.
 */
export function workerOutcome<R, E extends { type: 'progress' | 'log' }>(
  worker: Worker,
  what: string,
  onEvent: (e: E) => void,
  onEnd: () => void = () => {},
): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      onEnd();
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: OutcomeMessage<R, E>) => {
      if (m.type === 'progress' || m.type === 'log') onEvent(m as E);
      else if (m.type === 'done') finish(() => resolve(m.result));
      else if (m.type === 'error') {
        const err = new Error(m.message);
        err.name = m.cancelled ? 'AbortError' : m.name;
        finish(() => reject(err));
      }
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`${what} worker exited (code ${code}) before finishing`))));
  });
}

export function runInWorker(opts: WorkerRunOptions): WorkerRun {
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url));
  const queue: WorkerEvent[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  const push = (e: WorkerEvent | null) => {
    if (e) queue.push(e);
    else ended = true;
    wake?.();
    wake = null;
  };

  const done = workerOutcome<RunResult, WorkerEvent>(worker, 'pipeline', push, () => push(null));
  // Callers that only read `events` should not see an unhandled rejection from `done`.
  done.catch(() => undefined);

  const events: AsyncIterable<WorkerEvent> = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (queue.length) {
          yield queue.shift()!;
          continue;
        }
        if (ended) return;
        await new Promise<void>((r) => (wake = r));
      }
    },
  };

  worker.postMessage({ type: 'start', opts } satisfies ToWorker);
  return {
    events,
    cancel: () => worker.postMessage({ type: 'cancel' } satisfies ToWorker),
    done,
  };
}
