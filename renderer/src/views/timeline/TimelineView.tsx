// Timeline view: screen time of the open episode (computed by the service from tracks + identities),
// as a lane-per-person timeline and a bar chart; a bar click opens the identity at that track.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ScreentimeDoc } from '../../../../shared/schema/screentime';
import { errorInfo, getApi } from '../../api/client';
import { useApp } from '../../state/store';
import { ScreenTimeBars } from './ScreenTimeBars';
import { TimelineChart } from './TimelineChart';
import './timeline.css';

function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(900);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(320, Math.floor(el.clientWidth)));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

/** Opens the identity detail with `trackId` focused and selected. */
export async function jumpToTrack(identityId: string, trackId: string): Promise<void> {
  const s = useApp.getState();
  s.setTrackOrder('time');
  s.openDetail(identityId);
  s.setView('identity');
  await s.loadDetail(identityId);
  const idx = useApp.getState().detail?.tracks.findIndex((t) => t.track_id === trackId) ?? -1;
  if (idx >= 0) {
    useApp.getState().setTrackFocus(idx);
    useApp.getState().setSelectedTracks([trackId]);
  }
}

export function TimelineView() {
  const epId = useApp((s) => s.epId);
  const revision = useApp((s) => s.revision);
  const toast = useApp((s) => s.toast);
  const [doc, setDoc] = useState<ScreentimeDoc | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [includeUnlabeled, setIncludeUnlabeled] = useState(true);
  const [ref, width] = useWidth<HTMLDivElement>();
  // Section padding (2 × 16) + panel padding and border (2 × 17): the SVG fills the panel exactly.
  const chartWidth = width - 66;

  useEffect(() => {
    if (!epId) return;
    let live = true;
    setError(null);
    getApi()
      .getScreenTime({ ep_id: epId })
      .then((d) => live && setDoc(d))
      .catch((err) => live && setError(errorInfo(err).message));
    return () => {
      live = false;
    };
  }, [epId, revision]);

  const exportFiles = async () => {
    if (!epId) return;
    try {
      const r = await getApi().exportScreenTime({ ep_id: epId });
      setDoc(r.screentime);
      toast('info', `Exported ${r.json_path} and ${r.csv_path}`);
    } catch (err) {
      toast('error', errorInfo(err).message);
    }
  };

  if (!epId) return <div className="empty">Open an episode first.</div>;
  return (
    <section className="timeline-view" aria-label="Timeline" ref={ref}>
      <header className="timeline-head">
        <h2>Screen time</h2>
        {doc && (
          <span className="timeline-meta">
            {doc.episode_duration_s.toFixed(1)} s episode · {doc.people.length} people
            {doc.scene_cuts_known ? ` · ${doc.scenes.length} scenes` : ''}
          </span>
        )}
        <span className="spacer" />
        <label className="check">
          <input type="checkbox" checked={includeUnlabeled} onChange={(e) => setIncludeUnlabeled(e.target.checked)} /> Unlabeled identities
        </label>
        <button type="button" className="btn small" onClick={exportFiles} disabled={!doc} data-testid="export-screentime">
          Export JSON + CSV
        </button>
      </header>
      {error && <p className="timeline-error" role="alert">{error}</p>}
      {!doc && !error && <p className="empty">Computing screen time…</p>}
      {doc && (
        <>
          <div className="timeline-panel" data-testid="timeline">
            <TimelineChart doc={doc} width={chartWidth} includeUnlabeled={includeUnlabeled} onJump={(id, t) => void jumpToTrack(id, t)} />
          </div>
          <h3>Seconds on screen</h3>
          <div className="timeline-panel" data-testid="screentime-chart">
            <ScreenTimeBars doc={doc} width={chartWidth} includeUnlabeled={includeUnlabeled} />
          </div>
        </>
      )}
    </section>
  );
}
