// The worker farm end to end: real redis-server processes, real `screenalytics worker` processes, the
// real pipeline on the eval clips (eval pack, a low analysis rate to keep it to minutes here).
// Six clips on three workers all complete and validate while a bad file fails alone; a second add of
// a done episode is a no-op unless forced; a worker killed with SIGKILL mid-episode loses nothing (the
// stalled job is finished once, by another worker); a reviewer saving blocks a run until released;
// a Redis restart mid-job is ridden out; SIGTERM hands a running job back to the queue; `queue
// cancel` stops a running job.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { EVAL_DIR, EVAL_MODELS_DIR } from '../models/eval-pack';
import { validateEpisode } from '../store/validate';
import { Workspace } from '../store/workspace';
import { readJson } from '../store/json';
import { runStateSchema, sidePaths } from '../pipeline/sidefiles';
import { EpisodeQueue } from './client';
import { runCli, spawnCli, startRedis, until, type CliProcess, type RedisServer } from '../../test-support/queue';

const CLIPS = ['corporate_montage_many_people', 'interview_two_people', 'movie_avengers_three', 'short_hamilton_clip', 'sitcom_friends_group', 'tv_dinner_scene'].map((n) =>
  join(EVAL_DIR, 'videos', `${n}.mp4`),
);
/** The eval pack at a low analysis rate: real detections and embeddings, minutes not hours here. */
const fast = (fps: number) => ['--pack', 'eval', '--models-dir', EVAL_MODELS_DIR, '--analyze-fps', String(fps)];
const temps: string[] = [];
const servers: RedisServer[] = [];
const workers: CliProcess[] = [];

