// Cleanup runs of the open episode: a dry run first, shown as a dialog (data: the service's
// preview), then Apply (in the service's worker; Cancel stops it and leaves the episode as it was).
// The applied cleanup is one step of the normal undo/redo; "Undo cleanup" also undoes it after later
// edits (the service refuses if those would be lost). The service emits artifacts:changed afterwards,
// which reloads the episode (episode slice).
import type { EventOf, ResponseOf } from '../../../../shared/ipc';
import { DEFAULT_CLEANUP_ACTIONS } from '../../../../shared/schema/cleanup';
import type { SliceContext } from '../appState';
import { dialog } from '../ui/dialogs';

export type CleanupResult = ResponseOf<'cleanup:run'>;
export type CleanupProgress = EventOf<'cleanup:progress'>;

interface CleanupState {
  /** The cleanup request in flight, with the service's latest step. */
  cleanupBusy: { epId: string; what: string; applying: boolean; step: CleanupProgress | null } | null;
  /** Episodes cleaned up from this window (their "Undo cleanup" stays enabled). */
  cleanupApplied: string[];
}

interface CleanupActions {
  previewCleanup: (epId: string) => Promise<void>;
  applyCleanup: (epId: string) => Promise<void>;
  cancelCleanup: (epId: string) => Promise<void>;
  undoCleanup: (epId: string) => Promise<void>;
  cleanupProgress: (p: CleanupProgress) => void;
}

export type CleanupSlice = CleanupState & CleanupActions;

const initialState: CleanupState = { cleanupBusy: null, cleanupApplied: [] };

function running({ set, get, deps }: SliceContext): Pick<CleanupActions, 'previewCleanup' | 'applyCleanup'> {
  const run = async (epId: string, dryRun: boolean) => {
    set({ cleanupBusy: { epId, what: dryRun ? 'Checking what cleanup would change…' : 'Cleaning up…', applying: !dryRun, step: null } });
    try {
      const result = await deps.api().runCleanup({ ep_id: epId, actions: DEFAULT_CLEANUP_ACTIONS, dry_run: dryRun });
      if (dryRun) return get().openDialog(dialog('cleanup', { epId, result }));
      set({ cleanupApplied: [...get().cleanupApplied.filter((e) => e !== epId), epId] });
      get().toast('info', `Cleanup done: ${result.report.split_tracks_summary.tracks_split} track(s) split, ${result.report.reembed_summary.faces_rejected} face(s) rejected`);
    } catch (err) {
      get().toast('error', `Cleanup failed: ${deps.errorInfo(err).message}`);
    } finally {
      set({ cleanupBusy: null });
    }
  };
  return { previewCleanup: (epId) => run(epId, true), applyCleanup: (epId) => run(epId, false) };
}

const actions = (ctx: SliceContext): CleanupActions => {
  const { set, get, deps } = ctx;
  return {
    ...running(ctx),
    cancelCleanup: (epId) => deps.api().cancelCleanup({ ep_id: epId }).then(
      () => undefined,
      (err) => get().toast('error', `Cancel failed: ${deps.errorInfo(err).message}`),
    ),
    undoCleanup: async (epId) => {
      set({ cleanupBusy: { epId, what: 'Restoring the episode as it was before the cleanup…', applying: false, step: null } });
      try {
        const r = await deps.api().undoCleanup({ ep_id: epId, force: false });
        set({ cleanupApplied: get().cleanupApplied.filter((e) => e !== epId) });
        get().toast('info', `Cleanup undone (${r.restored} files restored)`);
      } catch (err) {
        get().toast('error', `Undo cleanup failed: ${deps.errorInfo(err).message}`);
      } finally {
        set({ cleanupBusy: null });
      }
    },
    cleanupProgress: (p) => {
      const busy = get().cleanupBusy;
      if (busy?.epId === p.ep_id) set({ cleanupBusy: { ...busy, step: p } });
    },
  };
};

export const cleanupSlice = { initialState, actions };
