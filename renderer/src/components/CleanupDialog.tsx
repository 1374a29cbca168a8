// The cleanup preview: what split_tracks / reembed / recluster would change, per identity, before
// anything is written. Apply runs it (undoable).
import type { CleanupResult } from '../state/pipeline/cleanup';
import { useApp } from '../state/store';
import { Dialog } from './Dialog';

function Summary({ r }: { r: CleanupResult }) {
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
function IdentityChanges({ r }: { r: CleanupResult }) {
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

export function CleanupDialog({ epId, result, onClose }: { epId: string; result: CleanupResult; onClose: () => void }) {
  const apply = useApp((s) => s.applyCleanup);
  return (
    <Dialog title="Clean up this episode?" onClose={onClose} testId="cleanup-dialog">
      <Summary r={result} />
      <div className="actions">
        <button className="btn" onClick={onClose}>Cancel</button>
        {/* A dropped name is never one Enter away. */}
        <button
          className="btn primary"
          data-autofocus={result.changes.some((c) => c.label_kept === false) ? undefined : true}
          data-testid="cleanup-apply"
          onClick={() => {
            onClose();
            void apply(epId);
          }}
        >
          Apply (undoable)
        </button>
      </div>
    </Dialog>
  );
}
