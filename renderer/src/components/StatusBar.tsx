import { useApp } from '../state/store';
import { selectors } from '../state/selectors';
import { formatEta, plural } from '../format';

export function StatusBar() {
  const doc = useApp((s) => s.doc);
  const revision = useApp((s) => s.revision);
  const pending = useApp((s) => s.pending);
  const lastStep = useApp((s) => selectors.stepLabel(s, 'undo'));
  const run = useApp((s) => s.run);
  const root = useApp((s) => s.workspaceRoot);
  return (
    <footer className="statusbar" aria-live="polite">
      <span title={root ?? ''}>{root ? `Workspace: ${root}` : 'Connecting…'}</span>
      {doc && <span data-testid="status-counts">{plural(doc.identities.length, 'identity', 'identities')} · {plural(doc.metadata.num_tracks, 'track')}</span>}
      {doc && <span data-testid="revision">rev {revision}</span>}
      {lastStep && <span>Last: {lastStep}</span>}
      {run?.state === 'running' && (
        <span>
          Run {run.ep_id}: {run.stage} {run.total ? Math.round((100 * run.done) / run.total) : 0}% · ETA {formatEta(run.run_eta ?? run.eta)}
        </span>
      )}
      <span className="spacer" />
      <span data-testid="sync-state">{pending > 0 ? 'Saving…' : 'Saved'}</span>
    </footer>
  );
}
