// ReviewService: the one implementation of the IPC contract (shared/ipc.ts), hosted by Electron main,
// the web host and tests alike. Plain Node, no Electron imports. It only composes the domain services
// (review.ts, settings.ts, pipeline-service.ts, review-cast.ts, review-cleanup.ts, models.ts, the
// queue), which share one ServiceContext and one EpisodeCache.
import type { EventName, EventOf, RequestOf, ResponseOf, ServiceApi, Settings } from '../../shared/ipc';
import type { Workspace } from '../store/workspace';
import { CastLibrary } from './cast-library';
import { ServiceContext } from './context';
import { EpisodeCache, type EpisodeState } from './episode-cache';
import { ReviewModels } from './models';
import { jobLauncher, type PipelineLauncher } from './pipeline';
import { threadJobs, type JobStarter } from '../jobs/host';
import { PipelineService } from './pipeline-service';
import { ReviewEdits, reviewState } from './review';
import { projectCast } from './cast-projection';
import { ReviewCast } from './review-cast';
import { ReviewCleanup } from './review-cleanup';
import { samePersonQuestions } from './review-questions';
import { SettingsService } from './settings';

export type { EpisodeState } from './episode-cache';

export interface ReviewServiceOptions {
  workspace: string;
  host?: 'electron' | 'web' | 'test';
  appVersion?: string;
  /** Where settings persist; default the workspace's settings home (store/settings.ts). */
  settingsPath?: string;
  /** Settings saved by an older app outside the workspace, used until the workspace has its own. */
  formerSettingsPath?: string;
  /** Where jobs run (default: worker threads; Electron passes its utility-process starter). */
  jobs?: JobStarter;
  /** Starts a pipeline run (default: the pipeline job on `jobs`); tests pass a stand-in. */
  launcher?: PipelineLauncher;
  /** ISO clock (tests pin it). */
  now?: () => string;
}

export class ReviewService implements ServiceApi {
  readonly ws: Workspace;
  /** The show's cast library; synced after every review edit. */
  readonly cast: CastLibrary;
  private readonly ctx: ServiceContext;
  private readonly review: ReviewEdits;
  private readonly settings: SettingsService;
  private readonly pipeline: PipelineService;
  private readonly castApi: ReviewCast<EpisodeState>;
  private readonly cleanupApi: ReviewCleanup<EpisodeState>;
  private readonly modelsApi: ReviewModels;
  /** Queue channels (electron/queue/service.ts), loaded on first use: most workspaces name no queue. */
  private queueApi?: Promise<import('../queue/service').QueueService>;

  constructor(private readonly opts: ReviewServiceOptions) {
    const ctx = (this.ctx = new ServiceContext(opts.workspace, opts.now));
    this.ws = ctx.ws;
    const cast = (this.cast = new CastLibrary(ctx.ws));
    // Catches the library up with edits a crash kept out of it (replayed or not yet synced).
    const cache = new EpisodeCache(ctx, (epId, st) => projectCast(cast, epId, st));
    this.settings = new SettingsService(ctx, opts.settingsPath, opts.formerSettingsPath);
    const settings = () => this.settings.getSettings({});
    this.cleanupApi = new ReviewCleanup<EpisodeState>({
      ws: ctx.ws,
      epId: (ep) => ctx.epId(ep),
      guard: (fn) => ctx.guard(fn),
      serial: (key, fn) => ctx.serial(key, fn),
      settings,
      jobs: opts.jobs ?? threadJobs,
      emit: (event, payload) => ctx.emit(event, payload),
      reload: (epId) => cache.reload(epId),
      restored: (epId, st) => projectCast(cast, epId, st),
      state: (epId) => cache.get(epId, true),
    });
    const review = (this.review = new ReviewEdits(ctx, cache, cast, this.cleanupApi));
    this.castApi = new ReviewCast<EpisodeState>(
      {
        ws: ctx.ws,
        epId: (ep) => ctx.epId(ep),
        guard: (fn) => ctx.guard(fn),
        serial: (key, fn) => ctx.serial(key, fn),
        state: (epId, locked) => cache.get(epId, locked),
        reviewState,
        applyCommand: (epId, st, command, label, origin) => review.applyCommand(epId, st, command, label, origin),
      },
      cast,
    );
    // A run's auto-assign that fails leaves labels as they were; the reviewer is told on the next response.
    const afterRun = (epId: string) => this.autoAssignCast({ ep_id: epId }).catch((err: Error) => cache.warn(epId, `The cast library could not auto-assign names: ${err.message}`));
    this.pipeline = new PipelineService(ctx, cache, { settings, afterRun, launcher: opts.launcher ?? jobLauncher(opts.jobs) });
    this.modelsApi = new ReviewModels({
      settings,
      saveSettings: (patch) => this.settings.writeSettings(patch),
      emit: (event, payload) => ctx.emit(event, payload),
    });
  }

  on<E extends EventName>(event: E, cb: (payload: EventOf<E>) => void): () => void {
    return this.ctx.on(event, cb);
  }

  async getWorkspace(_req: RequestOf<'workspace:get'>): Promise<ResponseOf<'workspace:get'>> {
    return { root: this.ws.root, app_version: this.opts.appVersion ?? '0.0.0', host: this.opts.host ?? 'test' };
  }

  // ---- review: review.ts ---------------------------------------------------------------------

