// The cleanup channels: 'cleanup:run' runs the cleanup as a job (electron/jobs; the job is
// electron/pipeline/cleanup/job.ts) under the episode's review lock, streaming 'cleanup:progress';
// 'cleanup:cancel' trips it (the cleanup rolls back); 'cleanup:undo' restores the last backup. A cleanup
// (and a reviewer's track edit) is also one step of the review undo/redo: the job pushes a backup
// step onto the review undo stack, and review.ts hands such steps to undoStep / redoStep here
// (electron/store/review/cleanup-steps.ts explains where the redo side lives).
import { backupStepKind, backupStepLabel, isBackupStep, type History } from '../../shared/commands/history';
import type { EventName, EventOf, RequestOf, ResponseOf, Settings } from '../../shared/ipc';
import type { IdentitiesDoc } from '../../shared/schema';
import { cleanupRedoOnTop, UNDONE_PREFIX, withReviewLock, writeRedoMarker, type CleanupRedo } from '../store/review';
import type { Workspace } from '../store/workspace';
import type { JobHandle, JobStarter } from '../jobs/host';
import { isJobError } from '../jobs/protocol';
import type { CleanupJobResult } from '../pipeline/cleanup/job';
import type { CleanupProgress } from '../pipeline/cleanup/cleanup';
import { fail } from './review-views';

type CleanupStep = CleanupProgress['stage'];

/** What the cleanup channels need of ReviewService and of its loaded episode state. */
export interface CleanupState {
  doc: IdentitiesDoc;
  history: History;
  /** The redoable cleanup found when the state was loaded (null: none). */
  cleanupRedo?: CleanupRedo | null;
}

export interface CleanupHost<S extends CleanupState> {
  ws: Workspace;
  epId(ep: string): string;
  guard<T>(fn: () => Promise<T>): Promise<T>;
  serial<T>(key: string, fn: () => Promise<T>): Promise<T>;
  settings(): Promise<Settings>;
  /** Where jobs run (worker threads, or utility processes under Electron). */
  jobs: JobStarter;
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

export class ReviewCleanup<S extends CleanupState> {
  private readonly running = new Map<string, { cancel(): void }>();

  constructor(private readonly host: CleanupHost<S>) {}

  runCleanup(req: RequestOf<'cleanup:run'>): Promise<ResponseOf<'cleanup:run'>> {
    const h = this.host;
    const epId = h.epId(req.ep_id);
    return h.guard(() =>
      h.serial(epId, () => withReviewLock(h.ws, epId, async () => {
        const run = h.jobs('cleanup', { workspace: h.ws.root, epId, actions: req.actions, dryRun: req.dry_run, settings: await h.settings(), undoEntry: true, pack: 'episode' });
        this.running.set(epId, run);
        let r: CleanupJobResult;
        try {
          r = await this.follow(epId, run);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          if (isJobError(err, 'cancelled')) fail('internal', `cleanup of ${epId} cancelled; the episode is as it was (${message})`);
          return fail('internal', message);
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

  /** Streams a cleanup job's progress as 'cleanup:progress' until it ends. */
  private async follow(epId: string, run: JobHandle<CleanupJobResult>): Promise<CleanupJobResult> {
    for await (const e of run.events) {
      if (e.type !== 'progress') continue;
      const { stage, done, total } = e.progress;
      try {
        this.host.emit('cleanup:progress', { ep_id: epId, step: stage as CleanupStep, done, total });
      } catch {
        /* a broken listener must not break the cleanup */
      }
    }
    return run.done;
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
    if (!isBackupStep(top)) return fail('internal', 'the next undo step is not a cleanup');
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
    const { listBackups, undoLastCleanup, backupsRoot } = await import('../pipeline/cleanup/backup');
    const [last] = await listBackups(ws, epId);
    if (opts.expect && last?.dir !== opts.expect) {
      fail('conflict', `the cleanup on the undo stack (${opts.expect}) is not the newest cleanup of ${epId} (${last?.dir ?? 'none left'}); use "Undo cleanup"`);
    }
    // A reviewer's track edit is backed up the same way, but "Undo cleanup" must not undo it.
    if (!opts.expect && last && backupStepKind(last.manifest.actions) === 'track-edit') {
      fail('conflict', `the newest backed-up step of ${epId} is "${backupStepLabel(last.manifest.actions)}", not a cleanup; undo it first (z)`);
    }
    const top = st?.history.undo.at(-1);
    const reviewUndone = !!last && isBackupStep(top) && top.backup === last.dir;
    const r = await undoLastCleanup(ws, epId, { force: opts.force, reviewUndone }).catch((err: Error) => fail(errorCode(err.message), err.message));
    // An episode restored to "no identities.json yet" has no review stack to redo from.
    const restored = await this.host.reload(epId).catch(() => null);
    let state: S | null = null;
    if (restored) {
      const name = r.backup.slice(r.backup.lastIndexOf('/') + 1);
      await writeRedoMarker(ws, `${backupsRoot(ws, epId)}/${UNDONE_PREFIX}${name}`, {
        version: 1,
        kind: backupStepKind(last!.manifest.actions),
        label: backupStepLabel(last!.manifest.actions),
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
