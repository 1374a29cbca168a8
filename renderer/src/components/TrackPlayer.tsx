// "Play the track": the episode's video (range requests) from the track's start to its end, paused at
// the end with a replay, and the track's face box drawn over it, following the video's own clock: a
// box per decoded frame (requestVideoFrameCallback), or per animation frame where that is missing.
import { useMemo, useRef, useState } from 'react';
import { videoUrl } from '../api/client';
import { Dialog } from './Dialog';
import { CloseButton } from './FrameViewer';
import { boxAt, keyframes, type Box, type TimedBox } from './trackBoxes';
import { useFrameLoop, type VideoWithFrames } from './useFrameLoop';
import './media.css';

export interface TrackPlayerProps {
  epId: string;
  trackId: string;
  startS: number;
  endS: number;
  boxes: TimedBox[];
  onClose: () => void;
}

/** Moves the overlay's rect to `b` (hidden when the track has no box at this time), straight on the element on every video frame. */
function drawBox(r: SVGRectElement, b: Box | null): void {
  r.setAttribute('visibility', b ? 'visible' : 'hidden');
  if (!b) return;
  r.setAttribute('x', String(b[0]));
  r.setAttribute('y', String(b[1]));
  r.setAttribute('width', String(b[2] - b[0]));
  r.setAttribute('height', String(b[3] - b[1]));
}

export function TrackPlayer({ epId, trackId, startS, endS, boxes, onClose }: TrackPlayerProps) {
  const video = useRef<VideoWithFrames>(null);
  const rect = useRef<SVGRectElement>(null);
  const frames = useMemo(() => keyframes(boxes), [boxes]);
  const [error, setError] = useState<string | null>(null);
  const [ended, setEnded] = useState(false);
  const [now, setNow] = useState(startS);
  const [aspect, setAspect] = useState<number | null>(null);

  const tick = useMemo(
    () => (v: HTMLVideoElement) => {
      if (v.currentTime >= endS && !v.paused) {
        v.pause();
        setEnded(true);
      }
      if (rect.current) drawBox(rect.current, boxAt(frames, v.currentTime));
      setNow(v.currentTime);
    },
    [frames, endS],
  );
  useFrameLoop(video, tick);

  const replay = () => {
    const v = video.current;
    if (!v) return;
    v.currentTime = startS;
    setEnded(false);
    void v.play().catch(() => undefined);
  };

  return (
    <Dialog title={`Play ${trackId}`} onClose={onClose} testId="track-player">
      <div className="media-dialog">
        <div className="media-stage" style={aspect ? ({ '--aspect': aspect } as React.CSSProperties) : undefined}>
          <video
            ref={video}
            src={videoUrl(epId)}
            data-testid="track-video"
            data-start={startS}
            data-end={endS}
            muted
            playsInline
            preload="auto"
            onLoadedMetadata={(e) => {
              const v = e.currentTarget;
              if (v.videoWidth && v.videoHeight) setAspect(v.videoWidth / v.videoHeight);
              replay();
            }}
            onError={() => setError('The video could not be played: it is missing, in a format this browser does not play, or outside the folders this host serves.')}
          />
          <svg className="media-overlay" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true">
            <rect ref={rect} className="media-box" data-testid="player-box" visibility="hidden" vectorEffect="non-scaling-stroke" />
          </svg>
        </div>
        <p className="media-caption" aria-live="polite">
          {error ?? `${trackId} · ${now.toFixed(2)} s of ${startS.toFixed(2)}–${endS.toFixed(2)} s${ended ? ' · ended' : ''}`}
        </p>
        <div className="actions">
          <button type="button" className="btn small" onClick={() => (video.current?.paused ? void video.current.play() : video.current?.pause())}>
            Play / pause
          </button>
          <button type="button" className="btn small" onClick={replay} data-testid="player-replay">
            Replay
          </button>
          <CloseButton onClose={onClose} />
        </div>
      </div>
    </Dialog>
  );
}
