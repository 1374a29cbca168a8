// The queue as commands see it (`screenalytics queue …`, the review app): add episodes, list where
// each stands, retry, cancel, remove. One BullMQ queue per kind of worker (CPU, GPU); an episode's job
// id is its ep_id, so an episode is queued at most once across both.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Queue, type Job, type JobsOptions } from 'bullmq';
import type { PipelineSettingsInput } from '../../shared/schema/settings';
import type { QueueJobRow } from '../../shared/ipc';
import { connectionOptions, type QueueSettings } from './connection';
import { episodeJobDataSchema, jobRow, queueNameFor, type EpisodeJobData } from './jobs';
import type { NamedVideo } from './episodes';

export interface AddOptions {
  workspace: string;
  settings?: PipelineSettingsInput;
  gpu?: boolean;
  force?: boolean;
  /** Tries before a job is failed (default 3), and the first retry's delay (doubling after). */
  attempts?: number;
  backoffMs?: number;
}

export interface AddOutcome {
  added: string[];
  skipped: Array<{ ep_id: string; state: QueueJobRow['state'] }>;
}

const STATES = ['active', 'waiting', 'prioritized', 'delayed', 'failed', 'completed'] as const;

/** A video inside the workspace is stored relative to it, so workers may mount the share anywhere. */
export function jobVideoPath(workspace: string, video: string): string {
  const abs = resolve(video);
  const rel = relative(resolve(workspace), abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : abs;
}

export class EpisodeQueue {
  readonly name: string;
  private readonly queues: Queue[];

  constructor(settings: QueueSettings, opts: { failFast?: boolean } = {}) {
    this.name = settings.queue;
    const connection = connectionOptions(settings.redis_url, opts);
    this.queues = [false, true].map((gpu) => {
      const q = new Queue(queueNameFor(settings.queue, gpu), { connection });
      // Connection trouble reaches callers as rejected calls; the emitter's copy would only be noise.
      q.on('error', () => undefined);
      return q;
    });
  }

  private queue(gpu: boolean): Queue {
    return this.queues[gpu ? 1 : 0];
  }

  /** The episode's job in either queue, with its state. */
  async find(epId: string): Promise<{ job: Job; state: string } | null> {
    for (const q of this.queues) {
      const job = (await q.getJob(epId)) as Job | undefined;
      if (job) return { job, state: await job.getState() };
    }
    return null;
  }

  async add(videos: NamedVideo[], opts: AddOptions): Promise<AddOutcome> {
    for (const v of videos) {
      if (!existsSync(v.video) || !statSync(v.video).isFile()) throw new Error(`video "${v.video}" not found`);
    }
    const out: AddOutcome = { added: [], skipped: [] };
    for (const v of videos) {
      const found = await this.find(v.epId);
      if (found && !opts.force) {
        out.skipped.push({ ep_id: v.epId, state: jobRow(found.job, found.state).state });
        continue;
      }
      if (found) {
        if (found.state === 'active') throw new Error(`${v.epId} is running on ${found.job.processedBy ?? 'a worker'}; cancel it first`);
        await found.job.remove();
      }
      const data: EpisodeJobData = episodeJobDataSchema.parse({
        ep_id: v.epId,
        video: jobVideoPath(opts.workspace, v.video),
        settings: opts.settings ?? {},
        force: Boolean(opts.force),
        gpu: Boolean(opts.gpu),
      });
      const jobOpts: JobsOptions = {
        jobId: v.epId,
        attempts: opts.attempts ?? 3,
        backoff: { type: 'exponential', delay: opts.backoffMs ?? 10_000 },
        removeOnComplete: false,
        removeOnFail: false,
      };
      await this.queue(data.gpu).add(v.epId, data, jobOpts);
      out.added.push(v.epId);
    }
    return out;
  }

  async status(): Promise<QueueJobRow[]> {
    const rows: QueueJobRow[] = [];
    const now = Date.now();
    for (const q of this.queues) {
      for (const state of STATES) {
        for (const job of (await q.getJobs([state], 0, -1)) as Job[]) if (job) rows.push(jobRow(job, state, now));
      }
    }
    return rows.sort((a, b) => a.ep_id.localeCompare(b.ep_id));
  }

  private async need(epId: string) {
    const found = await this.find(epId);
    if (!found) throw new Error(`${epId} is not in queue "${this.name}"`);
    return found;
  }

  /** A failed (or completed) job back to waiting; it resumes from the stages already on disk. */
  async retry(epId: string): Promise<string> {
    const { job, state } = await this.need(epId);
    if (state !== 'failed' && state !== 'completed') throw new Error(`${epId} is ${state}; only failed or completed jobs can be retried`);
    await job.retry(state);
    return job.getState();
  }

  /** Queued: removed. Running: the worker is asked to stop it (it fails as cancelled, files intact). */
  async cancel(epId: string, by: string): Promise<'removed' | 'cancelling' | string> {
    const { job, state } = await this.need(epId);
    if (state === 'active') {
      await job.updateData({ ...(job.data as EpisodeJobData), cancel_requested: by });
      return 'cancelling';
    }
    if (state === 'completed' || state === 'failed') return state;
    await job.remove();
    return 'removed';
  }

  async remove(epId: string): Promise<void> {
    const { job, state } = await this.need(epId);
    if (state === 'active') throw new Error(`${epId} is running on ${job.processedBy ?? 'a worker'}; cancel it first`);
    await job.remove();
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.queues.map((q) => q.close()));
  }
}
