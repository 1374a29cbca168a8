// The review channels: open an episode, read an identity, and the edits (apply, undo, redo, track
// edits). Every edit runs queued behind this host's other operations on the episode and holding the
// cross-process review lock, on state re-read under that lock; it is journalled before identities.json
// changes.
import { applyCommand, describeCommand } from '../../shared/commands/apply';
import { historyState, isBackupStep, recordStep, redo as redoStep, undo as undoStep, type History, type StepOrigin } from '../../shared/commands/history';
import type { AnyCommand } from '../../shared/commands/schema';
import type { RequestOf, ResponseOf } from '../../shared/ipc';
import { identitiesDocSchema, type IdentitiesDoc } from '../../shared/schema';
import { EpisodeArtifacts } from '../store/artifacts';
import { writeConstraints } from '../store/constraints';
import { withoutRoot } from '../store/errors';
import { writeJson } from '../store/json';
import { appendJournal, cleanupRedoOnTop, commandContext, compactJournal, reviewFiles, revisionOf, saveHistory, withReviewLock } from '../store/review';
import type { CastLibrary } from './cast-library';
import { projectCast } from './cast-projection';
import type { ServiceContext } from './context';
import type { EpisodeCache, EpisodeState } from './episode-cache';
import type { ReviewCleanup } from './review-cleanup';
import { episodeListing, episodeTracks, fail, identityDetail, refusalToFailure, reviewStamp } from './review-views';
import { refreshEpisodeScreenTime } from './screentime';
import { FrameFaces } from './frame-faces';

/** The reviewable state every editing response returns; hands over (and clears) pending warnings. */
export function reviewState(epId: string, st: EpisodeState): ResponseOf<'review:apply'> {
  const history = historyState(st.history);
  // An undone cleanup is the next redo while the restored review stack is as the undo left it.
  const redo = cleanupRedoOnTop(st);
  if (redo) Object.assign(history, { can_redo: true, redo_label: redo.marker.label, redo_kind: redo.marker.kind });
  const warnings = st.warnings.splice(0);
  return { ep_id: epId, revision: revisionOf(st.doc), identities: st.doc, history, ...(warnings.length ? { warnings } : {}) };
}

function checkRevision(st: EpisodeState, revision: number): void {
  const current = revisionOf(st.doc);
  if (revision !== current) {
    fail('conflict', `the episode changed elsewhere (you have revision ${revision}, it is now ${current}); reload to continue`, { revision: current });
  }
}

