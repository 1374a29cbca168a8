// What travels through Redis: one job per episode (job id = ep_id, so adding an episode twice is a
// no-op), its data, the progress a worker reports (the pipeline's own progress events plus who runs
// it), and the row `queue status` and the Episodes view print. Every payload read back from Redis is
// zod-checked: another version of the app may have written it.
import { z } from 'zod';
import type { Job } from 'bullmq';
import { epIdSchema, nonNegInt } from '../../shared/schema/common';
import { pipelineSettingsSchema, type PipelineSettingsInput } from '../../shared/schema/settings';
import { queueJobStateSchema, type QueueJobRow } from '../../shared/ipc';

export const DEFAULT_QUEUE = 'screenalytics';

/** GPU jobs go to their own queue, which only workers with a GPU device consume. */
export function queueNameFor(base: string, gpu: boolean): string {
  return gpu ? `${base}-gpu` : base;
}

/** BullMQ refuses ':' in queue names; keep them to what reads well in Redis keys. */
export function checkQueueName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new Error(`queue name "${name}" must be letters, digits, '.', '_' or '-'`);
  return name;
}

/** The run settings as given (defaults are the worker's, not frozen into the job), checked against the schema. */
const runSettingsSchema = z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
  const r = pipelineSettingsSchema.safeParse(v);
  if (!r.success) for (const i of r.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
}) as unknown as z.ZodType<PipelineSettingsInput>;

export const episodeJobDataSchema = z.strictObject({
  ep_id: epIdSchema,
  /** Absolute, or relative to the workspace (then every machine may mount the workspace anywhere). */
  video: z.string().min(1),
  settings: runSettingsSchema,
  force: z.boolean(),
  gpu: z.boolean(),
  /** Set by `queue cancel` while the job runs; the worker polls it and stops the pipeline. */
  cancel_requested: z.string().optional(),
});
export type EpisodeJobData = z.infer<typeof episodeJobDataSchema>;

export const episodeJobProgressSchema = z.strictObject({
  worker: z.string(),
  device: z.string(),
  stage: z.string(),
  done: nonNegInt,
  total: nonNegInt,
  rate: z.number(),
  eta: z.number().nullable(),
});
export type EpisodeJobProgress = z.infer<typeof episodeJobProgressSchema>;

export const episodeJobResultSchema = z.strictObject({
  ep_id: epIdSchema,
  worker: z.string(),
  device: z.string().nullable(),
  /** Wall time of the pipeline itself, and of the whole job (lock + worker thread + pipeline). */
  pipeline_sec: z.number(),
  job_sec: z.number(),
  /** From starting the pipeline's worker thread to its first message (loading the pipeline code). */
  thread_start_sec: z.number(),
  stages: z.array(z.strictObject({ stage: z.string(), status: z.enum(['ran', 'skipped']), elapsed_sec: z.number() })),
  valid: z.boolean(),
});
export type EpisodeJobResult = z.infer<typeof episodeJobResultSchema>;

/**
 * Share of an episode's work done by the end of each stage, from measured runs (detect ≈ 78 % of the
 * wall time, harvest ≈ 20 %, the rest small): a whole-episode percentage and ETA from stage counters.
 */
const STAGE_SPAN: Record<string, [number, number]> = {
  detect: [0, 0.78],
  track: [0.78, 0.79],
  harvest: [0.79, 0.98],
  pool: [0.98, 0.99],
  cluster: [0.99, 1],
};

export function episodeFraction(p: Pick<EpisodeJobProgress, 'stage' | 'done' | 'total'>): number {
  const span = STAGE_SPAN[p.stage];
  if (!span) return 0;
  const inStage = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  return span[0] + (span[1] - span[0]) * inStage;
}

/** The status row of one job. `now` is the clock the ETA is measured against. */
export function jobRow(job: Job, state: string, now = Date.now()): QueueJobRow {
  const data = episodeJobDataSchema.safeParse(job.data);
  const progress = episodeJobProgressSchema.safeParse(job.progress);
  const p = progress.success ? progress.data : null;
  const parsedState = queueJobStateSchema.safeParse(state);
  const st = parsedState.success ? parsedState.data : 'unknown';
  const frac = st === 'completed' ? 1 : p ? episodeFraction(p) : 0;
  const elapsed = job.processedOn ? (now - job.processedOn) / 1000 : 0;
  const eta = st === 'active' && frac > 0.02 && elapsed > 0 ? (elapsed * (1 - frac)) / frac : null;
  return {
    ep_id: data.success ? data.data.ep_id : String(job.id),
    state: st,
    // A job back in the queue (retry, hand-back, stalled) has no worker until one picks it up again.
    worker: st === 'active' || st === 'completed' || st === 'failed' ? (job.processedBy ?? p?.worker ?? null) : null,
    device: p?.device ?? null,
    gpu: data.success ? data.data.gpu : false,
    stage: st === 'completed' ? 'done' : (p?.stage ?? null),
    percent: Math.round(frac * 1000) / 10,
    eta,
    error: st === 'failed' || st === 'delayed' || st === 'waiting' ? (job.failedReason || null) : null,
    attempts: job.attemptsMade,
    video: data.success ? data.data.video : '',
  };
}
