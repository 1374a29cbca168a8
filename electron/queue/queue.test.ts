// The queue without pipelines: episode naming, adding (an episode is queued once; --force re-queues),
// status rows, cancel/remove, the queue settings the app reads, and the episode run lock on disk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { Workspace } from '../store/workspace';
import { EVAL_DIR } from '../models/eval-pack';
import { EpisodeQueue, jobVideoPath } from './client';
import { readQueueSettings, writeQueueSettings } from './connection';
import { QueueService } from './service';
import { acquireEpisodeLock, EpisodeBusyError } from './episode-lock';
import { nameEpisodes } from './episodes';
import { runCli, startRedis, type RedisServer } from '../../test-support/queue';

const CLIP = join(EVAL_DIR, 'videos', 'short_hamilton_clip.mp4');
let redis: RedisServer;
let root = '';

before(async () => {
  redis = await startRedis();
  root = await mkdtemp(join(tmpdir(), 'sa-queue-'));
});
after(async () => {
  await redis?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

test('ep ids come from s##e## in file names, else --show/--season in order, else --ep', () => {
  assert.deepEqual(nameEpisodes(['/m/RHOBH.S05E02.720p.mkv', '/m/rhobh_s5e3.mp4'], {}).map((n) => n.epId), ['rhobh-s05e02', 'rhobh-s05e03']);
  assert.deepEqual(nameEpisodes(['/m/Show S01E04.mp4'], { show: 'The Show' })[0].epId, 'the-show-s01e04');
  assert.deepEqual(nameEpisodes(['/a/x.mp4', '/a/y.mp4'], { show: 'eval', season: 2 }).map((n) => n.epId), ['eval-s02e01', 'eval-s02e02']);
  assert.equal(nameEpisodes(['/a/x.mp4'], { epId: 'foo-s01e09' })[0].epId, 'foo-s01e09');
  assert.throws(() => nameEpisodes(['/a/x.mp4'], {}), /x\.mp4: the file name has no s##e## tag/);
  assert.throws(() => nameEpisodes(['/a/x.mp4', '/b/x.s01e01.mp4'], { show: 'x', season: 1 }), /both x-s01e01/);
  assert.throws(() => nameEpisodes(['/a/x.mp4', '/a/y.mp4'], { epId: 'foo-s01e09' }), /--ep names one episode/);
  // Videos on the share are stored relative to the workspace, so each machine may mount it anywhere.
  assert.equal(jobVideoPath('/mnt/ws', '/mnt/ws/videos/a.mp4'), 'videos/a.mp4');
  assert.equal(jobVideoPath('/mnt/ws', '/other/a.mp4'), '/other/a.mp4');
});

test('queue add: one job per episode; adding again is a no-op unless --force; cancel and remove', async () => {
  const env = { SCREENALYTICS_REDIS_URL: redis.url };
  const add = (...extra: string[]) => runCli(['queue', 'add', CLIP, '--workspace', root, '--ep', 'ham-s01e01', '--analyze-fps', '1', ...extra], env);
  const first = await add();
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /queued {2}ham-s01e01/);
  const again = await add();
  assert.match(again.stdout, /skipped ham-s01e01 {2}\(already waiting; --force to run it again\)/);
  // The workspace now names the queue (the review app reads this).
  assert.deepEqual(await readQueueSettings(root), { redis_url: redis.url, queue: 'screenalytics' });

  const q = new EpisodeQueue({ redis_url: redis.url, queue: 'screenalytics' });
  try {
    const [row] = await q.status();
    assert.equal(row.ep_id, 'ham-s01e01');
    assert.equal(row.state, 'waiting');
    assert.equal(row.video, CLIP);
    assert.deepEqual((await q.find('ham-s01e01'))!.job.data.settings, { analyzeFps: 1 });

    const forced = await add('--force', '--analyze-fps', '2');
    assert.match(forced.stdout, /queued {2}ham-s01e01/);
    assert.deepEqual((await q.find('ham-s01e01'))!.job.data.settings, { analyzeFps: 2 });
    assert.equal((await q.find('ham-s01e01'))!.job.data.force, true);

    const status = await runCli(['queue', 'status', '--workspace', root]);
    assert.match(status.stdout, /^EPISODE\s+STATE\s+WORKER\s+STAGE\s+%\s+ETA\s+ERROR\nham-s01e01\s+waiting\s+-/);
    assert.equal(await q.cancel('ham-s01e01', 'test'), 'removed');
    assert.deepEqual(await q.status(), []);
    await assert.rejects(q.remove('ham-s01e01'), /ham-s01e01 is not in queue "screenalytics"/);
    // A GPU job goes to the GPU queue and still counts as the episode's one job.
    await q.add([{ video: CLIP, epId: 'ham-s01e02' }], { workspace: root, gpu: true });
    const again2 = await q.add([{ video: CLIP, epId: 'ham-s01e02' }], { workspace: root });
    assert.deepEqual(again2, { added: [], skipped: [{ ep_id: 'ham-s01e02', state: 'waiting' }] });
    assert.equal((await q.status())[0].gpu, true);
    await q.remove('ham-s01e02');
  } finally {
    await q.close();
  }
  const missing = await runCli(['queue', 'add', join(root, 'nope.mp4'), '--workspace', root, '--ep', 'ham-s01e03'], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /video ".*nope\.mp4" not found/);
});

test('episode run lock: a second holder is refused naming the first; a reviewer saving blocks a run', async () => {
  const ws = new Workspace(root);
  const owner = { worker: 'host-a:1', job: 'lock-s01e01', since: '2026-01-01T00:00:00.000Z' };
  const held = await acquireEpisodeLock(ws, 'lock-s01e01', owner, 2000, () => {});
  await assert.rejects(
    acquireEpisodeLock(ws, 'lock-s01e01', { ...owner, worker: 'host-b:2' }, 2000, () => {}),
    (err: Error) => err instanceof EpisodeBusyError && /lock-s01e01 is being processed by host-a:1 \(job lock-s01e01, since 2026-01-01T00:00:00.000Z\) \(\.screenalytics\/locks\/lock-s01e01\.lock is held\)/.test(err.message),
  );
  await held.release();
  const dir = ws.abs('data/manifests/lock-s01e01');
  await mkdir(dir, { recursive: true });
  const review = await lockfile.lock(dir, { lockfilePath: `${dir}/review.lock`, stale: 10_000 });
  try {
    await assert.rejects(acquireEpisodeLock(ws, 'lock-s01e01', owner, 2000, () => {}), /lock-s01e01 is being edited by a reviewer \(data\/manifests\/lock-s01e01\/review.lock is held\)/);
  } finally {
    await review();
  }
  // Refused runs leave the lock free.
  const again = await acquireEpisodeLock(ws, 'lock-s01e01', owner, 2000, () => {});
  await again.release();
});

test('without Redis: queue commands say so and exit 2; a workspace without a queue is untouched', async () => {
  const env = { SCREENALYTICS_REDIS_URL: '' };
  const bare = await mkdtemp(join(tmpdir(), 'sa-noqueue-'));
  try {
    await writeFile(join(bare, 'x'), '');
    const r = await runCli(['queue', 'status', '--workspace', bare], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no queue: pass --redis URL or set SCREENALYTICS_REDIS_URL/);
    assert.equal(await readQueueSettings(bare), null);
  } finally {
    await rm(bare, { recursive: true, force: true });
  }
});

test('the app\'s queue status: not configured, then jobs; Redis down is an error row, and it reconnects when Redis is back', async () => {
  const own = await startRedis();
  const ws = await mkdtemp(join(tmpdir(), 'sa-queue-svc-'));
  const svc = new QueueService(ws);
  try {
    assert.deepEqual(await svc.status({}), { configured: false, queue: null, error: null, jobs: [] });
    await writeQueueSettings(ws, { redis_url: own.url, queue: 'app' });
    const added = await svc.add({ videos: [CLIP], ep_id: 'app-s01e01', gpu: false, force: false });
    assert.deepEqual(added, { added: ['app-s01e01'], skipped: [] });
    assert.deepEqual((await svc.status({})).jobs.map((j) => [j.ep_id, j.state]), [['app-s01e01', 'waiting']]);
    await assert.rejects(svc.retry({ ep_id: 'app-s01e01' }), /app-s01e01 is waiting; only failed or completed jobs can be retried/);
    await own.stop();
    const down = await svc.status({});
    assert.equal(down.configured, true);
    assert.match(down.error ?? '', new RegExp(`^Redis ${own.url}: `));
    await own.restart();
    const back = await svc.status({});
    assert.equal(back.error, null);
    assert.equal(back.queue, 'app');
  } finally {
    await svc.close();
    await own.stop();
    await rm(ws, { recursive: true, force: true });
  }
});
