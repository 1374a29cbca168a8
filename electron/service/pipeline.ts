// "Start a run" behind the service: a launcher starts the pipeline as a job of the job runtime
// (electron/jobs: a worker thread, or a utility process under Electron) and the service turns its
// progress into 'pipeline:progress' events. Progress is already throttled where the job runs.
import type { PipelineSettings } from '../../shared/schema/settings';
import type { PipelineProgress } from '../../shared/ipc';
import { threadJobs, type JobHandle, type JobStarter } from '../jobs/host';
import { isJobError, type JobEvent, type JobProgress } from '../jobs/protocol';
import { RunEta, type RunEstimate } from './run-eta';

export interface LaunchOptions {
  workspace: string;
  epId: string;
  video: string;
  settings: PipelineSettings;
}

/** A started run: a job handle (events may be absent for a stand-in that reports nothing). */
export type PipelineRun = Pick<JobHandle<unknown>, 'cancel' | 'done'> & { events?: AsyncIterable<JobEvent> };

export type PipelineLauncher = (opts: LaunchOptions) => PipelineRun | Promise<PipelineRun>;

/** The pipeline job on the host's transport. */
export function jobLauncher(jobs: JobStarter = threadJobs): PipelineLauncher {
  return (opts) => jobs('pipeline', { videoPath: opts.video, workspace: opts.workspace, epId: opts.epId, settings: opts.settings });
}

/** What the renderer sees of a run: the job's last progress, the whole run's estimate, the run's state and a message. */
export function pipelineProgress(
  runId: string,
  epId: string,
  last: JobProgress | null,
  state: PipelineProgress['state'],
  message?: string,
  run?: RunEstimate,
): PipelineProgress {
  return {
    run_id: runId,
    ep_id: epId,
    state,
    stage: last?.stage ?? 'pipeline',
    done: last?.done ?? 0,
    total: last?.total ?? 0,
    rate: last && Number.isFinite(last.rate) ? last.rate : null,
    eta: last?.eta ?? null,
    ...(run ? { run_eta: run.run_eta, run_fraction: run.run_fraction } : {}),
    ...(message !== undefined ? { message } : {}),
  };
}

/**
 * Follows a run to its end: every progress event and every warning or error line (joined to the last
 * counters) goes to `emit` as a running update, then the final state, typed by the job's error kind.
 */
export async function followRun(run: PipelineRun, runId: string, epId: string, emit: (p: PipelineProgress) => void): Promise<void> {
  let last: JobProgress | null = null;
  let message: string | undefined;
  const eta = new RunEta();
  let estimate: RunEstimate = { run_eta: null, run_fraction: 0 };
  for await (const e of run.events ?? []) {
    if (e.type === 'progress') {
      last = e.progress;
      estimate = eta.update(e.progress);
    } else if (e.level !== 'info') message = `${e.level}: ${e.message}`;
    else continue;
    emit(pipelineProgress(runId, epId, last, 'running', e.type === 'progress' ? e.progress.message ?? message : message, estimate));
  }
  try {
    await run.done;
    emit(pipelineProgress(runId, epId, last, 'done', message, { run_eta: 0, run_fraction: 1 }));
  } catch (err) {
    const state = isJobError(err, 'cancelled') ? 'cancelled' : 'failed';
    emit(pipelineProgress(runId, epId, last, state, err instanceof Error ? err.message : String(err), { run_eta: null, run_fraction: estimate.run_fraction }));
  }
}
