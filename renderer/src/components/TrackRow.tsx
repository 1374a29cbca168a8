import { memo } from 'react';
import { useApp } from '../state/store';
import type { DetailTrack } from '../state/selectors';
import { Thumb } from './Thumb';
import { TrackFaces } from './TrackFaces';
import { playTrack, showInFrame } from '../actions/tracks';
import { plural } from '../format';
import './media.css';

const MAX_CROPS = 10;

/** Evenly spaced crops across the track, keeping time order. */
function sampleCrops(crops: string[]): string[] {
  if (crops.length <= MAX_CROPS) return crops;
  const step = (crops.length - 1) / (MAX_CROPS - 1);
  return Array.from({ length: MAX_CROPS }, (_, i) => crops[Math.round(i * step)]);
}

/** This row's "Show in frame" (its picked face, else its middle face) and "Play track" (keys f / p on the focused row). */
function TrackContextButtons({ track: t }: { track: DetailTrack }) {
  const run = (e: React.MouseEvent, f: (s: ReturnType<typeof useApp.getState>) => void) => {
    e.stopPropagation();
    f(useApp.getState());
  };
  return (
    <span className="track-context">
      <button type="button" className="btn small" disabled={t.face_rows.length === 0} data-testid="show-in-frame"
        title="Show the picked face (else the track's middle face) in its source frame (f)" onClick={(e) => run(e, (s) => showInFrame(s, t))}>
        Show in frame (f)
      </button>
      <button type="button" className="btn small" data-testid="play-track" title="Play the track from the video, its face boxed (p)"
        onClick={(e) => run(e, (s) => playTrack(s, t))}>
        Play track (p)
      </button>
    </span>
  );
}

export const TrackRow = memo(function TrackRow(props: { track: DetailTrack; index: number; focused: boolean; selected: boolean }) {
  const { track: t, index, focused, selected } = props;
  const setTrackFocus = useApp((s) => s.setTrackFocus);
  const toggleTrack = useApp((s) => s.toggleTrack);
  const crops = sampleCrops(t.crops.length ? t.crops : t.sample_crops);
  const sim = t.similarity;
  return (
    <div
      className={`track${focused ? ' focused' : ''}${selected ? ' selected' : ''}`}
      role="option"
      aria-selected={selected}
      aria-label={`${t.track_id}, ${t.start_s.toFixed(1)} to ${t.end_s.toFixed(1)} seconds`}
      data-testid="track-row"
      data-track-id={t.track_id}
      data-track-index={index}
      onClick={(e) => {
        setTrackFocus(index);
        if (e.shiftKey || e.metaKey || e.ctrlKey) toggleTrack(t.track_id);
      }}
    >
      <div className="thead">
        <label className="check" onClick={(e) => e.stopPropagation()}>
          <input type="checkbox" checked={selected} onChange={() => toggleTrack(t.track_id)} aria-label={`Select ${t.track_id}`} />
          <strong>{t.track_id}</strong>
        </label>
        <span>{t.start_s.toFixed(1)}–{t.end_s.toFixed(1)} s</span>
        <span>frames {t.frame_span[0]}–{t.frame_span[1]}</span>
        <span>{plural(t.faces, 'face')}</span>
        <span>conf {t.avg_conf.toFixed(2)}</span>
        {t.quality != null && <span>quality {t.quality.toFixed(2)}</span>}
        {sim != null && <span className={`sim${sim < 0.5 ? ' low' : ''}`} title="Similarity to the identity centroid">sim {sim.toFixed(2)}</span>}
        <TrackContextButtons track={t} />
      </div>
      {focused && t.face_rows.length > 0 ? (
        <TrackFaces track={t} />
      ) : (
        <div className="crops">
          {crops.map((c, i) => <Thumb key={`${c}#${i}`} refPath={c} alt={`${t.track_id} crop ${i + 1}`} />)}
          {crops.length === 0 && <span className="hint">No crops saved for this track.</span>}
        </div>
      )}
    </div>
  );
});
