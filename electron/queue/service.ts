// The queue channels of the review app (shared/ipc/queue.ts), over the workspace's queue settings.
// Loaded lazily by ReviewService, so a workspace without a queue never loads BullMQ. Connections fail
// fast: the Episodes view polls status, and a Redis that is down must show as an error, not a hang.
import { IpcFailure, type RequestOf, type ResponseOf } from '../../shared/ipc';
import { EpisodeQueue } from './client';
import { readQueueSettings, type QueueSettings } from './connection';
import { nameEpisodes } from './episodes';

export class QueueService {
  private current: { key: string; queue: EpisodeQueue } | null = null;

  constructor(private readonly workspace: string) {}

  private async open(): Promise<{ settings: QueueSettings; queue: EpisodeQueue } | null> {
    const settings = await readQueueSettings(this.workspace);
    if (!settings) {
      await this.close();
      return null;
    }
    const key = JSON.stringify(settings);
    if (this.current?.key !== key) {
      await this.close();
      this.current = { key, queue: new EpisodeQueue(settings, { failFast: true }) };
    }
    return { settings, queue: this.current.queue };
  }

  private async need() {
    const q = await this.open();
    if (!q) throw new IpcFailure({ code: 'not_found', message: 'this workspace names no queue (run `screenalytics queue add … --redis URL` once)' });
    return q.queue;
  }

  async status(_req: RequestOf<'queue:status'>): Promise<ResponseOf<'queue:status'>> {
    const q = await this.open();
    if (!q) return { configured: false, queue: null, error: null, jobs: [] };
    try {
      return { configured: true, queue: q.settings.queue, error: null, jobs: await q.queue.status() };
    } catch (err) {
      // A fail-fast connection gives up for good; the next poll opens a fresh one (Redis may be back).
      await this.close();
      return { configured: true, queue: q.settings.queue, error: `Redis ${q.settings.redis_url}: ${(err as Error).message}`, jobs: [] };
    }
  }

  async add(req: RequestOf<'queue:add'>): Promise<ResponseOf<'queue:add'>> {
    const queue = await this.need();
    let named;
    try {
      named = nameEpisodes(req.videos, { show: req.show, season: req.season, epId: req.ep_id });
    } catch (err) {
      throw new IpcFailure({ code: 'invalid_request', message: (err as Error).message });
    }
    return queue.add(named, { workspace: this.workspace, gpu: req.gpu, force: req.force }).catch((err: Error) => {
      throw new IpcFailure({ code: /not found/.test(err.message) ? 'not_found' : 'conflict', message: err.message });
    });
  }

  async retry(req: RequestOf<'queue:retry'>): Promise<ResponseOf<'queue:retry'>> {
    const queue = await this.need();
    const state = await queue.retry(req.ep_id).catch((err: Error) => {
      throw new IpcFailure({ code: 'conflict', message: err.message });
    });
    return { ep_id: req.ep_id, state: state as ResponseOf<'queue:retry'>['state'] };
  }

  async close(): Promise<void> {
    const cur = this.current;
    this.current = null;
    await cur?.queue.close();
  }
}
