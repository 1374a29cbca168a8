// Timeline view: screen time of the open episode (computed by the service from tracks + identities),
// as a lane-per-person timeline and a bar chart; a bar click opens the identity at that track.
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ScreentimeDoc } from '../../state/episode/screentime';
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

/** The open episode's screen time, asked for again at each revision (a stale one stays until then). */
function useScreenTime(epId: string | null): { doc: ScreentimeDoc | null; error: string | null } {
  const revision = useApp((s) => s.revision);
  const load = useApp((s) => s.loadScreenTime);
  useEffect(() => {
    if (epId) void load(epId, revision);
  }, [epId, revision, load]);
  const doc = useApp((s) => (epId && s.screentime?.ep_id === epId ? s.screentime : null));
  return { doc, error: useApp((s) => s.screentimeError) };
}

function TimelineHead(props: { doc: ScreentimeDoc | null; includeUnlabeled: boolean; setIncludeUnlabeled: (v: boolean) => void }) {
  const { doc } = props;
  const exportFiles = useApp((s) => s.exportScreenTime);
  return (
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
        <input type="checkbox" checked={props.includeUnlabeled} onChange={(e) => props.setIncludeUnlabeled(e.target.checked)} /> Unlabeled identities
      </label>
      <button type="button" className="btn small" onClick={() => void exportFiles()} disabled={!doc} data-testid="export-screentime">
        Export JSON + CSV
      </button>
    </header>
  );
}

export function TimelineView() {
  const epId = useApp((s) => s.epId);
  const { doc, error } = useScreenTime(epId);
  const openTrack = useApp((s) => s.openTrack);
  const [includeUnlabeled, setIncludeUnlabeled] = useState(true);
  const [ref, width] = useWidth<HTMLDivElement>();
  // Section padding (2 × 16) + panel padding and border (2 × 17): the SVG fills the panel exactly.
  const chartWidth = width - 66;

  if (!epId) return <div className="empty">Open an episode first.</div>;
  return (
    <section className="timeline-view" aria-label="Timeline" ref={ref}>
      <TimelineHead doc={doc} includeUnlabeled={includeUnlabeled} setIncludeUnlabeled={setIncludeUnlabeled} />
      {error && <p className="timeline-error" role="alert">{error}</p>}
      {!doc && !error && <p className="empty">Computing screen time…</p>}
      {doc && (
        <>
          <div className="timeline-panel" data-testid="timeline">
            <TimelineChart doc={doc} width={chartWidth} includeUnlabeled={includeUnlabeled} onJump={(id, t) => void openTrack(id, t)} />
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
