// The run in progress: a stepper over the stages the job reports (done / current / pending), the
// current stage's counters, one ETA for the whole run and a bar over it, Cancel; when it ends, Open and
// Dismiss, or the outcome in plain words with Resume / Retry and Delete episode (a half-made episode).
import { formatEta, withoutInternalPaths } from '../format';
import { runOutcome, runSteps } from '../state/pipeline/run-steps';
import { useApp } from '../state/store';
import './run.css';

const MARK = { done: '✓', current: '●', pending: '○', stopped: '■' } as const;

function Stepper({ steps }: { steps: ReturnType<typeof runSteps> }) {
  return (
    <ol className="stepper" aria-label="Stages">
      {steps.map((s) => (
        <li key={s.stage} className={`step ${s.state}`} data-step={s.stage} data-state={s.state} aria-current={s.state === 'current' ? 'step' : undefined} aria-label={`${s.stage}: ${s.state}`}>
          <span className="step-mark" aria-hidden="true">{MARK[s.state]}</span>
          <span className="step-name">{s.stage}</span>
        </li>
      ))}
    </ol>
  );
}

function EndActions() {
  const run = useApp((s) => s.run)!;
  const ask = useApp((s) => s.runDeleteAsk);
  const { resumeRun, dismissRun, openRunEpisode, deleteRunEpisode } = useApp.getState();
  const canResume = useApp((s) => s.lastRun?.ep_id === run.ep_id);
  const listed = useApp((s) => s.episodes.some((e) => e.ep_id === run.ep_id));
  if (run.state === 'done') {
    return (
      <>
        <button className="btn primary" onClick={() => void openRunEpisode()} data-testid="run-open">Open {run.ep_id}</button>
        <button className="btn" onClick={dismissRun} data-testid="run-dismiss">Dismiss</button>
      </>
    );
  }
  if (ask) {
    return (
      <span className="delete-ask" role="alert">
        <span>{ask}</span>
        <button className="btn danger" onClick={() => void deleteRunEpisode(true)} data-testid="run-delete-force">Delete anyway</button>
        <button className="btn" onClick={() => useApp.setState({ runDeleteAsk: null })}>Keep it</button>
      </span>
    );
  }
  return (
    <>
      {canResume && (
        <button className="btn primary" onClick={() => void resumeRun()} data-testid="run-resume">
          {run.state === 'cancelled' ? 'Resume' : 'Retry'}
        </button>
      )}
      {listed && <button className="btn danger" onClick={() => void deleteRunEpisode()} data-testid="run-delete">Delete episode</button>}
      <button className="btn" onClick={dismissRun} data-testid="run-dismiss">Dismiss</button>
    </>
  );
}

export function RunProgress() {
  const run = useApp((s) => s.run);
  const cancel = useApp((s) => s.cancelRun);
  const root = useApp((s) => s.workspaceRoot);
  if (!run) return null;
  const pct = 100 * (run.state === 'done' ? 1 : (run.run_fraction ?? 0));
  const eta = run.run_eta ?? null;
  return (
    <div className={`run-progress ${run.state}`} aria-label={`Run of ${run.ep_id}`} data-testid="run-progress" data-state={run.state}>
      <div className="row">
        <strong>{run.ep_id}</strong>
        <Stepper steps={runSteps(run)} />
        <span className="spacer" />
        {run.state === 'running' && <button className="btn danger" onClick={() => void cancel()}>Cancel</button>}
        {run.state !== 'running' && <EndActions />}
      </div>
      <div className="progress" role="progressbar" aria-label="Whole run" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)}>
        <div style={{ width: `${pct}%` }} />
      </div>
      <div className="row run-detail">
        {run.state === 'running' && (
          <span className="hint" data-testid="run-counters">
            {run.stage} {run.done}/{run.total || '?'}{run.rate ? ` · ${run.rate.toFixed(1)}/s` : ''} · ETA {formatEta(eta)} for the whole run
          </span>
        )}
        {run.state !== 'running' && <span className={`run-state ${run.state}`} data-testid="run-state">{withoutInternalPaths(runOutcome(run), root)}</span>}
      </div>
      {run.state === 'running' && run.message && <div className="hint">{run.message}</div>}
    </div>
  );
}
