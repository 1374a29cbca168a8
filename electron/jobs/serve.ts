// The job side of the protocol, the same in a worker thread and in an Electron utility process: on
// 'start' it runs the named job with an AbortSignal that 'cancel' trips, sends its progress through
// the one reporter, and ends with 'done' or a typed 'error'. A death before that is the host's to
// see (it reports `crashed`).
import { progressReporter } from './progress';
import type { FromJob, JobRunner, ToJob } from './protocol';

/** The thread's or process's end of the channel to the host. */
export interface JobPort {
  post(m: FromJob): void;
  onMessage(cb: (m: ToJob) => void): void;
}

// Runners take their own input type; the registry is keyed by kind and checked where it is built.
export type JobRunners = Record<string, () => Promise<JobRunner<any, unknown>>>;

export function serveJobs(port: JobPort, runners: JobRunners): void {
  const controller = new AbortController();
  let started = false;
  port.onMessage((msg) => {
    if (msg.type === 'cancel') {
      controller.abort();
      return;
    }
    if (started) return;
    started = true;
    const load = runners[msg.kind];
    const ctx = {
      id: msg.id,
      signal: controller.signal,
      progress: progressReporter(msg.id, (progress) => port.post({ type: 'progress', progress })),
      log: (level: 'info' | 'warn' | 'error', message: string) => port.post({ type: 'log', level, message }),
    };
    const run = load ? load().then((runner) => runner(msg.input, ctx)) : Promise.reject(new Error(`unknown job kind "${msg.kind}"`));
    run.then(
      (result) => port.post({ type: 'done', result }),
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        // A job that stops because it was asked to is cancelled, whatever it threw on the way out.
        port.post({ type: 'error', kind: controller.signal.aborted || (err instanceof Error && err.name === 'AbortError') ? 'cancelled' : 'failed', message });
      },
    );
  });
}
