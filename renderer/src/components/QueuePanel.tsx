// The workspace's episode queue on the Episodes screen (only when the workspace names a queue): each
// job queued / running (worker, device, stage, progress, ETA) / failed (error, Retry) / done, and a
// form that enqueues videos by their path on the shared mount. Polls queue:status every 2 s; the
// episode list refreshes when a job completes.
import { useEffect, useRef, useState } from 'react';
import type { ResponseOf } from '../../../shared/ipc';
import type { QueueJobRow } from '../../../shared/ipc';
import { errorInfo, getApi } from '../api/client';
import { formatEta } from '../format';
import { useApp } from '../state/store';

type Status = ResponseOf<'queue:status'>;
const POLL_MS = 2000;

function useQueueStatus(): [Status | null, () => Promise<void>] {
  const [status, setStatus] = useState<Status | null>(null);
  const refreshEpisodes = useApp((s) => s.refreshEpisodes);
  const completed = useRef(-1);
  const load = async () => {
    const s = await getApi().queueStatus({}).catch((err) => ({ configured: true, queue: null, error: errorInfo(err).message, jobs: [] }) as Status);
    setStatus(s);
    const n = s.jobs.filter((j) => j.state === 'completed').length;
    if (completed.current >= 0 && n !== completed.current) void refreshEpisodes();
    completed.current = n;
  };
  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(t);
  }, []);
  return [status, load];
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

function EnqueueForm({ onAdded }: { onAdded: () => Promise<void> }) {
  const toast = useApp((s) => s.toast);
  const [videos, setVideos] = useState('');
  const [show, setShow] = useState('');
  const [season, setSeason] = useState('');
  const submit = async () => {
    const list = videos.split('\n').map((v) => v.trim()).filter(Boolean);
    try {
      const r = await getApi().queueAdd({ videos: list, ...(show ? { show } : {}), ...(season ? { season: Number(season) } : {}), gpu: false, force: false });
      toast('info', `Queued ${r.added.length}${r.skipped.length ? `; already queued or done: ${r.skipped.map((s) => s.ep_id).join(', ')}` : ''}`);
      setVideos('');
      await onAdded();
    } catch (err) {
      toast('error', `Could not queue: ${errorInfo(err).message}`);
    }
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
  const toast = useApp((s) => s.toast);
  const [status, reload] = useQueueStatus();
  if (!status?.configured) return null;
  const retry = async (ep: string) => {
    try {
      await getApi().queueRetry({ ep_id: ep });
      await reload();
    } catch (err) {
      toast('error', `Could not retry ${ep}: ${errorInfo(err).message}`);
    }
  };
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
      <EnqueueForm onAdded={reload} />
    </section>
  );
}
