// The queue on this machine: the six eval clips as six jobs, run by 1, 2 and 3 worker processes
// (each `screenalytics worker`, as on a farm), on a fresh redis-server and workspace per round.
// Reports per round: wall time (enqueue → last job done, and first pickup → last done, which leaves
// out the workers' own start-up), the pipeline seconds per episode, and the queue's overhead per job:
// the job's time on a worker beyond the pipeline run and its worker thread's start-up (episode lock,
// progress, completion) plus the wait between a worker finishing one job and starting the next; the
// thread start-up (loading the pipeline code, as `screenalytics run` also does) is reported apart.
// The analysis rate defaults to 1 frame/s (SCREENALYTICS_BENCH_QUEUE_FPS overrides) so three rounds
// fit in minutes on 2 shared cores; the pipeline's own speed is bench/pipeline.bench.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVAL_DIR } from '../electron/models/eval-pack';
import { EpisodeQueue } from '../electron/queue/client';
import { episodeJobResultSchema } from '../electron/queue/jobs';
import { runCli, spawnCli, startRedis, until } from '../test-support/queue';

const CLIPS = ['corporate_montage_many_people', 'interview_two_people', 'movie_avengers_three', 'short_hamilton_clip', 'sitcom_friends_group', 'tv_dinner_scene'];
const FPS = process.env.SCREENALYTICS_BENCH_QUEUE_FPS ?? '1';

async function round(workers: number): Promise<void> {
  const redis = await startRedis();
  const root = await mkdtemp(join(tmpdir(), 'sa-bench-queue-'));
  const q = new EpisodeQueue({ redis_url: redis.url, queue: 'screenalytics' });
  const procs: ReturnType<typeof spawnCli>[] = [];
  try {
    const t0 = Date.now();
    const videos = CLIPS.map((c) => join(EVAL_DIR, 'videos', `${c}.mp4`));
    const add = await runCli(['queue', 'add', ...videos, '--workspace', root, '--redis', redis.url, '--show', 'bench', '--season', '1', '--analyze-fps', FPS]);
    if (add.code !== 0) throw new Error(add.stderr);
    for (let i = 0; i < workers; i++) procs.push(spawnCli(['worker', '--workspace', root, '--redis', redis.url]));
    await until('six jobs done', async () => {
      const rows = await q.status();
      if (rows.some((r) => r.state === 'failed')) throw new Error(`a job failed: ${rows.find((r) => r.state === 'failed')!.error}`);
      return rows.filter((r) => r.state === 'completed').length === CLIPS.length ? true : undefined;
    }, 3_600_000, 1000);
    const jobs = [];
    for (let i = 1; i <= CLIPS.length; i++) jobs.push((await q.find(`bench-s01e0${i}`))!.job);
    const results = jobs.map((j) => ({ job: j, r: episodeJobResultSchema.parse(j.returnvalue) }));
    const lastDone = Math.max(...jobs.map((j) => j.finishedOn!));
    const firstPick = Math.min(...jobs.map((j) => j.processedOn!));
    // Per worker, in order: the gap between one job's end and the next one's start.
    const byWorker = new Map<string, typeof jobs>();
    for (const j of jobs) byWorker.set(j.processedBy ?? '?', [...(byWorker.get(j.processedBy ?? '?') ?? []), j]);
    const gaps: number[] = [];
    for (const list of byWorker.values()) {
      list.sort((a, b) => a.processedOn! - b.processedOn!);
      for (let i = 1; i < list.length; i++) gaps.push(list[i].processedOn! - list[i - 1].finishedOn!);
    }
    const onWorker = results.map(({ job, r }) => job.finishedOn! - job.processedOn! - (r.pipeline_sec + r.thread_start_sec) * 1000);
    const threadStart = results.map(({ r }) => r.thread_start_sec * 1000);
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
    const pipeline = results.map(({ r }) => r.pipeline_sec);
    console.log(
      `${workers} worker(s): wall ${((lastDone - t0) / 1000).toFixed(1)} s from enqueue, ${((lastDone - firstPick) / 1000).toFixed(1)} s from first pickup; ` +
        `pipeline ${mean(pipeline).toFixed(1)} s/episode (sum ${pipeline.reduce((a, b) => a + b, 0).toFixed(1)} s); ` +
        `queue overhead ${mean(onWorker).toFixed(0)} ms/job on the worker + ${mean(gaps).toFixed(0)} ms between jobs (${gaps.length} gaps), ` +
        `plus ${mean(threadStart).toFixed(0)} ms/job starting the pipeline's worker thread (as \`run\` does); ` +
        `jobs per worker ${[...byWorker.values()].map((l) => l.length).join('/')}`,
    );
  } finally {
    for (const p of procs) {
      p.proc.kill('SIGINT');
      await p.exited;
    }
    await q.close();
    await redis.stop();
    await rm(root, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  console.log(`six eval clips (${CLIPS.length} jobs, 192 s of video), default pack at ${FPS} analysed frame/s, ${(await import('node:os')).cpus().length} cores`);
  for (const n of [1, 2, 3]) await round(n);
}