  listEpisodes(req: RequestOf<'episodes:list'>) { return this.review.listEpisodes(req); }
  openEpisode(req: RequestOf<'episode:open'>) { return this.review.openEpisode(req); }
  getIdentityDetail(req: RequestOf<'identity:detail'>) { return this.review.getIdentityDetail(req); }
  getFrameFaces(req: RequestOf<'frame:faces'>) { return this.review.getFrameFaces(req); }
  applyReview(req: RequestOf<'review:apply'>) { return this.review.applyReview(req); }
  undo(req: RequestOf<'review:undo'>) { return this.review.undo(req); }
  redo(req: RequestOf<'review:redo'>) { return this.review.redo(req); }
  editTrack(req: RequestOf<'review:edit-track'>) { return this.review.editTrack(req); }
  getSamePersonQuestions(req: RequestOf<'review:same-person'>) { return this.review.read(req.ep_id, (epId, st) => samePersonQuestions(epId, st, req.limit)); }

  // ---- settings: settings.ts -----------------------------------------------------------------

  getSettings(req: RequestOf<'settings:get'> = {}): Promise<Settings> { return this.settings.getSettings(req); }
  setSettings(req: RequestOf<'settings:set'>): Promise<Settings> { return this.settings.setSettings(req); }

  // ---- pipeline: pipeline-service.ts ---------------------------------------------------------

  startPipeline(req: RequestOf<'pipeline:start'>) { return this.pipeline.startPipeline(req); }
  cancelPipeline(req: RequestOf<'pipeline:cancel'>) { return this.pipeline.cancelPipeline(req); }
  deleteEpisode(req: RequestOf<'episode:delete'>) { return this.pipeline.deleteEpisode(req); }

  // ---- cast library + screen time: review-cast.ts --------------------------------------------

  getCastNames(req: RequestOf<'cast:names'>) { return this.castApi.getCastNames(req); }
  getScreenTime(req: RequestOf<'screentime:get'>) { return this.castApi.getScreenTime(req); }
  exportScreenTime(req: RequestOf<'screentime:export'>) { return this.castApi.exportScreenTime(req); }
  getCastSuggestions(req: RequestOf<'cast:suggestions'>) { return this.castApi.getCastSuggestions(req); }
  rejectCastSuggestion(req: RequestOf<'cast:reject'>) { return this.castApi.rejectCastSuggestion(req); }
  unrejectCastSuggestion(req: RequestOf<'cast:unreject'>) { return this.castApi.unrejectCastSuggestion(req); }
  getCastReferences(req: RequestOf<'cast:references'>) { return this.castApi.getCastReferences(req); }
  removeCastReference(req: RequestOf<'cast:remove-reference'>) { return this.castApi.removeCastReference(req); }
  importCastList(req: RequestOf<'cast:import'>) { return this.castApi.importCastList(req); }
  exportCastList(req: RequestOf<'cast:export'>) { return this.castApi.exportCastList(req); }
  setCastSettings(req: RequestOf<'cast:settings'>) { return this.castApi.setCastSettings(req); }
  autoAssignCast(req: RequestOf<'cast:auto-assign'>) { return this.castApi.autoAssignCast(req); }
  undoAutoAssign(req: RequestOf<'cast:undo-auto-assign'>) { return this.castApi.undoAutoAssign(req); }

  // ---- episode cleanup: review-cleanup.ts (runs in a worker; one step of undo/redo) -----------

  runCleanup(req: RequestOf<'cleanup:run'>) { return this.cleanupApi.runCleanup(req); }
  cancelCleanup(req: RequestOf<'cleanup:cancel'>) { return this.cleanupApi.cancelCleanup(req); }
  undoCleanup(req: RequestOf<'cleanup:undo'>) { return this.cleanupApi.undoCleanup(req); }

  // ---- model installer (Settings → Models): models.ts ----------------------------------------

  listModels(req: RequestOf<'models:list'>) { return this.ctx.guard(() => this.modelsApi.listModels(req)); }
  installModel(req: RequestOf<'models:install'>) { return this.ctx.guard(() => this.modelsApi.installModel(req)); }
  cancelModelInstall(req: RequestOf<'models:cancel'>) { return this.modelsApi.cancelModelInstall(req); }
  removeModel(req: RequestOf<'models:remove'>) { return this.ctx.guard(() => this.modelsApi.removeModel(req)); }
  verifyModels(req: RequestOf<'models:verify'>) { return this.ctx.guard(() => this.modelsApi.verifyModels(req)); }

  // ---- episode queue on Redis: electron/queue/service.ts -------------------------------------

  private queue() {
    return (this.queueApi ??= import('../queue/service').then((m) => new m.QueueService(this.ws.root)));
  }
  queueStatus(req: RequestOf<'queue:status'>) { return this.ctx.guard(async () => (await this.queue()).status(req)); }
  queueAdd(req: RequestOf<'queue:add'>) { return this.ctx.guard(async () => (await this.queue()).add(req)); }
  queueRetry(req: RequestOf<'queue:retry'>) { return this.ctx.guard(async () => (await this.queue()).retry(req)); }

  /** Cancels running pipelines, cleanups and model installs (app quit). */
  async close(): Promise<void> {
    this.modelsApi.close();
    await this.pipeline.close();
    this.cleanupApi.close();
    if (this.queueApi) await (await this.queueApi).close();
  }
}