async function tempDir(prefix: string) {
  const d = await mkdtemp(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}
function worker(root: string, redis: RedisServer, ...extra: string[]) {
  const w = spawnCli(['worker', '--workspace', root, '--redis', redis.url, ...extra]);
  workers.push(w);
  return w;
}
async function stopWorker(w: CliProcess, signal: NodeJS.Signals = 'SIGINT') {
  w.proc.kill(signal);
  return w.exited;
}
const jobOf = async (q: EpisodeQueue, ep: string) => (await q.status()).find((r) => r.ep_id === ep);
const finished = (state: string | undefined) => state === 'completed' || state === 'failed';
/** The episode's row once its job completed or failed (status reads may fail while Redis restarts). */
const whenFinished = (q: EpisodeQueue, ep: string) =>
  until(`${ep} to finish`, async () => {
    const r = await jobOf(q, ep).catch(() => undefined);
    return finished(r?.state) ? r : undefined;
  });
/** Resolves once the episode's job reports a pipeline stage. */
const whenRunning = (q: EpisodeQueue, ep: string) => until(`${ep} to run`, async () => ((await jobOf(q, ep))?.stage ? true : undefined));
async function assertValid(root: string, ep: string) {
  const report = await validateEpisode(new Workspace(root), ep);
  assert.ok(report.ok, `${ep} does not validate`);
  const state = await readJson(join(root, sidePaths(ep).runState), runStateSchema);
  assert.deepEqual(Object.keys(state.stages).sort(), ['cluster', 'detect', 'harvest', 'pool', 'track']);
}

before(async () => {
  assert.ok(CLIPS.every((c) => existsSync(c)), `eval clips missing under ${EVAL_DIR}/videos`);
});
after(async () => {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
  for (const s of servers) await s.stop();
  for (const d of temps) await rm(d, { recursive: true, force: true });
});

test('six clips on three worker processes: every episode completes and validates, a bad file fails alone; re-adding a done episode is a no-op unless forced', async () => {
  const redis = await startRedis();
  servers.push(redis);
  const root = await tempDir('sa-farm-');
  const bad = join(root, 'bad_clip.mp4');
  await writeFile(bad, Buffer.alloc(4096, 7));
  const add = await runCli(['queue', 'add', ...CLIPS, bad, '--workspace', root, '--redis', redis.url, '--show', 'eval', '--season', '1', ...fast(0.25), '--attempts', '2', '--backoff', '200']);
  assert.equal(add.code, 0, add.stderr);
  const eps = CLIPS.map((_, i) => `eval-s01e0${i + 1}`);
  const q = new EpisodeQueue({ redis_url: redis.url, queue: 'screenalytics' });
  try {
    const farm = [worker(root, redis), worker(root, redis), worker(root, redis)];
    const rows = await until('every job to finish', async () => {
      const r = await q.status();
      return r.length === 7 && r.every((x) => finished(x.state)) ? r : undefined;
    });
    for (const ep of eps) {
      const row = rows.find((r) => r.ep_id === ep)!;
      assert.equal(row.state, 'completed', `${ep}: ${row.error}`);
      assert.equal(row.percent, 100);
      await assertValid(root, ep);
    }
    const failed = rows.find((r) => r.ep_id === 'eval-s01e07')!;
    assert.equal(failed.state, 'failed');
    assert.equal(failed.attempts, 2);
    assert.match(failed.error ?? '', /cannot read video .*bad_clip\.mp4/);
    assert.equal(existsSync(join(root, 'data/manifests/eval-s01e07')), false, 'a bad video leaves no episode behind');
    // The work was spread: more than one worker process ran episodes.
    const names = new Set(rows.map((r) => r.worker));
    assert.ok(names.size >= 2, `one worker ran everything: ${[...names].join(', ')}`);

    const status = await runCli(['queue', 'status', '--workspace', root]);
    assert.match(status.stdout, /eval-s01e03\s+completed\s+\S+:\d+\s+done\s+100/);
    assert.match(status.stdout, /eval-s01e07\s+failed\s+\S+:\d+\s+.*cannot read video/);

    for (const w of farm) assert.equal(await stopWorker(w), 0);
    const again = await runCli(['queue', 'add', CLIPS[0], '--workspace', root, '--ep', 'eval-s01e01', ...fast(0.25)]);
    assert.match(again.stdout, /skipped eval-s01e01 {2}\(already completed; --force to run it again\)/);
    assert.equal((await jobOf(q, 'eval-s01e01'))?.state, 'completed');
    const forced = await runCli(['queue', 'add', CLIPS[0], '--workspace', root, '--ep', 'eval-s01e01', '--force', ...fast(0.25)]);
    assert.match(forced.stdout, /queued {2}eval-s01e01/);
    assert.equal((await jobOf(q, 'eval-s01e01'))?.state, 'waiting');
  } finally {
    await q.close();
  }
});

test('kill -9 a worker mid-episode: the stalled job is finished once by another worker and validates', async () => {
  const redis = await startRedis();
  servers.push(redis);
  const root = await tempDir('sa-kill-');
  const ep = 'eval-s02e01';
  // The 82-s TV scene: long enough that the job is seen mid-run before it finishes (a 15-s clip at this
  // rate can finish between two polls).
  const add = await runCli(['queue', 'add', CLIPS[5], '--workspace', root, '--redis', redis.url, '--ep', ep, ...fast(2)]);
  assert.equal(add.code, 0, add.stderr);
  const q = new EpisodeQueue({ redis_url: redis.url, queue: 'screenalytics' });
  try {
    const fastStall = ['--lock-duration', '3000', '--stalled-interval', '1000'];
    const pair = [worker(root, redis, ...fastStall), worker(root, redis, ...fastStall)];
    const running = await until('the job to be mid-run', async () => {
      const r = await jobOf(q, ep);
      return r?.state === 'active' && r.stage && r.percent > 0 && r.percent < 70 ? r : undefined;
    });
    const victim = pair.find((w) => running.worker?.endsWith(`:${w.proc.pid}`));
    assert.ok(victim, `job runs on ${running.worker}, not one of the test's workers`);
    victim.proc.kill('SIGKILL');
    await victim.exited;
    const survivor = pair.find((w) => w !== victim)!;
    const done = await whenFinished(q, ep);
    assert.equal(done.state, 'completed', done.error ?? '');
    assert.equal(done.worker, `${running.worker!.split(':')[0]}:${survivor.proc.pid}`);
    await assertValid(root, ep);
    assert.equal(survivor.output().match(new RegExp(`${ep}: done`, 'g'))?.length, 1);
    assert.doesNotMatch(victim.output(), new RegExp(`${ep}: done`));
    assert.equal(await stopWorker(survivor), 0);
  } finally {
    await q.close();
  }
});

test('a reviewer saving blocks the run until released; a Redis restart mid-job is ridden out; SIGTERM hands a job back; cancel stops one', async () => {
  const dataDir = await tempDir('sa-redis-');
  const redis = await startRedis({ dir: dataDir });
  servers.push(redis);
  const root = await tempDir('sa-restart-');
  const ep = 'eval-s03e01';
  const manifests = join(root, 'data/manifests', ep);
  await mkdir(manifests, { recursive: true });
  const releaseReview = await lockfile.lock(manifests, { lockfilePath: join(manifests, 'review.lock'), stale: 10_000 });
  const add = await runCli(['queue', 'add', CLIPS[3], '--workspace', root, '--redis', redis.url, '--ep', ep, ...fast(2), '--attempts', '6', '--backoff', '1000']);
  assert.equal(add.code, 0, add.stderr);
  const q = new EpisodeQueue({ redis_url: redis.url, queue: 'screenalytics' });
  try {
    const w1 = worker(root, redis);
    const blocked = await until('the run to be refused', async () => {
      const r = await jobOf(q, ep);
      return r?.error ? r : undefined;
    });
    assert.match(blocked.error!, new RegExp(`${ep} is being edited by a reviewer \\(data/manifests/${ep}/review.lock is held\\)`));
    await releaseReview();
    await whenRunning(q, ep);
    await redis.restart();
    const done = await whenFinished(q, ep);
    assert.equal(done.state, 'completed', done.error ?? '');
    await assertValid(root, ep);

    const ep2 = 'eval-s03e02';
    await runCli(['queue', 'add', CLIPS[1], '--workspace', root, '--ep', ep2, ...fast(2)]);
    await whenRunning(q, ep2);
    assert.equal(await stopWorker(w1, 'SIGTERM'), 0);
    const back = await jobOf(q, ep2);
    assert.equal(back?.state, 'waiting');
    assert.equal(back?.attempts, 0);
    const w2 = worker(root, redis);
    const done2 = await whenFinished(q, ep2);
    assert.equal(done2.state, 'completed', done2.error ?? '');
    await assertValid(root, ep2);

    const ep3 = 'eval-s03e03';
    await runCli(['queue', 'add', CLIPS[4], '--workspace', root, '--ep', ep3, ...fast(2)]);
    await whenRunning(q, ep3);
    const cancel = await runCli(['queue', 'cancel', ep3, '--workspace', root]);
    assert.match(cancel.stdout, new RegExp(`${ep3}: cancelling`));
    const cancelled = await whenFinished(q, ep3);
    assert.equal(cancelled.state, 'failed');
    assert.match(cancelled.error ?? '', /^cancelled by .*\(queue cancel\); finished stages are kept/);
    assert.equal(cancelled.attempts, 1, 'a cancelled job is not retried');
    assert.equal(await stopWorker(w2), 0);
  } finally {
    await q.close();
  }
});
