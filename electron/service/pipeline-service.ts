// pipeline:start / pipeline:cancel / episode:delete: starts a run through the launcher (pipeline.ts:
// the pipeline job of electron/jobs) once its input is checked (the video is a readable video, the
// episode id is free or a re-run was asked for), turns its progress into 'pipeline:progress' events,
// and when it ends drops the episode's cached state and offers the new identities to the cast
// library's auto-assign. Deleting an episode is episode-delete.ts, refused while it is being run.
import { randomUUID } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import type { RequestOf, ResponseOf, Settings } from '../../shared/ipc';
import { probeVideo } from '../pipeline/decode';
import type { ServiceContext } from './context';
import type { EpisodeCache } from './episode-cache';
import { removeEpisodeFolders, reviewerWork, sweepTrash } from './episode-delete';
import { withModelsDir } from './models';
import { followRun, type PipelineLauncher, type PipelineRun } from './pipeline';
import { fail } from './review-views';

export interface PipelineServiceDeps {
  settings(): Promise<Settings>;
  /** Runs after every run, whatever its outcome (cast-library auto-assign); never rejects. */
  afterRun(epId: string): Promise<unknown>;
  launcher: PipelineLauncher;
}

/** The video must be a file this process can read and ffprobe can read as a video; refusals name the field. */
async function checkVideo(path: string): Promise<void> {
  const field = { reason: 'video_path' };
  const st = await stat(path).catch(() => null);
  if (!st) fail('not_found', `no file at ${path}`, field);
  if (!st!.isFile()) fail('invalid_request', `${path} is a folder, not a video file`, field);
  await access(path, constants.R_OK).catch(() => fail('invalid_request', `${path} cannot be read (permission denied)`, field));
  await probeVideo(path).catch((err: Error) => {
    // ffprobe names the file itself; the reason is what follows the last mention of the path.
    const reason = err.message.split(`${path}: `).pop()?.trim() || err.message;
    fail('invalid_request', `${path} is not a readable video (${reason})`, field);
  });
}

export class PipelineService {
  private readonly runs = new Map<string, PipelineRun & { epId: string }>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly cache: EpisodeCache,
    private readonly deps: PipelineServiceDeps,
  ) {}

  private running(epId: string): boolean {
    return [...this.runs.values()].some((r) => r.epId === epId);
  }

  async startPipeline(req: RequestOf<'pipeline:start'>): Promise<ResponseOf<'pipeline:start'>> {
    const epId = this.ctx.epId(req.ep_id);
    return this.ctx.guard(async () => {
      if (this.running(epId)) fail('conflict', `${epId} is being run now; wait for it or cancel it`, { reason: 'ep_id' });
      if (req.mode === 'new' && existsSync(this.ctx.ws.abs(this.ctx.ws.paths(epId).manifestsDir))) {
        fail('conflict', `${epId} already exists: choose "Re-run" to resume it, or another episode id`, { reason: 'ep_id' });
      }
      await checkVideo(req.video_path);
      // Both halves were parsed at their edge (the settings file, the request): merged, not re-parsed.
      const settings = withModelsDir({ ...(await this.deps.settings()), ...(req.settings ?? {}) });
      const run_id = randomUUID();
      const run = await this.deps.launcher({ workspace: this.ctx.ws.root, epId, video: req.video_path, settings });
      this.runs.set(run_id, Object.assign(run, { epId }));
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

  async deleteEpisode(req: RequestOf<'episode:delete'>): Promise<ResponseOf<'episode:delete'>> {
    const epId = this.ctx.epId(req.ep_id);
    return this.ctx.guard(() =>
      this.ctx.serial(epId, async () => {
        if (this.running(epId)) fail('conflict', `${epId} is being run now; cancel the run before deleting it`, { reason: 'running' });
        const ws = this.ctx.ws;
        if (!existsSync(ws.abs(ws.paths(epId).manifestsDir))) fail('not_found', `no episode ${epId} in this workspace`);
        const work = await reviewerWork(ws, epId);
        if (work.length > 0 && !req.force) {
          fail('conflict', `${epId} has reviewer work (${work.join(', ')}); delete it anyway only if that work is not wanted`, { reason: 'has_edits' });
        }
        await sweepTrash(ws);
        await removeEpisodeFolders(ws, epId);
        this.cache.invalidate(epId);
        this.ctx.emit('artifacts:changed', { ep_id: epId, revision: null, reason: 'external' });
        return { deleted: true as const, had_edits: work.length > 0 };
      }),
    );
  }

  /** Cancels every running pipeline (app quit). */
  async close(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => Promise.resolve(r.cancel()).catch(() => undefined)));
    this.runs.clear();
  }
}
