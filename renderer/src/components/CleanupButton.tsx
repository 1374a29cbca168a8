// "Clean up" and "Undo cleanup" in the top bar, with the running cleanup's step and Cancel. The work
// is the cleanup slice's; the preview is a dialog of the Dialogs host.
import { useApp } from '../state/store';
import { selectors } from '../state/selectors';
import type { CleanupProgress } from '../state/pipeline/cleanup';

const STEP_NAMES: Record<CleanupProgress['step'], string> = {
  read: 'reading the episode',
  split_tracks: 'splitting mixed tracks',
  reembed: 'checking face quality',
  recluster: 're-clustering',
  backup: 'backing up',
  write: 'writing',
  validate: 'validating',
};

function CleanupStatus({ epId }: { epId: string }) {
  const busy = useApp((s) => (s.cleanupBusy?.epId === epId ? s.cleanupBusy : null));
  const cancel = useApp((s) => s.cancelCleanup);
  if (!busy) return null;
  const step = busy.step;
  return (
    <span className="cleanup-progress" role="status" aria-live="polite" data-testid="cleanup-progress">
      {busy.what}
      {step && ` ${STEP_NAMES[step.step]}${step.total > 1 ? ` ${step.done}/${step.total}` : ''}`}
      {busy.applying && (
        <button className="btn small" onClick={() => void cancel(epId)} data-testid="cleanup-cancel">
          Cancel
        </button>
      )}
    </span>
  );
}

/**
 * "Undo cleanup" is for the episode on screen only, and only where a cleanup was applied: from this
 * window, or still the last step of the history (and not already undone with z).
 */
export function CleanupButton({ epId }: { epId: string }) {
  const busy = useApp((s) => s.cleanupBusy?.epId === epId);
  const applied = useApp((s) => s.cleanupApplied.includes(epId));
  const undoneByZ = useApp((s) => selectors.isCleanupStep(s, 'redo'));
  const onStack = useApp((s) => selectors.isCleanupStep(s, 'undo'));
  const preview = useApp((s) => s.previewCleanup);
  const undo = useApp((s) => s.undoCleanup);
  const canUndo = onStack || (applied && !undoneByZ);
  return (
    <>
      <button className="btn small" onClick={() => void preview(epId)} disabled={busy} data-testid="cleanup-open" title="Split mixed tracks, drop poor faces, re-cluster">
        Clean up
      </button>
      <button className="btn small" onClick={() => void undo(epId)} disabled={busy || !canUndo} data-testid="cleanup-undo" title="Restore the episode as it was before the last cleanup (also z while it is the last step)">
        Undo cleanup
      </button>
      <CleanupStatus epId={epId} />
    </>
  );
}
