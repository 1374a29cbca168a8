// One episode job on a worker: take the episode's run lock, run the pipeline job (electron/jobs, in a
// worker thread: the same run as `screenalytics run`, resuming from run_state.json),
// report its progress events as the job's progress, and end in one of four ways: done (the episode
// validates), failed (the error; BullMQ retries it), cancelled by `queue cancel` (failed, no retry),
// or handed back to the queue when the worker shuts down (no attempt used).
import { isAbsolute, join } from 'node:path';
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';
import { pipelineSettingsSchema, type PipelineSettingsInput } from '../../shared/schema/settings';
import { formatReport } from '../store/validate';
import { Workspace } from '../store/workspace';
import { readWorkspaceSettings } from '../store/settings';
import type { RunResult } from '../pipeline/orchestrator';
import { startJob, type JobHandle } from '../jobs/host';
import { isJobError } from '../jobs/protocol';
import { acquireEpisodeLock } from './episode-lock';
import { episodeJobDataSchema, type EpisodeJobData, type EpisodeJobProgress, type EpisodeJobResult } from './jobs';

type PipelineJob = JobHandle<RunResult>;

export interface ProcessorEnv {
  workspace: string;
  /** host:pid, also BullMQ's worker name. */
  worker: string;
  /** The device this worker runs models on; overrides the job's setting. */
  device?: PipelineSettingsInput['device'];
  /** Episode lock staleness (= the BullMQ lock duration: both say "this worker is gone"). */
  lockStaleMs: number;
  /** How often the job's cancel flag and progress go to Redis. */
  pollMs: number;
  /** Aborted when the worker shuts down and hands its jobs back. */
  shutdown: AbortSignal;
  /** The job's data as Redis has it now (its cancel flag is set by `queue cancel` from anywhere). */
  freshData: (job: Job) => Promise<unknown>;
}

type StopReason = { kind: 'cancel'; by: string } | { kind: 'shutdown' } | { kind: 'lock-lost'; message: string };

function jobData(job: Job): EpisodeJobData {
  const parsed = episodeJobDataSchema.safeParse(job.data);
  if (parsed.success) return parsed.data;
  throw new UnrecoverableError(`job ${job.id}: bad job data: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
}

/**
 * Forwards the run's progress to the job every `pollMs` (one Redis write however fast the stages
 * report) and checks the job's cancel flag on the same beat. Resolves when the run's events end.
 */
async function pumpProgress(run: PipelineJob, job: Job, env: ProcessorEnv, device: string, halt: (why: StopReason) => void) {
  const t0 = performance.now();
  let firstEventMs: number | null = null;
  let latest: EpisodeJobProgress | null = null;
  let sent: EpisodeJobProgress | null = null;
  const poll = async () => {
    try {
      if (latest && latest !== sent) await job.updateProgress((sent = latest));
      const fresh = episodeJobDataSchema.safeParse(await env.freshData(job));
      if (fresh.success && fresh.data.cancel_requested) halt({ kind: 'cancel', by: fresh.data.cancel_requested });
    } catch {
      /* Redis away for a moment: progress catches up, the cancel check runs again next tick */
    }
  };
  const tick = setInterval(() => void poll(), env.pollMs);
  try {
    for await (const e of run.events) {
      firstEventMs ??= performance.now() - t0;
      if (e.type === 'progress') {
        const { stage, done, total, rate, eta } = e.progress;
        latest = { worker: env.worker, device, stage, done, total, rate, eta };
      } else void job.log(`${e.level}: ${e.message}`).catch(() => undefined);
    }
  } finally {
    clearInterval(tick);
  }
  return { latest, threadStartSec: (firstEventMs ?? 0) / 1000 };
}

/** The run's end as the job's: a result, a thrown job error, or null for "hand the job back". */
async function outcome(run: PipelineJob, stop: () => StopReason | null): Promise<RunResult | null> {
  return run.done.catch((err: Error) => {
    const why = stop();
    if (!isJobError(err, 'cancelled') || !why) throw err;
    if (why.kind === 'cancel') throw new UnrecoverableError(`cancelled by ${why.by}; finished stages are kept`);
    if (why.kind === 'lock-lost') throw new Error(`stopped: the episode lock was lost (${why.message})`);
    return null;
  });
}

export async function processEpisodeJob(job: Job, token: string | undefined, env: ProcessorEnv): Promise<EpisodeJobResult> {
  const started = Date.now();
  const data = jobData(job);
  const ws = new Workspace(env.workspace);
  let stop: StopReason | null = null;
  let cancelRun: () => void = () => {};
  const halt = (why: StopReason) => {
    stop ??= why;
    cancelRun();
  };
  const owner = { worker: env.worker, job: String(job.id), since: new Date().toISOString() };
  const lock = await acquireEpisodeLock(ws, data.ep_id, owner, env.lockStaleMs, (err) => halt({ kind: 'lock-lost', message: err.message }));
  const onShutdown = () => halt({ kind: 'shutdown' });
  env.shutdown.addEventListener('abort', onShutdown);
  try {
    // The workspace's saved settings, then the job's own, then this worker's device: parsed once here.
    const settings = pipelineSettingsSchema.parse({ ...(await readWorkspaceSettings(ws.root)), ...data.settings, ...(env.device ? { device: env.device } : {}) });
    // A forced re-run redoes every stage once; a retry after a crash resumes from what was finished.
    const force = data.force && (job.attemptsStarted ?? 1) <= 1;
    const videoPath = isAbsolute(data.video) ? data.video : join(ws.root, data.video);
    const run = startJob('pipeline', { videoPath, workspace: ws.root, epId: data.ep_id, settings, force });
    cancelRun = () => run.cancel();
    if (env.shutdown.aborted) onShutdown();
    const { latest, threadStartSec } = await pumpProgress(run, job, env, settings.device, halt);
    const result = await outcome(run, () => stop);
    if (!result) {
      // Shutdown: back to waiting for another worker, without using an attempt.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (!result.report.ok) throw new UnrecoverableError(`${data.ep_id} does not validate:\n${formatReport(result.report)}`);
    if (latest) await job.updateProgress({ ...latest, stage: 'cluster', done: 1, total: 1, eta: 0 }).catch(() => undefined);
    return {
      ep_id: data.ep_id,
      worker: env.worker,
      device: result.device,
      pipeline_sec: result.elapsedSec,
      job_sec: (Date.now() - started) / 1000,
      thread_start_sec: threadStartSec,
      stages: result.stages.map((s) => ({ stage: s.stage, status: s.status, elapsed_sec: s.elapsedSec })),
      valid: true,
    };
  } finally {
    env.shutdown.removeEventListener('abort', onShutdown);
    await lock.release();
  }
}
