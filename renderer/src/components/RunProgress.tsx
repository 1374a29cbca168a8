import { useApp } from '../state/store';
import { formatEta } from '../format';

export function RunProgress() {
  const run = useApp((s) => s.run);
  const cancel = useApp((s) => s.cancelRun);
  if (!run) return null;
  const pct = run.total ? Math.min(100, (100 * run.done) / run.total) : 0;
  return (
    <div className="run-progress" aria-label={`Run of ${run.ep_id}`} data-testid="run-progress">
      <div className="row">
        <strong>{run.ep_id}</strong>
        <span>{run.stage}</span>
        <span className="hint">{run.done}/{run.total || '?'}{run.rate ? ` · ${run.rate.toFixed(1)}/s` : ''} · ETA {formatEta(run.eta)}</span>
        <span className="hint">{run.state}{run.message ? `: ${run.message}` : ''}</span>
        <span className="spacer" />
        {run.state === 'running' && <button className="btn danger" onClick={() => void cancel()}>Cancel</button>}
      </div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
        <div style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
