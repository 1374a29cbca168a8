// The host side of a job: startJob(kind, input) → { id, events, cancel, done }. `events` yields every
// progress/log message in order and ends with the job; `done` resolves with the result or rejects
// with a JobError whose kind is cancelled, failed or crashed. Cancel is a message: the job stops
// between units of work, so no file is torn. Where the job runs is the transport's business: a worker
// thread here (CLI, web host, queue workers, tests), a utility process under Electron
// (electron/main/utility-jobs.ts), so a native crash ends the job and not the window.
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { JobError, type FromJob, type JobEvent, type ToJob } from './protocol';
import type { JobKind, JobTypes } from './registry';

export interface JobHandle<R> {
  id: string;
  events: AsyncIterable<JobEvent>;
  cancel(): void;
  done: Promise<R>;
}

/** One running thread or process that speaks the job protocol. */
export interface JobTransport {
  post(m: ToJob): void;
  /** `crash` is called when the thread or process dies or fails outside the job's code. */
  listen(on: { message(m: FromJob): void; crash(reason: string): void }): void;
  terminate(): void;
}

export type TransportFactory = () => JobTransport;

/** A worker thread running `entry` (a module that calls serveJobs with its parentPort). */
export function threadTransport(entry: URL): TransportFactory {
  return () => {
    const worker = new Worker(entry);
    return {
      post: (m) => worker.postMessage(m),
      listen(on) {
        worker.on('message', on.message);
        worker.on('error', (err) => on.crash(`uncaught ${err.name}: ${err.message}`));
        worker.on('exit', (code) => on.crash(`exited (code ${code}) before finishing`));
      },
      terminate: () => void worker.terminate(),
    };
  };
}

/** The app's jobs in a worker thread (thread-entry.mjs registers tsx, then loads thread-main.ts). */
export const appThreadTransport: TransportFactory = threadTransport(new URL('./thread-entry.mjs', import.meta.url));

/** An async iterable fed by push(); push(null) ends it. */
function eventQueue() {
  const queue: JobEvent[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  const push = (e: JobEvent | null) => {
    if (e) queue.push(e);
    else ended = true;
    wake?.();
    wake = null;
  };
  const events: AsyncIterable<JobEvent> = {
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
  return { push, events };
}

/** Starts a job of any kind on a transport (tests use kinds of their own). */
export function launchJob<R>(kind: string, input: unknown, transport: TransportFactory, id: string = randomUUID()): JobHandle<R> {
  const t = transport();
  const { push, events } = eventQueue();
  const done = new Promise<R>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      push(null);
      fn();
      t.terminate();
    };
    t.listen({
      message(m) {
        if (m.type === 'progress' || m.type === 'log') push(m);
        else if (m.type === 'done') finish(() => resolve(m.result as R));
        else finish(() => reject(new JobError(m.kind, m.message, kind)));
      },
      crash: (reason) => finish(() => reject(new JobError('crashed', `${kind} job ${reason}`, kind))),
    });
  });
  // Callers that only read `events` should not see an unhandled rejection from `done`.
  done.catch(() => undefined);
  t.post({ type: 'start', id, kind, input });
  return { id, events, cancel: () => t.post({ type: 'cancel' }), done };
}

/** Starts one of the app's jobs (electron/jobs/registry.ts) on `transport` (default: a worker thread). */
export function startJob<K extends JobKind>(kind: K, input: JobTypes[K]['input'], transport: TransportFactory = appThreadTransport): JobHandle<JobTypes[K]['result']> {
  return launchJob(kind, input, transport);
}

/** What services hold to start jobs: the host's choice of transport, fixed once. */
export type JobStarter = <K extends JobKind>(kind: K, input: JobTypes[K]['input']) => JobHandle<JobTypes[K]['result']>;

export const threadJobs: JobStarter = (kind, input) => startJob(kind, input);
