// What crosses between a job's host (the app, the web host, the CLI, a queue worker) and the thread or
// process that runs it. Every long job — the pipeline, a cleanup — speaks this one protocol, reports
// this one progress shape and ends in one of four ways: a result, or a JobError whose `kind` says
// why it did not finish (never inferred from the wording of a message).

export type LogLevel = 'info' | 'warn' | 'error';

/** Counters as a job's code reports them; the runtime adds the job id, rate and ETA (progress.ts). */
export interface StageCounters {
  stage: string;
  done: number;
  total: number;
  message?: string;
}

/** The one progress shape of long work, after the runtime's single throttle. */
export interface JobProgress extends StageCounters {
  /** The job's id (JobHandle.id). */
  job: string;
  /** Units (frames, tracks, faces…) per second since the stage began; 0 until measurable. */
  rate: number;
  /** Seconds left in this stage at the current rate; null when unknown. */
  eta: number | null;
}

export type JobEvent = { type: 'progress'; progress: JobProgress } | { type: 'log'; level: LogLevel; message: string };

/**
 * cancelled: stopped on request between units of work (no torn files);
 * failed: the job's code threw;
 * crashed: the thread or process died without reporting (process.exit, an uncaught error, a native
 * crash in onnxruntime or sharp).
 */
export type JobErrorKind = 'cancelled' | 'failed' | 'crashed';

export class JobError extends Error {
  constructor(
    readonly kind: JobErrorKind,
    message: string,
    /** The job's kind ('pipeline', 'cleanup', …), for messages. */
    readonly job: string,
  ) {
    super(message);
    // Cancellation keeps the platform's name, so code that checks `name === 'AbortError'` still works.
    this.name = kind === 'cancelled' ? 'AbortError' : 'JobError';
  }
}

export function isJobError(err: unknown, kind?: JobErrorKind): err is JobError {
  return err instanceof JobError && (kind === undefined || err.kind === kind);
}

export type ToJob = { type: 'start'; id: string; kind: string; input: unknown } | { type: 'cancel' };

export type FromJob =
  | JobEvent
  | { type: 'done'; result: unknown }
  | { type: 'error'; kind: Exclude<JobErrorKind, 'crashed'>; message: string };

/** What a job's code gets from the runtime. */
export interface JobContext {
  id: string;
  signal: AbortSignal;
  progress(p: StageCounters): void;
  log(level: LogLevel, message: string): void;
}

export type JobRunner<I, R> = (input: I, ctx: JobContext) => Promise<R>;