export class ReviewEdits {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly cache: EpisodeCache,
    private readonly cast: CastLibrary,
    private readonly cleanup: ReviewCleanup<EpisodeState>,
  ) {
    this.frameFaces = new FrameFaces(ctx.ws);
  }

  private readonly frameFaces: FrameFaces;

  /** Journal first (fsync), then identities.json atomically, then the reviewer constraints and the undo stacks. */
  private async commit(epId: string, st: EpisodeState, at: string, step: { kind: 'apply' | 'undo' | 'redo'; label: string; origin?: StepOrigin }, command: AnyCommand, next: IdentitiesDoc, inverse: AnyCommand, history: History, constraints = st.constraints) {
    const ws = this.ctx.ws;
    const revision = revisionOf(st.doc) + 1;
    const base = st.doc.metadata.created_at;
    if (inverse.op !== 'restore') fail('internal', 'inverse must be a restore operation');
    // The store's cross-file checks (every track in tracks.jsonl, refs confined) before anything is
    // journalled: an edit never leaves a file validate rejects.
    const checked = await new EpisodeArtifacts(ws, epId).checkIdentities({ ...next, metadata: { ...next.metadata, revision } }, st.data.tracks.size ? new Set(st.data.tracks.keys()) : undefined);
    const { kind, label, origin } = step;
    await appendJournal(ws, epId, { v: 1, revision, base, at, kind, label, command, inverse: inverse as Extract<AnyCommand, { op: 'restore' }>, constraints, ...(origin === 'auto' ? { origin } : {}) });
    const files = reviewFiles(ws, epId);
    st.doc = await writeJson(files.identities, checked, identitiesDocSchema);
    st.docStamp = await reviewStamp(files);
    if (JSON.stringify(constraints) !== JSON.stringify(st.constraints)) st.constraints = await writeConstraints(ws, epId, constraints);
    st.history = history;
    await saveHistory(ws, epId, base, revision, history);
    if (await compactJournal(ws, epId, { base, revision })) st.docStamp = await reviewStamp(files);
    await projectCast(this.cast, epId, st);
    // Derived files that name identities follow the edit (the journal stays the record of it).
    await refreshEpisodeScreenTime(ws.root, epId, st.doc).catch((err: Error) => st.warnings.push(`Saved, but screentime.json was not refreshed: ${withoutRoot(ws.root, err.message)}`));
    this.ctx.emit('artifacts:changed', { ep_id: epId, revision, reason: 'review' });
  }

  /**
   * Applies `command` to the loaded state and commits it; the caller holds the review lock. An 'auto'
   * change (auto-assign) is journalled like any edit but is no undo step of the reviewer.
   */
  async applyCommand(epId: string, st: EpisodeState, command: AnyCommand, label: (described: string) => string = (d) => d, origin: StepOrigin = 'user'): Promise<void> {
    const at = this.ctx.now();
    const r = applyCommand(st.doc, command, at, { ...commandContext(st.data), constraints: st.constraints });
    if (!r.ok) return refusalToFailure(r);
    const desc = label(describeCommand(command));
    await this.commit(epId, st, at, { kind: 'apply', label: desc, origin }, command, r.doc, r.inverse, recordStep(st.history, desc, r.inverse, origin), r.constraints);
  }

  /** Runs `fn` on the episode's state re-read under the review lock, queued behind this host's other operations on it. */
  private async edit<T>(ep: string, fn: (epId: string, st: EpisodeState) => Promise<T>): Promise<T> {
    const epId = this.ctx.epId(ep);
    return this.ctx.guard(() => this.ctx.serial(epId, () => withReviewLock(this.ctx.ws, epId, async () => fn(epId, await this.cache.get(epId, true)))));
  }

  /** Runs `fn` on the episode's cached state, queued behind this host's other operations on it. */
  async read<T>(ep: string, fn: (epId: string, st: EpisodeState) => T): Promise<T> {
    const epId = this.ctx.epId(ep);
    return this.ctx.guard(() => this.ctx.serial(epId, async () => fn(epId, await this.cache.get(epId))));
  }

  async listEpisodes(_req: RequestOf<'episodes:list'>): Promise<ResponseOf<'episodes:list'>> {
    const ws = this.ctx.ws;
    return this.ctx.guard(async () => {
      const episodes = await Promise.all((await ws.listEpisodes()).map((ep) => episodeListing(ws, ep, this.cache.loadedDoc(ep.epId))));
      return { episodes };
    });
  }

  openEpisode(req: RequestOf<'episode:open'>): Promise<ResponseOf<'episode:open'>> {
    return this.read(req.ep_id, (epId, st) => ({ ...reviewState(epId, st), ...episodeTracks(st.doc, st.data) }));
  }

  getIdentityDetail(req: RequestOf<'identity:detail'>): Promise<ResponseOf<'identity:detail'>> {
    return this.read(req.ep_id, (epId, st) => identityDetail(epId, st.doc, st.data, req.identity_id));
  }

  async getFrameFaces(req: RequestOf<'frame:faces'>): Promise<ResponseOf<'frame:faces'>> {
    // The document as of now; reading detections.jsonl need not hold this episode's queue.
    const { epId, doc, data } = await this.read(req.ep_id, (epId, st) => ({ epId, doc: st.doc, data: st.data }));
    return this.ctx.guard(async () => ({ ep_id: epId, frame_idx: req.frame_idx, faces: await this.frameFaces.at(epId, req.frame_idx, doc, data) }));
  }

  applyReview(req: RequestOf<'review:apply'>): Promise<ResponseOf<'review:apply'>> {
    return this.edit(req.ep_id, async (epId, st) => {
      checkRevision(st, req.revision);
      await this.applyCommand(epId, st, req.command as AnyCommand);
      return reviewState(epId, st);
    });
  }

  undo(req: RequestOf<'review:undo'>): Promise<ResponseOf<'review:undo'>> {
    return this.step(req, 'undo');
  }

  redo(req: RequestOf<'review:redo'>): Promise<ResponseOf<'review:redo'>> {
    return this.step(req, 'redo');
  }

  private step(req: RequestOf<'review:undo'>, which: 'undo' | 'redo'): Promise<ResponseOf<'review:undo'>> {
    return this.edit(req.ep_id, async (epId, st) => {
      checkRevision(st, req.revision);
      // A cleanup step restores files (its backup, or its post-cleanup snapshot): review-cleanup.ts.
      if (which === 'undo' && isBackupStep(st.history.undo.at(-1))) return reviewState(epId, await this.cleanup.undoStep(epId, st));
      if (which === 'redo' && cleanupRedoOnTop(st)) return reviewState(epId, await this.cleanup.redoStep(epId, st));
      const at = this.ctx.now();
      const r = (which === 'undo' ? undoStep : redoStep)(st.history, st.doc, at, { constraints: st.constraints });
      if (!r.ok) return refusalToFailure(r);
      // The inverse of what was just applied is what the new stack top holds (never a cleanup step).
      const top = which === 'undo' ? r.history.redo.at(-1) : r.history.undo.at(-1);
      if (!top || isBackupStep(top)) return fail('internal', 'history step without an inverse');
      const inverse = which === 'undo' ? top.redo! : top.undo;
      await this.commit(epId, st, at, { kind: which, label: r.label }, r.applied, r.doc, inverse, r.history, r.constraints);
      return reviewState(epId, st);
    });
  }

  /**
   * Split a track at a face / reject a face: rewrites tracks, faces and embeddings through the cleanup
   * write-back (backup first; pipeline/cleanup/track-edit.ts) and becomes the top undo step.
   */
  editTrack(req: RequestOf<'review:edit-track'>): Promise<ResponseOf<'review:edit-track'>> {
    return this.edit(req.ep_id, async (epId, st) => {
      checkRevision(st, req.revision);
      const { applyTrackEdit, TrackEditRefusal } = await import('../pipeline/cleanup/track-edit');
      await applyTrackEdit({ workspace: this.ctx.ws, epId, edit: req.edit, doc: st.doc, constraints: st.constraints, now: this.ctx.now() }).catch((err: Error) =>
        err instanceof TrackEditRefusal ? refusalToFailure(err.refusal) : fail('internal', err.message),
      );
      const next = await this.cache.reload(epId);
      await projectCast(this.cast, epId, next);
      this.ctx.emit('artifacts:changed', { ep_id: epId, revision: null, reason: 'review' });
      return reviewState(epId, next);
    });
  }
}
