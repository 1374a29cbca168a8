// The Episodes view of a workspace that names a queue (a real redis-server): a job that failed on a
// real worker shows its error and a Retry that puts it back in the queue, a queued job shows as
// queued, and videos typed into the panel are enqueued as episodes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EpisodeQueue } from '../electron/queue/client';
import { writeQueueSettings, type QueueSettings } from '../electron/queue/connection';
import { startFarm } from '../electron/queue/farm';
import { startRedis, until, type RedisServer } from '../test-support/queue';
import { repoRoot, snapshot, withFailureShot } from './fixtures';
import { useReviewApp } from './harness';
import { QueuePanelPage } from './pages';

const VIDEOS = join(repoRoot, '..', 'shared', 'eval', 'videos');
let redis: RedisServer | undefined;

/** A queue with one failed job (a bad file, run by a real in-process worker) and one waiting job. */
async function setup(workspace: string): Promise<QueueSettings> {
  redis = await startRedis();
  const settings: QueueSettings = { redis_url: redis.url, queue: 'screenalytics' };
  await writeQueueSettings(workspace, settings);
  const bad = join(workspace, 'broken.s01e02.mp4');
  await writeFile(bad, Buffer.alloc(2048, 1));
  const q = new EpisodeQueue(settings);
  try {
    await q.add([{ video: bad, epId: 'broken-s01e02' }], { workspace, attempts: 1 });
    const farm = startFarm({ workspace, settings });
    await until('the bad job to fail', async () => ((await q.status())[0]?.state === 'failed' ? true : undefined), 120_000);
    await farm.stop('finish');
    // The 82-s TV scene: long enough (≈ 10 s) that the panel sees it running with progress.
    await q.add([{ video: join(VIDEOS, 'tv_dinner_scene.mp4'), epId: 'tv-s01e01' }], { workspace });
  } finally {
    await q.close();
  }
  return settings;
}

const e2e = useReviewApp({ prefix: 'sa-queue-e2e-', setup });
after(async () => {
  await redis?.stop();
});

test('queue panel: failed job with its error and Retry, queued job, enqueue from the view', async () => {
  await withFailureShot(e2e.handle, 'queue-panel', async () => {
    await e2e.app.goto(e2e.host.url);
    const panel = new QueuePanelPage(e2e.app.page);
    const failed = await panel.waitForState('broken-s01e02', 'failed');
    assert.match((await failed.textContent()) ?? '', /cannot read video .*broken\.s01e02\.mp4/);
    assert.match((await panel.waitForState('tv-s01e01', 'waiting').then((r) => r.textContent())) ?? '', /queued/);
    await snapshot(e2e.app.page, 'queue-panel');

    await failed.getByTestId('queue-retry').click();
    await panel.waitForState('broken-s01e02', 'waiting');

    await panel.enqueue([join(VIDEOS, 'interview_two_people.mp4'), join(VIDEOS, 'sitcom_friends_group.mp4')], 'ui', 3);
    await panel.waitForState('ui-s03e01', 'waiting');
    await panel.waitForState('ui-s03e02', 'waiting');
    const q = new EpisodeQueue(e2e.fixture);
    try {
      const job = await q.find('ui-s03e02');
      assert.equal(job?.job.data.video, join(VIDEOS, 'sitcom_friends_group.mp4'));
    } finally {
      await q.close();
    }
    assert.equal(await e2e.app.page.locator('[data-testid="episode-row"][data-ep-id="broken-s01e02"]').count(), 0, 'a failed video leaves no episode');

    // A worker picks up the first job: the row shows the worker and the pipeline's progress.
    const farm = startFarm({ workspace: e2e.workspace, settings: e2e.fixture });
    try {
      const running = await panel.waitForState('tv-s01e01', 'active');
      await running.locator('[role="progressbar"]:not([aria-valuenow="0"])').waitFor({ timeout: 120_000 });
      // The first progress seen may already be past detection.
      assert.match((await running.textContent()) ?? '', new RegExp(`${farm.name}.*(detect|track|harvest|pool|cluster) · \\d+% · ETA`));
      await snapshot(e2e.app.page, 'queue-panel-running');
    } finally {
      await farm.stop('handback');
    }
    await panel.waitForState('tv-s01e01', 'waiting');
    assert.deepEqual(e2e.handle.errors, []);
  });
});
