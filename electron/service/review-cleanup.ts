// The review service's cleanup channels (issue #6): 'cleanup:run' runs the cleanup in a worker thread
// (electron/pipeline/cleanup/worker.ts) under the episode's review lock, streaming 'cleanup:progress';
// 'cleanup:cancel' trips it (the cleanup rolls back); 'cleanup:undo' restores the last backup. A cleanup
// is also one step of the review undo/redo: the worker pushes an entry {kind: 'cleanup'} onto the
// review undo stack, and ReviewService.step hands such steps to undoStep / redoStep here
// (electron/pipeline/cleanup/undo-step.ts explains where the redo side lives).
import { isCleanupStep, type History } from '../../shared/commands/history';
import type { EventName, EventOf, RequestOf, ResponseOf, Settings } from '../../shared/ipc';
import type { IdentitiesDoc } from '../../shared/schema';
import type { Workspace } from '../store/workspace';
import type { RedoMarker } from '../pipeline/cleanup/undo-step';
import { withReviewLock } from './journal';
import { fail } from './review-views';

/** What the cleanup channels need of ReviewService and of its loaded episode state. */
export interface CleanupState {
  doc: IdentitiesDoc;
  history: History;
  /** The redoable cleanup found when the state was loaded (null: none). */
  cleanupRedo?: { dir: string; marker: RedoMarker } | null;
}

export interface CleanupHost<S extends CleanupState> {
  ws: Workspace;
  epId(ep: string): string;
  guard<T>(fn: () => Promise<T>): Promise<T>;
  serial<T>(key: string, fn: () => Promise<T>): Promise<T>;
  settings(): Promise<Settings>;
  emit<E extends EventName>(event: E, payload: EventOf<E>): void;
  /** Drops the cached state and loads it again (the caller holds the review lock). */
  reload(epId: string): Promise<S>;
  /** After an undo/redo of a cleanup: the show's cast library follows the restored identities. */
  restored(epId: string, st: S): Promise<void>;
  /** The episode's state (the caller holds the review lock). */
  state(epId: string): Promise<S>;
}

const errorCode = (msg: string) =>
  /^no cleanup to undo/.test(msg) ? 'not_found' : /changed after the cleanup|not the newest cleanup/.test(msg) ? 'conflict' : 'internal';

/** The redoable cleanup, when it is the next redo step of the loaded review state. */
export function cleanupRedoOnTop(st: CleanupState): { dir: string; marker: RedoMarker } | null {
  const r = st.cleanupRedo;
  if (!r) return null;
  const m = r.marker;
  return m.base === st.doc.metadata.created_at && st.history.undo.length === m.undo_depth && st.history.redo.length === m.redo_depth ? r : null;
}

export class ReviewCleanup<S extends CleanupState> {
  private readonly running = new Map<string, { cancel(): void }>();

  constructor(private readonly host: CleanupHost<S>) {}

  /** Loads the redo marker for a freshly loaded state. */
  static async loadRedo(ws: Workspace, epId: string): Promise<CleanupState['cleanupRedo']> {
    const { findRedo } = await import('../pipeline/cleanup/undo-step');
    return findRedo(ws, epId);
  }

  runCleanup(req: RequestOf<'cleanup:run'>): Promise<ResponseOf<'cleanup:run'>> {
    const h = this.host;
    const epId = h.epId(req.ep_id);
    return h.guard(() =>
      h.serial(epId, () => withReviewLock(h.ws, epId, async () => {
        const { runCleanupInWorker } = await import('../pipeline/cleanup/worker');
        const run = runCleanupInWorker(
          { workspace: h.ws.root, epId, actions: req.actions, dryRun: req.dry_run, settings: await h.settings(), undoEntry: true },
          (e) => e.type === 'progress' && h.emit('cleanup:progress', { ep_id: epId, ...e.progress }),
        );
        this.running.set(epId, run);
        let r;
        try {
          r = await run.done;
        } catch (err) {
          const e = err as Error;
          if (e.name === 'AbortError') fail('internal', `cleanup of ${epId} cancelled; the episode is as it was (${e.message})`);
          return fail('internal', e.message);
        } finally {
          this.running.delete(epId);
        }
        if (!r.dryRun) {
          await h.reload(epId);
          h.emit('artifacts:changed', { ep_id: epId, revision: null, reason: 'pipeline' });
        }
        return { ep_id: epId, dry_run: r.dryRun, report: r.report, splits: r.splits.map((s) => ({ from: s.from, into: s.into })), faces_rejected: r.rejectedFaces, changes: r.changes, backup: r.backup };
      })),
    );
  }

