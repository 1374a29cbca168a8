// "Start a run" behind the service: a launcher starts the pipeline off the main thread and reports
// progress; the service turns that into 'pipeline:progress' events. The default launcher is the
// pipeline's runInWorker (loaded lazily: the review UI must open without loading the pipeline).
import type { PipelineSettings } from '../../shared/schema/settings';
import type { PipelineProgress } from '../../shared/ipc';

export interface LaunchOptions {
  workspace: string;
  epId: string;
  video: string;
  settings: PipelineSettings;
}

/** Progress as the orchestrator reports it; normalised leniently (fields may be missing). */
export interface RawProgress {
  stage?: string;
  done?: number;
  total?: number;
  rate?: number | null;
  eta?: number | null;
  message?: string;
}

export interface PipelineRun {
  /** Either an async iterable of progress events or an emitter with on('progress', cb). */
  events?: AsyncIterable<RawProgress> | { on(event: 'progress', cb: (p: RawProgress) => void): unknown };
  cancel(): void | Promise<void>;
  done: Promise<unknown>;
}

export type PipelineLauncher = (opts: LaunchOptions) => PipelineRun | Promise<PipelineRun>;

/** H4's runInWorker (electron/pipeline/worker.ts), loaded on first use; its events mapped to RawProgress. */
export const defaultLauncher: PipelineLauncher = async (opts) => {
  const { runInWorker } = await import('../pipeline/worker');
  const run = runInWorker({ videoPath: opts.video, workspace: opts.workspace, epId: opts.epId, settings: opts.settings });
  async function* progress(): AsyncIterable<RawProgress> {
    for await (const e of run.events) {
      if (e.type === 'progress') yield e.progress;
      else if (e.level !== 'info') yield { message: `${e.level}: ${e.message}` };
    }
  }
  return { events: progress(), cancel: () => run.cancel(), done: run.done };
};

const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : d);

export function normaliseProgress(runId: string, epId: string, raw: RawProgress, state: PipelineProgress['state'] = 'running'): PipelineProgress {
  return {
    run_id: runId,
    ep_id: epId,
    state,
    stage: typeof raw.stage === 'string' ? raw.stage : 'pipeline',
    done: Math.round(num(raw.done, 0)),
    total: Math.round(num(raw.total, 0)),
    rate: typeof raw.rate === 'number' && Number.isFinite(raw.rate) ? raw.rate : null,
    eta: typeof raw.eta === 'number' && Number.isFinite(raw.eta) ? raw.eta : null,
    ...(typeof raw.message === 'string' ? { message: raw.message } : {}),
  };
}

/** Feeds a run's progress to `emit` (throttled to ~10/s so the UI is not flooded) until it ends. */
export async function pumpProgress(run: PipelineRun, emit: (p: RawProgress) => void): Promise<void> {
  let last = 0;
  let pending: RawProgress | null = null;
  const push = (p: RawProgress) => {
    const t = Date.now();
    if (t - last >= 100) {
      last = t;
      pending = null;
      emit(p);
    } else pending = p;
  };
  const ev = run.events;
  if (ev && Symbol.asyncIterator in ev) {
    for await (const p of ev as AsyncIterable<RawProgress>) push(p);
  } else if (ev && 'on' in ev) {
    ev.on('progress', push);
  }
  try {
    await run.done;
  } finally {
    if (pending) emit(pending);
  }
}
