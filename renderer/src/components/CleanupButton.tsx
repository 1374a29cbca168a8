// "Clean up": a dry run first shows what split_tracks / reembed / recluster would change,
// Apply runs it (in the service's worker thread; Cancel stops it and leaves the episode as it was; the
// service backs the episode up first). The applied cleanup is one step of the normal undo/redo (z /
// shift+z restore its backup / re-apply it); "Undo cleanup" stays for undoing it after later edits
// (the service refuses if those edits would be lost). The service emits artifacts:changed afterwards,
// which reloads the episode (episodeSlice).
import { useEffect, useState } from 'react';
import type { EventOf } from '../../../shared/ipc';
import type { CleanupRunResponse } from '../../../shared/ipc';
import { DEFAULT_CLEANUP_ACTIONS } from '../../../shared/schema/cleanup';
import { errorInfo, getApi } from '../api/client';
import { useApp } from '../state/store';
import { Dialog } from './Dialog';

type Phase = { kind: 'idle' } | { kind: 'busy'; what: string } | { kind: 'preview'; result: CleanupRunResponse };
type Progress = EventOf<'cleanup:progress'>;

const STEP_NAMES: Record<Progress['step'], string> = {
  read: 'reading the episode',
  split_tracks: 'splitting mixed tracks',
  reembed: 'checking face quality',
  recluster: 're-clustering',
  backup: 'backing up',
  write: 'writing',
  validate: 'validating',
};

function Summary({ r }: { r: CleanupRunResponse }) {
  const { before: b, after: a } = r.report;
  return (
    <ul className="cleanup-summary" data-testid="cleanup-summary">
      <li>Tracks {b.num_tracks} → {a.num_tracks} ({r.report.split_tracks_summary.tracks_split} split into {r.report.split_tracks_summary.new_tracks_created})</li>
      <li>Usable faces {b.num_faces} → {a.num_faces} ({r.report.reembed_summary.faces_rejected} rejected by the stricter quality check)</li>
      <li>Clusters {b.num_clusters} → {a.num_clusters}; singletons {(100 * b.singleton_fraction).toFixed(0)}% → {(100 * a.singleton_fraction).toFixed(0)}%</li>
      <li>Locked identities are left exactly as they are.</li>
      <IdentityChanges r={r} />
    </ul>
  );
}

/** Per identity: tracks gained / lost and whether its name stays, so nothing changes unseen. */
function IdentityChanges({ r }: { r: CleanupRunResponse }) {
  if (!r.changes.length) return <li data-testid="cleanup-changes">No identity gains or loses tracks.</li>;
  return (
    <li>
      Identities that change:
      <ul data-testid="cleanup-changes">
        {r.changes.map((c) => (
          <li key={c.identity_id} data-testid="cleanup-change" data-identity-id={c.identity_id}>
            {c.name ? `${c.name} (${c.identity_id})` : c.identity_id}: {c.tracks_before} → {c.tracks_after} tracks
            {c.gained.length > 0 && `, gains ${c.gained.length}`}
            {c.lost.length > 0 && `, loses ${c.lost.length}`}
            {c.label_kept === false && <strong>, name dropped</strong>}
            {c.label_kept === true && ', name kept'}
          </li>
        ))}
      </ul>
    </li>
  );
}

/** Episodes cleaned up from this window (the button remounts per episode; this outlives it). */
const appliedHere = new Set<string>();

/**
 * Keyed by episode (TopBar): "applied" and any preview belong to the episode they were made on, so
 * another episode never inherits an enabled "Undo cleanup".
 */
export function CleanupButton({ epId }: { epId: string }) {
  const toast = useApp((s) => s.toast);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [applied, setAppliedState] = useState(() => appliedHere.has(epId));
  const setApplied = (v: boolean) => {
    if (v) appliedHere.add(epId);
    else appliedHere.delete(epId);
    setAppliedState(v);
  };
  // Undone with z: the cleanup is now a redo step, there is nothing for this button to undo.
  const undoneByZ = useApp((s) => s.history?.redo_kind === 'cleanup');
  const onStack = useApp((s) => s.history?.undo_kind === 'cleanup');
  const canUndo = onStack || (applied && !undoneByZ);
  const [applying, setApplying] = useState(false);
  const [step, setStep] = useState<Progress | null>(null);
  const busy = phase.kind === 'busy';
  // Step-by-step progress from the service while a cleanup runs.
  useEffect(() => {
    if (!busy) return setStep(null);
    return getApi().onCleanupProgress((p) => p.ep_id === epId && setStep(p));
  }, [busy, epId]);

  const run = async (dryRun: boolean) => {
    setPhase({ kind: 'busy', what: dryRun ? 'Checking what cleanup would change…' : 'Cleaning up…' });
    setApplying(!dryRun);
    try {
      const result = await getApi().runCleanup({ ep_id: epId, actions: DEFAULT_CLEANUP_ACTIONS, dry_run: dryRun });
      if (dryRun) return setPhase({ kind: 'preview', result });
      setPhase({ kind: 'idle' });
      setApplied(true);
      toast('info', `Cleanup done: ${result.report.split_tracks_summary.tracks_split} track(s) split, ${result.report.reembed_summary.faces_rejected} face(s) rejected`);
    } catch (err) {
      setPhase({ kind: 'idle' });
      toast('error', `Cleanup failed: ${errorInfo(err).message}`);
    } finally {
      setApplying(false);
    }
  };
  const cancel = () => void getApi().cancelCleanup({ ep_id: epId }).catch((err) => toast('error', `Cancel failed: ${errorInfo(err).message}`));
  const undo = async () => {
    setPhase({ kind: 'busy', what: 'Restoring the episode as it was before the cleanup…' });
    try {
      const r = await getApi().undoCleanup({ ep_id: epId, force: false });
      setApplied(false);
      toast('info', `Cleanup undone (${r.restored} files restored)`);
    } catch (err) {
      toast('error', `Undo cleanup failed: ${errorInfo(err).message}`);
    } finally {
      setPhase({ kind: 'idle' });
    }
  };

  return (
    <>
      <button className="btn small" onClick={() => void run(true)} disabled={busy} data-testid="cleanup-open" title="Split mixed tracks, drop poor faces, re-cluster">
        Clean up
      </button>
      <button className="btn small" onClick={() => void undo()} disabled={busy || !canUndo} data-testid="cleanup-undo" title="Restore the episode as it was before the last cleanup (also z while it is the last step)">
        Undo cleanup
      </button>
      {busy && (
        <span className="cleanup-progress" role="status" aria-live="polite" data-testid="cleanup-progress">
          {phase.what}
          {step && ` ${STEP_NAMES[step.step]}${step.total > 1 ? ` ${step.done}/${step.total}` : ''}`}
          {applying && (
            <button className="btn small" onClick={cancel} data-testid="cleanup-cancel">
              Cancel
            </button>
          )}
        </span>
      )}
      {phase.kind === 'preview' && (
        <Dialog title="Clean up this episode?" onClose={() => setPhase({ kind: 'idle' })} testId="cleanup-dialog">
          <Summary r={phase.result} />
          <div className="actions">
            <button className="btn" onClick={() => setPhase({ kind: 'idle' })}>Cancel</button>
            {/* A dropped name is never one Enter away. */}
            <button className="btn primary" data-autofocus={phase.result.changes.some((c) => c.label_kept === false) ? undefined : true} data-testid="cleanup-apply" onClick={() => void run(false)}>
              Apply (undoable)
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
