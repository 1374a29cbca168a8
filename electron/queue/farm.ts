// A worker process's side of the queue: BullMQ workers that run episode jobs (processor.ts) until
// stopped. A worker states its device; one whose device is a GPU (cuda, dml, coreml) takes the GPU
// queue's jobs, any other the plain queue's. Stopping either lets the running jobs finish ('finish')
// or hands them back to the queue at once ('handback': the pipeline stops between units of work, the
// job returns to waiting and another worker resumes it from run_state.json).
import { hostname } from 'node:os';
import { Queue, Worker, type Job } from 'bullmq';
import type { PipelineSettingsInput } from '../../shared/schema/settings';
import { connectionOptions, type QueueSettings } from './connection';
import { episodeJobResultSchema, queueNameFor } from './jobs';
import { processEpisodeJob } from './processor';

export interface FarmOptions {
  workspace: string;
  settings: QueueSettings;
  concurrency?: number;
  device?: PipelineSettingsInput['device'];
  /** BullMQ job lock (and episode lock staleness); a dead worker's job is taken over after about this long. Default 30 s. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs of dead workers. Default = lockDurationMs. */
  stalledIntervalMs?: number;
  /** Progress and cancel-flag round trips to Redis. Default 1 s. */
  pollMs?: number;
  log?: (line: string) => void;
}

export interface Farm {
  /** host:pid, shown as the job's worker. */
  name: string;
  queue: string;
  stop(mode: 'finish' | 'handback'): Promise<void>;
}

export const isGpuDevice = (d: string | undefined) => d === 'cuda' || d === 'dml' || d === 'coreml';

export function startFarm(opts: FarmOptions): Farm {
  const name = `${hostname()}:${process.pid}`;
  const log = opts.log ?? (() => {});
  const gpu = isGpuDevice(opts.device);
  const queueName = queueNameFor(opts.settings.queue, gpu);
  const connection = connectionOptions(opts.settings.redis_url);
  const lockDuration = opts.lockDurationMs ?? 30_000;
  const shutdown = new AbortController();
  const control = new Queue(queueName, { connection });
  const worker = new Worker(
    queueName,
    (job: Job, token?: string) =>
      processEpisodeJob(job, token, {
        workspace: opts.workspace,
        worker: name,
        device: opts.device,
        lockStaleMs: lockDuration,
        pollMs: opts.pollMs ?? 1000,
        shutdown: shutdown.signal,
        freshData: async (j) => (await control.getJob(String(j.id)))?.data,
      }),
    {
      connection,
      name,
      concurrency: opts.concurrency ?? 1,
      lockDuration,
      stalledInterval: opts.stalledIntervalMs ?? lockDuration,
      // A job whose worker died twice is more likely killing workers than unlucky: fail it then.
      maxStalledCount: 2,
    },
  );
  let lastError = '';
  worker.on('error', (err) => {
    // ioredis reports every reconnect attempt while Redis is away; one line per distinct message.
    if (err.message !== lastError) log(`redis: ${err.message} (retrying)`);
    lastError = err.message;
  });
  worker.on('active', (job) => {
    lastError = '';
    log(`${job.id}: started (attempt ${job.attemptsStarted ?? 1})`);
  });
  worker.on('completed', (job, result) => {
    const r = episodeJobResultSchema.safeParse(result);
    log(`${job.id}: done${r.success ? ` in ${r.data.job_sec.toFixed(1)} s, valid` : ''}`);
  });
  worker.on('failed', (job, err) => log(`${job?.id ?? '?'}: ${err.name === 'WaitingError' ? 'handed back to the queue' : `failed: ${err.message}`}`));
  worker.on('stalled', (jobId) => log(`${jobId}: its worker stopped answering; back to the queue`));
  log(`worker ${name} on queue "${queueName}" (device ${opts.device ?? 'auto'}, concurrency ${opts.concurrency ?? 1}), workspace ${opts.workspace}`);
  return {
    name,
    queue: queueName,
    async stop(mode) {
      if (mode === 'handback') shutdown.abort();
      await worker.close();
      await control.close();
    },
  };
}
