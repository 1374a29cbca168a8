// A callback on every new frame of a <video> (requestVideoFrameCallback; every animation frame where
// that is missing), and on seeks and time updates, which produce no new frame callback while paused:
// what overlays and playheads tied to the video's clock draw from.
import { useEffect } from 'react';

export type VideoWithFrames = HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number; cancelVideoFrameCallback?: (h: number) => void };

/** Calls `tick` on every new video frame (or animation frame) while mounted. */
export function useFrameLoop(video: React.RefObject<VideoWithFrames | null>, tick: (v: HTMLVideoElement) => void): void {
  useEffect(() => {
    const v = video.current;
    if (!v) return;
    let handle = 0;
    let stopped = false;
    const byVideo = typeof v.requestVideoFrameCallback === 'function';
    const step = () => {
      if (stopped) return;
      tick(v);
      handle = byVideo ? v.requestVideoFrameCallback!(step) : requestAnimationFrame(step);
    };
    step();
    // Seeks and pauses produce no new frame callback: draw on those too (without starting a second loop).
    const draw = () => tick(v);
    v.addEventListener('seeked', draw);
    v.addEventListener('timeupdate', draw);
    return () => {
      stopped = true;
      v.removeEventListener('seeked', draw);
      v.removeEventListener('timeupdate', draw);
      if (byVideo) v.cancelVideoFrameCallback?.(handle);
      else cancelAnimationFrame(handle);
    };
  }, [video, tick]);
}