  /** Cancels every running cleanup (app quit); each rolls back to its backup. */
  close(): void {
    for (const run of this.running.values()) run.cancel();
  }

  async cancelCleanup(req: RequestOf<'cleanup:cancel'>): Promise<ResponseOf<'cleanup:cancel'>> {
    const run = this.running.get(this.host.epId(req.ep_id));
    if (!run) return { cancelled: false };
    run.cancel();
    return { cancelled: true };
  }

  /** The "Undo cleanup" button: the last cleanup, wherever it sits in the review stack. */
  undoCleanup(req: RequestOf<'cleanup:undo'>): Promise<ResponseOf<'cleanup:undo'>> {
    const h = this.host;
    const epId = h.epId(req.ep_id);
    return h.guard(() =>
      h.serial(epId, () => withReviewLock(h.ws, epId, async () => {
        const st = await h.state(epId).catch(() => null);
        const { result } = await this.restoreBackup(epId, st, { force: req.force });
        return { ep_id: epId, ...result };
      })),
    );
  }

  /** z on a cleanup step (the caller holds the review lock and checked the revision). */
  async undoStep(epId: string, st: S): Promise<S> {
    const top = st.history.undo.at(-1);
    if (!isCleanupStep(top)) return fail('internal', 'the next undo step is not a cleanup');
    const { state } = await this.restoreBackup(epId, st, { expect: top.backup });
    return state ?? this.host.reload(epId);
  }

  /** shift+z on an undone cleanup (the caller holds the review lock and checked the revision). */
  async redoStep(epId: string, st: S): Promise<S> {
    const redo = cleanupRedoOnTop(st);
    if (!redo) return fail('internal', 'the next redo step is not a cleanup');
    const { redoCleanup } = await import('../pipeline/cleanup/undo-step');
    await redoCleanup(this.host.ws, epId, redo.dir).catch((err: Error) => fail(/changed after the cleanup was undone/.test(err.message) ? 'conflict' : 'internal', err.message));
    const next = await this.host.reload(epId);
    await this.host.restored(epId, next);
    this.host.emit('artifacts:changed', { ep_id: epId, revision: null, reason: 'pipeline' });
    return next;
  }

  /**
   * Restores the newest backup (exactly: undoLastCleanup) and marks it redoable. Review edits made
   * after the cleanup and undone again do not block it when the cleanup is the next undo step.
   */
  private async restoreBackup(epId: string, st: S | null, opts: { force?: boolean; expect?: string }) {
    const ws = this.host.ws;
    const { listBackups, undoLastCleanup, UNDONE_PREFIX, backupsRoot } = await import('../pipeline/cleanup/backup');
    const { cleanupStepLabel, writeRedoMarker } = await import('../pipeline/cleanup/undo-step');
    const [last] = await listBackups(ws, epId);
    if (opts.expect && last?.dir !== opts.expect) {
      fail('conflict', `the cleanup on the undo stack (${opts.expect}) is not the newest cleanup of ${epId} (${last?.dir ?? 'none left'}); use "Undo cleanup"`);
    }
    // A reviewer's track edit is backed up the same way, but "Undo cleanup" must not undo it.
    const action = last?.manifest.actions[0];
    if (!opts.expect && (action === 'split_track' || action === 'reject_face')) {
      fail('conflict', `the newest backed-up step of ${epId} is "${cleanupStepLabel(last!.manifest.actions)}", not a cleanup; undo it first (z)`);
    }
    const top = st?.history.undo.at(-1);
    const reviewUndone = !!last && isCleanupStep(top) && top.backup === last.dir;
    const r = await undoLastCleanup(ws, epId, { force: opts.force, reviewUndone }).catch((err: Error) => fail(errorCode(err.message), err.message));
    // An episode restored to "no identities.json yet" has no review stack to redo from.
    const restored = await this.host.reload(epId).catch(() => null);
    let state: S | null = null;
    if (restored) {
      const name = r.backup.slice(r.backup.lastIndexOf('/') + 1);
      await writeRedoMarker(ws, `${backupsRoot(ws, epId)}/${UNDONE_PREFIX}${name}`, {
        version: 1,
        label: cleanupStepLabel(last!.manifest.actions),
        undone_at: new Date().toISOString(),
        base: restored.doc.metadata.created_at,
        undo_depth: restored.history.undo.length,
        redo_depth: restored.history.redo.length,
      });
      state = await this.host.reload(epId);
      await this.host.restored(epId, state);
    }
    this.host.emit('artifacts:changed', { ep_id: epId, revision: null, reason: 'pipeline' });
    return { result: { backup: r.backup, restored: r.restored, removed: r.removed }, state };
  }
}
