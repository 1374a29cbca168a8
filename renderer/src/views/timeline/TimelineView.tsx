// Timeline view: screen time of the open episode (computed by the service from tracks + identities),
// as the episode's video (its clock is the playhead; a click on the lanes seeks it) over a
// lane-per-person timeline that zooms and pans, and a bar chart; a bar click opens the identity at that
// track. Export writes the files on the host and downloads the CSV in the browser.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { screentimeCsv } from '../../../../shared/schema/screentime';
import { ActionButton } from '../../actions/ActionButton';
import type { VideoWithFrames } from '../../components/useFrameLoop';
import type { ScreentimeDoc } from '../../state/episode/screentime';
import { shownWindow } from '../../state/episode/timeline';
import { useApp } from '../../state/store';
import { ScreenTimeBars } from './ScreenTimeBars';
import { TimelineChart } from './TimelineChart';
import { OnScreenNow, TimelineVideo } from './TimelineVideo';
import { buildLanes, formatClock, onScreenAt, timelineDuration } from './layout';
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

/** Saves `text` as a file through the browser's download (a Blob link; nothing touches the host). */
function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has its own copy once started; the URL only has to outlive this task.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function TimelineHead(props: { doc: ScreentimeDoc | null; includeUnlabeled: boolean; setIncludeUnlabeled: (v: boolean) => void }) {
  const { doc } = props;
  const exportFiles = useApp((s) => s.exportScreenTime);
  const exportCsv = async () => {
    const written = await exportFiles();
    if (written) download(`${written.ep_id}-screentime.csv`, screentimeCsv(written), 'text/csv');
  };
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
      <button type="button" className="btn small" onClick={() => void exportCsv()} disabled={!doc} data-testid="export-screentime"
        title="Write screentime.json and screentime.csv beside the episode, and download the CSV">
        Export CSV
      </button>
    </header>
  );
}

function ZoomBar({ view, durationS }: { view: { startS: number; spanS: number }; durationS: number }) {
  return (
    <div className="timeline-zoom" role="toolbar" aria-label="Timeline zoom">
      <ActionButton id="timeline.zoomOut" testId="timeline-zoom-out" />
      <ActionButton id="timeline.zoomIn" testId="timeline-zoom-in" />
      <ActionButton id="timeline.fit" testId="timeline-fit" />
      <span className="timeline-meta" data-testid="timeline-window">
        {formatClock(view.startS)}–{formatClock(view.startS + view.spanS)} of {formatClock(durationS)}
        {view.spanS < durationS ? ` · ×${(durationS / view.spanS).toFixed(1)}` : ''}
      </span>
      <span className="hint">Wheel zooms, drag or Shift+wheel pans, a click on the lanes seeks the video</span>
    </div>
  );
}

export function TimelineView() {
  const epId = useApp((s) => s.epId);
  const { doc, error } = useScreenTime(epId);
  const openTrack = useApp((s) => s.openTrack);
  const identities = useApp((s) => s.doc);
  const timelineWindow = useApp((s) => s.timelineWindow);
  const { zoomTimeline, panTimelineBy } = useApp.getState();
  const [includeUnlabeled, setIncludeUnlabeled] = useState(true);
  const [playhead, setPlayhead] = useState<number | null>(null);
  const video = useRef<VideoWithFrames>(null);
  const [ref, width] = useWidth<HTMLDivElement>();
  // Section padding (2 × 16) + panel padding and border (2 × 17): the SVG fills the panel exactly.
  const chartWidth = width - 66;
  const durationS = doc ? timelineDuration(doc) : 1;
  const view = useMemo(() => shownWindow({ timelineWindow, screentime: doc }, durationS), [timelineWindow, doc, durationS]);
  const covers = useMemo(() => new Map((identities?.identities ?? []).map((i) => [i.identity_id, i.canonical_face_path])), [identities]);
  const lanes = useMemo(() => (doc ? buildLanes(doc, 1, { includeUnlabeled }) : []), [doc, includeUnlabeled]);

  const seek = useCallback((t: number) => {
    if (video.current) video.current.currentTime = t;
    setPlayhead(t);
  }, []);
  // While playing, the window pages along so the playhead stays on screen.
  const onTime = useCallback((t: number, playing: boolean) => {
    setPlayhead(t);
    const s = useApp.getState();
    if (!playing || !s.screentime) return;
    const w = shownWindow(s, timelineDuration(s.screentime));
    if (t > w.startS + w.spanS || t < w.startS) s.panTimelineBy(t - w.startS - w.spanS * 0.1);
  }, []);

  if (!epId) return <div className="empty">Open an episode first.</div>;
  return (
    <section className="timeline-view" aria-label="Timeline" ref={ref}>
      <TimelineHead doc={doc} includeUnlabeled={includeUnlabeled} setIncludeUnlabeled={setIncludeUnlabeled} />
      {error && <p className="timeline-error" role="alert">{error}</p>}
      {!doc && !error && <p className="empty">Computing screen time…</p>}
      {doc && (
        <>
          <div className="timeline-player">
            <TimelineVideo epId={epId} videoRef={video} onTime={onTime} />
            <OnScreenNow lanes={playhead === null ? [] : onScreenAt(lanes, playhead)} t={playhead} />
          </div>
          <ZoomBar view={view} durationS={durationS} />
          <div className="timeline-panel" data-testid="timeline">
            <TimelineChart doc={doc} width={chartWidth} includeUnlabeled={includeUnlabeled} view={view} playheadS={playhead} covers={covers}
              onJump={(id, t) => void openTrack(id, t)} onSeek={seek} onZoom={zoomTimeline} onPan={panTimelineBy} />
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
