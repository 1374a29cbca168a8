// The workspace's episode queue on the Episodes screen (only when the workspace names a queue): each
// job queued / running (worker, device, stage, progress, ETA) / failed (error, Retry) / done, and a
// form that enqueues videos by their path on the shared mount. Polls queue:status every 2 s; the
// episode list refreshes when a job completes.
import { useEffect, useState } from 'react';
import { formatEta } from '../format';
import type { QueueStatus } from '../state/pipeline/queue';
import { useApp } from '../state/store';

type QueueJobRow = QueueStatus['jobs'][number];
const POLL_MS = 2000;

/** The queue's status, polled while the panel is on screen. */
function useQueueStatus(): QueueStatus | null {
  const status = useApp((s) => s.queue);
  const load = useApp((s) => s.loadQueue);
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(t);
  }, [load]);
  return status;
}

function JobRow({ job, onRetry }: { job: QueueJobRow; onRetry: (ep: string) => void }) {
  return (
    <tr data-testid="queue-row" data-ep-id={job.ep_id} data-state={job.state}>
      <td><strong>{job.ep_id}</strong>{job.gpu ? <span className="stage">gpu</span> : null}</td>
      <td><span className={`stage${job.state === 'completed' ? ' done' : ''}`}>{job.state === 'waiting' ? 'queued' : job.state}</span></td>
      <td className="hint">{job.worker ?? '–'}{job.device ? ` · ${job.device}` : ''}</td>
      <td>
        {job.state === 'active' ? (
          <>
            <div className="hint">{job.stage ?? 'starting'} · {job.percent.toFixed(0)}% · ETA {formatEta(job.eta)}</div>
            <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(job.percent)}>
              <div style={{ width: `${job.percent}%` }} />
            </div>
          </>
        ) : null}
        {job.error ? <div className="queue-error" title={job.error}>{job.error.split('\n')[0]}</div> : null}
      </td>
      <td>{job.state === 'failed' ? <button className="btn" onClick={() => onRetry(job.ep_id)} data-testid="queue-retry">Retry</button> : null}</td>
    </tr>
  );
}

function EnqueueForm() {
  const enqueue = useApp((s) => s.enqueue);
  const [videos, setVideos] = useState('');
  const [show, setShow] = useState('');
  const [season, setSeason] = useState('');
  const submit = async () => {
    const list = videos.split('\n').map((v) => v.trim()).filter(Boolean);
    if (await enqueue({ videos: list, ...(show ? { show } : {}), ...(season ? { season: Number(season) } : {}) })) setVideos('');
  };
  return (
    <form className="queue-add" onSubmit={(e) => (e.preventDefault(), void submit())}>
      <textarea aria-label="Video paths" placeholder="Video paths on the shared mount, one per line (names with s05e02 give the episode)" value={videos} onChange={(e) => setVideos(e.target.value)} rows={2} data-testid="queue-videos" />
      <input aria-label="Show" placeholder="show" value={show} onChange={(e) => setShow(e.target.value)} data-testid="queue-show" />
      <input aria-label="Season" placeholder="season" inputMode="numeric" value={season} onChange={(e) => setSeason(e.target.value.replace(/\D/g, ''))} data-testid="queue-season" />
      <button className="btn primary" type="submit" disabled={!videos.trim()} data-testid="queue-add">Enqueue</button>
    </form>
  );
}

export function QueuePanel() {
  const status = useQueueStatus();
  const retry = useApp((s) => s.retryQueued);
  if (!status?.configured) return null;
  const count = (st: QueueJobRow['state']) => status.jobs.filter((j) => j.state === st).length;
  return (
    <section className="queue-panel" aria-label="Queue" data-testid="queue-panel">
      <div className="row">
        <h3>Queue {status.queue}</h3>
        <span className="hint">{count('waiting') + count('delayed')} queued · {count('active')} running · {count('failed')} failed · {count('completed')} done</span>
      </div>
      {status.error ? <div className="queue-error" data-testid="queue-error">{status.error}</div> : null}
      {status.jobs.length > 0 && (
        <table className="episodes">
          <thead>
            <tr><th>Episode</th><th>State</th><th>Worker</th><th>Progress</th><th /></tr>
          </thead>
          <tbody>
            {status.jobs.map((j) => <JobRow key={j.ep_id} job={j} onRetry={(ep) => void retry(ep)} />)}
          </tbody>
        </table>
      )}
      <EnqueueForm />
    </section>
  );
}
