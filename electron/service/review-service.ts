// ReviewService: the one implementation of the IPC contract (shared/ipc.ts), hosted by Electron main,
// the web host and tests alike. Plain Node, no Electron imports.
import { randomUUID } from 'node:crypto';
import { applyCommand, describeCommand } from '../../shared/commands/apply';
import { historyState, isCleanupStep, recordStep, redo as redoStep, undo as undoStep, type History } from '../../shared/commands/history';
import type { AnyCommand } from '../../shared/commands/schema';
import { parseEpId } from '../../shared/episode';
import {
  DEFAULT_SETTINGS,
  settingsSchema,
  type EventName,
  type EventOf,
  type RequestOf,
  type ResponseOf,
  type ServiceApi,
  type Settings,
} from '../../shared/ipc';
import { identitiesDocSchema, type IdentitiesDoc, type ReviewConstraints } from '../../shared/schema';
import { dirname } from 'node:path';
import { EpisodeArtifacts } from '../store/artifacts';
import { removeStaleTempFiles } from '../store/atomic';
import { writeConstraints } from '../store/constraints';
import { withoutRoot } from '../store/errors';
import { readJson, writeJson } from '../store/json';
import { Workspace } from '../store/workspace';
import { commandContext, episodeStamp, loadEpisodeData, type EpisodeData } from './episode-data';
import { appendJournal, recover, reviewFiles, revisionOf, saveHistory, withReviewLock } from './journal';
import { compactJournal } from './journal-compact';
import { CastLibrary } from './cast-library';
import { castPaths } from './cast-store';
import { refreshEpisodeScreenTime } from './screentime';
import { ReviewCast } from './review-cast';
import { episodeListing, episodeTracks, fail, fileStamp, identityDetail, refusalToFailure, reviewStamp, toIpcFailure } from './review-views';
import { cleanupRedoOnTop, ReviewCleanup, type CleanupState } from './review-cleanup';
import { ReviewModels, withModelsDir } from './models';
import { defaultLauncher, normaliseProgress, pumpProgress, type PipelineLauncher, type PipelineRun, type RawProgress } from './pipeline';

export interface ReviewServiceOptions {
  workspace: string;
  host?: 'electron' | 'web' | 'test';
  appVersion?: string;
  /** Where settings persist; default `<workspace>/.screenalytics/settings.json`. */
  settingsPath?: string;
  launcher?: PipelineLauncher;
  /** ISO clock (tests pin it). */
  now?: () => string;
}

export interface EpisodeState extends CleanupState {
  doc: IdentitiesDoc;
  /** review_constraints.json as it matches `doc`. */
  constraints: ReviewConstraints;
  history: History;
  data: EpisodeData;
  /**
   * identities.json and review_journal.jsonl stamps when last read or written by us: a mismatch means
   * another writer (a host that journalled an edit and died before rewriting identities.json, too).
   */
  docStamp: string;
  /** Told to the reviewer with the next response (e.g. the cast library could not take an edit). */
  warnings: string[];
}

type Listener = (payload: unknown) => void;

export class ReviewService implements ServiceApi {
  readonly ws: Workspace;
  private readonly opts: ReviewServiceOptions;
  private readonly states = new Map<string, EpisodeState>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private readonly runs = new Map<string, PipelineRun>();
  private readonly now: () => string;
  /** The show's cast library (issue #7); synced after every review edit. */
  readonly cast: CastLibrary;
  /** Cast-library and screen-time channels (review-cast.ts); the methods below delegate to it. */
  private readonly castApi: ReviewCast<EpisodeState>;
  /** Cleanup channels and cleanup undo/redo steps (review-cleanup.ts). */
  private readonly cleanupApi: ReviewCleanup<EpisodeState>;
  /** Model installer channels (models.ts). */
  private readonly modelsApi: ReviewModels;
  /** Queue channels (electron/queue/service.ts), loaded on first use: most workspaces name no queue. */
  private queueApi?: Promise<import('../queue/service').QueueService>;

