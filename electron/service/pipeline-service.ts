// pipeline:start / pipeline:cancel: starts a run through the launcher (pipeline.ts: the pipeline job of
// electron/jobs), turns its progress into 'pipeline:progress' events, and when it ends drops the episode's cached state and offers the
// new identities to the cast library's auto-assign.
import { randomUUID } from 'node:crypto';
import type { RequestOf, ResponseOf, Settings } from '../../shared/ipc';
import type { ServiceContext } from './context';
import type { EpisodeCache } from './episode-cache';
import { withModelsDir } from './models';
import { followRun, type PipelineLauncher, type PipelineRun } from './pipeline';
import { fail, fileStamp } from './review-views';

export interface PipelineServiceDeps {
  settings(): Promise<Settings>;
  /** Runs after every run, whatever its outcome (cast-library auto-assign); never rejects. */
  afterRun(epId: string): Promise<unknown>;
  launcher: PipelineLauncher;
}

export class PipelineService {
  private readonly runs = new Map<string, PipelineRun>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly cache: EpisodeCache,
    private readonly deps: PipelineServiceDeps,
  ) {}

  async startPipeline(req: RequestOf<'pipeline:start'>): Promise<ResponseOf<'pipeline:start'>> {
    const epId = this.ctx.epId(req.ep_id);
    return this.ctx.guard(async () => {
      if ((await fileStamp(req.video_path)) === '-') fail('not_found', `video ${req.video_path} does not exist`);
      // Both halves were parsed at their edge (the settings file, the request): merged, not re-parsed.
      const settings = withModelsDir({ ...(await this.deps.settings()), ...(req.settings ?? {}) });
      const run_id = randomUUID();
      const run = await this.deps.launcher({ workspace: this.ctx.ws.root, epId, video: req.video_path, settings });
      this.runs.set(run_id, run);
      void followRun(run, run_id, epId, (p) => this.ctx.emit('pipeline:progress', p)).finally(() => {
        this.runs.delete(run_id);
        this.cache.invalidate(epId);
        this.ctx.emit('artifacts:changed', { ep_id: epId, revision: null, reason: 'pipeline' });
        // Cast-library auto-assign: a no-op unless the show turned it on; its labels are journalled
        // edits (they emit their own artifacts:changed). afterRun reports its own failures.
        void this.deps.afterRun(epId);
      });
      return { run_id };
    });
  }

  async cancelPipeline(req: RequestOf<'pipeline:cancel'>): Promise<ResponseOf<'pipeline:cancel'>> {
    const run = this.runs.get(req.run_id);
    if (!run) return { cancelled: false };
    await run.cancel();
    return { cancelled: true };
  }

  /** Cancels every running pipeline (app quit). */
  async close(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => Promise.resolve(r.cancel()).catch(() => undefined)));
    this.runs.clear();
  }
}
