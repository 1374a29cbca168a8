// The episode's video beside the timeline: its clock is the timeline's playhead (reported on every
// frame while playing, and on seeks), and a click on the lanes seeks it (through `videoRef`).
import { useMemo } from 'react';
import { videoUrl } from '../../api/client';
import { useFrameLoop, type VideoWithFrames } from '../../components/useFrameLoop';
import { formatClock, laneColor, type Lane } from './layout';

export function TimelineVideo(props: { epId: string; videoRef: React.RefObject<VideoWithFrames | null>; onTime: (t: number, playing: boolean) => void }) {
  const { epId, videoRef, onTime } = props;
  const tick = useMemo(() => (v: HTMLVideoElement) => onTime(v.currentTime, !v.paused), [onTime]);
  useFrameLoop(videoRef, tick);
  return <video ref={videoRef} className="timeline-video" src={videoUrl(epId)} controls muted playsInline preload="auto" data-testid="timeline-video" />;
}

/** Who is on screen at the playhead, in the lanes' colours. */
export function OnScreenNow({ lanes, t }: { lanes: Lane[]; t: number | null }) {
  return (
    <div className="timeline-now" data-testid="on-screen-now" aria-live="polite">
      <strong>{t === null ? '–' : `${formatClock(t)} · ${t.toFixed(2)} s`}</strong>
      {lanes.length === 0 ? <span className="hint">Nobody on screen</span> : null}
      <ul>
        {lanes.map((l) => (
          <li key={l.key} data-lane={l.key}>
            <svg width={10} height={10} aria-hidden="true"><rect width={10} height={10} rx={2} fill={laneColor(l.key)} /></svg> {l.label}
          </li>
        ))}
      </ul>
    </div>
  );
}