  constructor(opts: ReviewServiceOptions) {
    this.opts = opts;
    this.ws = new Workspace(opts.workspace);
    this.now = opts.now ?? (() => new Date().toISOString());
    this.cast = new CastLibrary(this.ws);
    this.castApi = new ReviewCast<EpisodeState>(
      {
        ws: this.ws,
        epId: (ep) => this.epId(ep),
        guard: (fn) => this.guard(fn),
        serial: (key, fn) => this.serial(key, fn),
        state: (epId, locked) => this.state(epId, locked),
        reviewState: (epId, st) => this.reviewState(epId, st),
        applyCommand: (epId, st, command, label) => this.applyCommand(epId, st, command, label),
      },
      this.cast,
    );
    this.cleanupApi = new ReviewCleanup<EpisodeState>({
      ws: this.ws,
      epId: (ep) => this.epId(ep),
      guard: (fn) => this.guard(fn),
      serial: (key, fn) => this.serial(key, fn),
      settings: () => this.getSettings({}),
      emit: (event, payload) => this.emit(event, payload),
      reload: (epId) => {
        this.states.delete(epId);
        return this.state(epId, true);
      },
      restored: (epId, st) => this.cast.syncEpisode(epId, st.doc).then(() => undefined, () => undefined),
    });
    this.modelsApi = new ReviewModels({
      settings: () => this.getSettings({}),
      saveSettings: (patch) => this.writeSettings(patch),
      emit: (event, payload) => this.emit(event, payload),
    });
  }

  // ---- events --------------------------------------------------------------------------------

  on<E extends EventName>(event: E, cb: (payload: EventOf<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(cb as Listener);
    return () => set.delete(cb as Listener);
  }

  private emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    for (const cb of this.listeners.get(event) ?? []) {
      try {
        cb(payload);
      } catch {
        /* a broken listener must not break the edit that triggered it */
      }
    }
  }

  // ---- plumbing ------------------------------------------------------------------------------

  /** Runs `fn` after every earlier operation on the same episode (one writer per episode). */
  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.locks.set(key, next.catch(() => undefined));
    return next;
  }

  private epId(ep: string): string {
    try {
      return parseEpId(ep).epId;
    } catch (err) {
      return fail('invalid_request', (err as Error).message);
    }
  }

  /**
   * Loaded state of an episode, (re)loading when identities.json or the pipeline outputs changed on
   * disk. A reload may replay the journal (a write), so it takes the cross-process review lock unless
   * the caller already holds it.
   */
  private async state(epId: string, locked = false): Promise<EpisodeState> {
    const files = reviewFiles(this.ws, epId);
    if ((await fileStamp(files.identities)) === '-') fail('not_found', `episode ${epId} has no identities.json yet (run the pipeline first)`);
    const docStamp = await reviewStamp(files);
    const cached = this.states.get(epId);
    const dataStamp = await episodeStamp(this.ws, epId);
    if (cached && cached.docStamp === docStamp && cached.data.stamp === dataStamp) return cached;
    const data = cached && cached.data.stamp === dataStamp ? cached.data : await loadEpisodeData(this.ws, epId);
    // Temp files of writers that were killed (review edits, the cast library) would pile up forever.
    for (const dir of [files.dir, this.ws.abs(this.ws.paths(epId).embedsDir), dirname(this.ws.abs(castPaths(parseEpId(epId).show).json))]) await removeStaleTempFiles(dir);
    const load = () => recover(this.ws, epId, commandContext(data));
    const { doc, history, constraints } = locked ? await load() : await withReviewLock(this.ws, epId, load);
    const cleanupRedo = await ReviewCleanup.loadRedo(this.ws, epId);
    const st: EpisodeState = { doc, history, constraints, data, docStamp: await reviewStamp(files), cleanupRedo, warnings: cached?.warnings ?? [] };
    this.states.set(epId, st);
    // Catches the library up with edits a crash kept out of it (replayed or not yet synced).
    await this.syncCast(epId, st);
    return st;
  }

  private reviewState(epId: string, st: EpisodeState): ResponseOf<'review:apply'> {
    const history = historyState(st.history);
    // An undone cleanup is the next redo while the restored review stack is as the undo left it.
    const redo = cleanupRedoOnTop(st);
    if (redo) Object.assign(history, { can_redo: true, redo_label: redo.marker.label });
    const warnings = st.warnings.splice(0);
    return { ep_id: epId, revision: revisionOf(st.doc), identities: st.doc, history, ...(warnings.length ? { warnings } : {}) };
  }

  /**
   * Labels/locks (and merges into labeled identities, and their undos) feed the cast library. An episode
   * without track embeddings has nothing to add; any other failure reaches the reviewer as a warning
   * with the next response (the edit itself is already durable).
   */
  private async syncCast(epId: string, st: EpisodeState): Promise<void> {
    await this.cast.syncEpisode(epId, st.doc).catch((err: Error) => {
      st.warnings.push(`Saved, but the cast library was not updated: ${err.message}`);
    });
  }

  private checkRevision(st: EpisodeState, revision: number): void {
    const current = revisionOf(st.doc);
    if (revision !== current) {
      fail('conflict', `the episode changed elsewhere (you have revision ${revision}, it is now ${current}); reload to continue`, { revision: current });
    }
  }

  /** Journal first (fsync), then identities.json atomically, then the reviewer constraints and the undo stacks. */
  private async commit(epId: string, st: EpisodeState, at: string, kind: 'apply' | 'undo' | 'redo', label: string, command: AnyCommand, next: IdentitiesDoc, inverse: AnyCommand, history: History, constraints = st.constraints) {
    const revision = revisionOf(st.doc) + 1;
    const base = st.doc.metadata.created_at;
    if (inverse.op !== 'restore') fail('internal', 'inverse must be a restore operation');
    // The store's cross-file checks (every track in tracks.jsonl, refs confined) before anything is
    // journalled: an edit never leaves a file validate rejects.
    const checked = await new EpisodeArtifacts(this.ws, epId).checkIdentities({ ...next, metadata: { ...next.metadata, revision } }, st.data.tracks.size ? new Set(st.data.tracks.keys()) : undefined);
    await appendJournal(this.ws, epId, { v: 1, revision, base, at, kind, label, command, inverse: inverse as Extract<AnyCommand, { op: 'restore' }>, constraints });
    const files = reviewFiles(this.ws, epId);
    st.doc = await writeJson(files.identities, checked, identitiesDocSchema);
    st.docStamp = await reviewStamp(files);
    if (JSON.stringify(constraints) !== JSON.stringify(st.constraints)) st.constraints = await writeConstraints(this.ws, epId, constraints);
    st.history = history;
    await saveHistory(this.ws, epId, base, revision, history);
    if (await compactJournal(this.ws, epId, { base, revision })) st.docStamp = await reviewStamp(files);
    await this.syncCast(epId, st);
    // Derived files that name identities follow the edit (the journal stays the record of it).
    await refreshEpisodeScreenTime(this.ws.root, epId, st.doc).catch((err: Error) => st.warnings.push(`Saved, but screentime.json was not refreshed: ${withoutRoot(this.ws.root, err.message)}`));
    this.emit('artifacts:changed', { ep_id: epId, revision, reason: 'review' });
  }

  /** Applies `command` to the loaded state and commits it; the caller holds the review lock. */
  private async applyCommand(epId: string, st: EpisodeState, command: AnyCommand, label: (described: string) => string = (d) => d): Promise<void> {
    const at = this.now();
    const r = applyCommand(st.doc, command, at, { ...commandContext(st.data), constraints: st.constraints });
    if (!r.ok) return refusalToFailure(r);
    const desc = label(describeCommand(command));
    await this.commit(epId, st, at, 'apply', desc, command, r.doc, r.inverse, recordStep(st.history, desc, r.inverse), r.constraints);
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      return toIpcFailure(err, this.ws.root);
    }
  }

  // ---- channels ------------------------------------------------------------------------------

  async getWorkspace(_req: RequestOf<'workspace:get'>): Promise<ResponseOf<'workspace:get'>> {
    return { root: this.ws.root, app_version: this.opts.appVersion ?? '0.0.0', host: this.opts.host ?? 'test' };
  }

  async listEpisodes(_req: RequestOf<'episodes:list'>): Promise<ResponseOf<'episodes:list'>> {
    return this.guard(async () => {
      const episodes = await Promise.all((await this.ws.listEpisodes()).map((ep) => episodeListing(this.ws, ep, this.states.get(ep.epId)?.doc)));
      return { episodes };
    });
  }

  async openEpisode(req: RequestOf<'episode:open'>): Promise<ResponseOf<'episode:open'>> {
    const epId = this.epId(req.ep_id);
    return this.guard(() =>
      this.serial(epId, async () => {
        const st = await this.state(epId);
        return { ...this.reviewState(epId, st), ...episodeTracks(st.doc, st.data) };
      }),
    );
  }

  async getIdentityDetail(req: RequestOf<'identity:detail'>): Promise<ResponseOf<'identity:detail'>> {
    const epId = this.epId(req.ep_id);
    return this.guard(() =>
      this.serial(epId, async () => {
        const st = await this.state(epId);
        return identityDetail(epId, st.doc, st.data, req.identity_id);
      }),
    );
  }

  async applyReview(req: RequestOf<'review:apply'>): Promise<ResponseOf<'review:apply'>> {
    const epId = this.epId(req.ep_id);
    return this.guard(() =>
      this.serial(epId, () => withReviewLock(this.ws, epId, async () => {
        const st = await this.state(epId, true);
        this.checkRevision(st, req.revision);
        await this.applyCommand(epId, st, req.command as AnyCommand);
        return this.reviewState(epId, st);
      })),
    );
  }

  private step(req: RequestOf<'review:undo'>, which: 'undo' | 'redo'): Promise<ResponseOf<'review:undo'>> {
    const epId = this.epId(req.ep_id);
    return this.guard(() =>
      this.serial(epId, () => withReviewLock(this.ws, epId, async () => {
        const st = await this.state(epId, true);
        this.checkRevision(st, req.revision);
        // A cleanup step restores files (its backup, or its post-cleanup snapshot): review-cleanup.ts.
        if (which === 'undo' && isCleanupStep(st.history.undo.at(-1))) return this.reviewState(epId, await this.cleanupApi.undoStep(epId, st));
        if (which === 'redo' && cleanupRedoOnTop(st)) return this.reviewState(epId, await this.cleanupApi.redoStep(epId, st));
        const at = this.now();
        const r = (which === 'undo' ? undoStep : redoStep)(st.history, st.doc, at, { constraints: st.constraints });
        if (!r.ok) return refusalToFailure(r);
        // The inverse of what was just applied is what the new stack top holds (never a cleanup step).
        const top = which === 'undo' ? r.history.redo.at(-1) : r.history.undo.at(-1);
        if (!top || isCleanupStep(top)) return fail('internal', 'history step without an inverse');
        const inverse = which === 'undo' ? top.redo! : top.undo;
        await this.commit(epId, st, at, which, r.label, r.applied, r.doc, inverse, r.history, r.constraints);
        return this.reviewState(epId, st);
      })),
    );
  }

  /**
   * Split a track at a face / reject a face: rewrites tracks, faces and embeddings through the cleanup
   * write-back (backup first; pipeline/cleanup/track-edit.ts) and becomes the top undo step.
   */
  editTrack(req: RequestOf<'review:edit-track'>): Promise<ResponseOf<'review:edit-track'>> {
    const epId = this.epId(req.ep_id);
    return this.guard(() =>
      this.serial(epId, () => withReviewLock(this.ws, epId, async () => {
        const st = await this.state(epId, true);
        this.checkRevision(st, req.revision);
        const { applyTrackEdit, TrackEditRefusal } = await import('../pipeline/cleanup/track-edit');
        await applyTrackEdit({ workspace: this.ws, epId, edit: req.edit, doc: st.doc, constraints: st.constraints, now: this.now() }).catch((err: Error) =>
          err instanceof TrackEditRefusal ? refusalToFailure(err.refusal) : fail('internal', err.message),
        );
        this.states.delete(epId);
        const next = await this.state(epId, true);
        await this.cast.syncEpisode(epId, next.doc).catch(() => undefined);
        this.emit('artifacts:changed', { ep_id: epId, revision: null, reason: 'review' });
        return this.reviewState(epId, next);
      })),
    );
  }

  undo(req: RequestOf<'review:undo'>): Promise<ResponseOf<'review:undo'>> {
    return this.step(req, 'undo');
  }

  redo(req: RequestOf<'review:redo'>): Promise<ResponseOf<'review:redo'>> {
    return this.step(req, 'redo');
  }

  // ---- settings ------------------------------------------------------------------------------

  private settingsPath(): string {
    return this.opts.settingsPath ?? this.ws.abs('.screenalytics/settings.json');
  }

  async getSettings(_req: RequestOf<'settings:get'> = {}): Promise<Settings> {
    return this.guard(async () => {
      const path = this.settingsPath();
      if ((await fileStamp(path)) === '-') return DEFAULT_SETTINGS;
      return readJson(path, settingsSchema);
    });
  }

  async setSettings(req: RequestOf<'settings:set'>): Promise<Settings> {
    return this.writeSettings(req);
  }

  /** settings:set, and the service's own writes (the model installer may also set modelsDir). */
  private writeSettings(patch: Partial<Settings>): Promise<Settings> {
    return this.guard(() =>
      this.serial('settings', async () => {
        const cur = await this.getSettings({});
        return writeJson(this.settingsPath(), { ...cur, ...patch }, settingsSchema);
      }),
    );
  }

  // ---- pipeline ------------------------------------------------------------------------------

  async startPipeline(req: RequestOf<'pipeline:start'>): Promise<ResponseOf<'pipeline:start'>> {
    const epId = this.epId(req.ep_id);
    return this.guard(async () => {
      if ((await fileStamp(req.video_path)) === '-') fail('not_found', `video ${req.video_path} does not exist`);
      const settings = withModelsDir(settingsSchema.parse({ ...(await this.getSettings({})), ...(req.settings ?? {}) }));
      const run_id = randomUUID();
      const run = await (this.opts.launcher ?? defaultLauncher)({ workspace: this.ws.root, epId, video: req.video_path, settings });
      this.runs.set(run_id, run);
      // Log lines carry only a message: merge them into the last stage counters.
      let lastRaw: RawProgress = {};
      void pumpProgress(run, (p) => {
        lastRaw = { ...lastRaw, ...p };
        this.emit('pipeline:progress', normaliseProgress(run_id, epId, lastRaw));
      }).then(
        () => this.emit('pipeline:progress', normaliseProgress(run_id, epId, lastRaw, 'done')),
        (err: Error) =>
          this.emit('pipeline:progress', normaliseProgress(run_id, epId, { ...lastRaw, message: err?.message ?? String(err) }, err?.name === 'AbortError' || /cancel/i.test(err?.message ?? '') ? 'cancelled' : 'failed')),
      ).finally(() => {
        this.runs.delete(run_id);
        this.states.delete(epId);
        this.emit('artifacts:changed', { ep_id: epId, revision: null, reason: 'pipeline' });
        // Cast-library auto-assign: a no-op unless the show turned it on; its labels are ordinary
        // journalled edits (they emit their own artifacts:changed). Failures leave labels as they were.
        void this.autoAssignCast({ ep_id: epId }).catch(() => undefined);
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

  // ---- cast library + screen time (issue #7): review-cast.ts ----------------------------------

  getCastNames(req: RequestOf<'cast:names'>) { return this.castApi.getCastNames(req); }
  getScreenTime(req: RequestOf<'screentime:get'>) { return this.castApi.getScreenTime(req); }
  exportScreenTime(req: RequestOf<'screentime:export'>) { return this.castApi.exportScreenTime(req); }
  getCastSuggestions(req: RequestOf<'cast:suggestions'>) { return this.castApi.getCastSuggestions(req); }
  rejectCastSuggestion(req: RequestOf<'cast:reject'>) { return this.castApi.rejectCastSuggestion(req); }
  getCastReferences(req: RequestOf<'cast:references'>) { return this.castApi.getCastReferences(req); }
  removeCastReference(req: RequestOf<'cast:remove-reference'>) { return this.castApi.removeCastReference(req); }
  importCastList(req: RequestOf<'cast:import'>) { return this.castApi.importCastList(req); }
  exportCastList(req: RequestOf<'cast:export'>) { return this.castApi.exportCastList(req); }
  setCastSettings(req: RequestOf<'cast:settings'>) { return this.castApi.setCastSettings(req); }
  autoAssignCast(req: RequestOf<'cast:auto-assign'>) { return this.castApi.autoAssignCast(req); }
  undoAutoAssign(req: RequestOf<'cast:undo-auto-assign'>) { return this.castApi.undoAutoAssign(req); }

  // ---- episode cleanup (issue #6): review-cleanup.ts (runs in a worker; one step of undo/redo) ----

  runCleanup(req: RequestOf<'cleanup:run'>) { return this.cleanupApi.runCleanup(req); }
  cancelCleanup(req: RequestOf<'cleanup:cancel'>) { return this.cleanupApi.cancelCleanup(req); }
  undoCleanup(req: RequestOf<'cleanup:undo'>) { return this.cleanupApi.undoCleanup(req, (epId) => this.state(epId, true)); }

  // ---- model installer (Settings → Models): models.ts ----------------------------------------

  listModels(req: RequestOf<'models:list'>) { return this.guard(() => this.modelsApi.listModels(req)); }
  installModel(req: RequestOf<'models:install'>) { return this.guard(() => this.modelsApi.installModel(req)); }
  cancelModelInstall(req: RequestOf<'models:cancel'>) { return this.modelsApi.cancelModelInstall(req); }
  removeModel(req: RequestOf<'models:remove'>) { return this.guard(() => this.modelsApi.removeModel(req)); }
  verifyModels(req: RequestOf<'models:verify'>) { return this.guard(() => this.modelsApi.verifyModels(req)); }

  // ---- episode queue on Redis: electron/queue/service.ts ----------------------------------------

  private queue() {
    return (this.queueApi ??= import('../queue/service').then((m) => new m.QueueService(this.ws.root)));
  }
  queueStatus(req: RequestOf<'queue:status'>) { return this.guard(async () => (await this.queue()).status(req)); }
  queueAdd(req: RequestOf<'queue:add'>) { return this.guard(async () => (await this.queue()).add(req)); }
  queueRetry(req: RequestOf<'queue:retry'>) { return this.guard(async () => (await this.queue()).retry(req)); }

  /** Cancels running pipelines, cleanups and model installs (app quit). */
  async close(): Promise<void> {
    this.modelsApi.close();
    await Promise.all([...this.runs.values()].map((r) => Promise.resolve(r.cancel()).catch(() => undefined)));
    this.cleanupApi.close();
    if (this.queueApi) await (await this.queueApi).close();
    this.runs.clear();
  }
}
