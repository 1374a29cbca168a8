// Which part of the open episode the timeline shows (zoom and pan), so the timeline's keys (registry
// actions) and its wheel, drag and buttons change one window. Null: the whole episode.
import { clampWindow, panWindow, timelineDuration, zoomWindow, type TimeWindow } from '../../views/timeline/layout';
import type { SliceContext } from '../appState';

interface TimelineState {
  /** The shown window and the episode it belongs to (another episode starts from the whole one). */
  timelineWindow: (TimeWindow & { epId: string }) | null;
}

interface TimelineActions {
  /** Zoom by `factor` (> 1 in) around `anchorS` (default: the window's middle). */
  zoomTimeline: (factor: number, anchorS?: number) => void;
  /** Pan by a fraction of the window's width (negative: earlier). */
  panTimeline: (fraction: number) => void;
  /** Pan by seconds (a drag). */
  panTimelineBy: (deltaS: number) => void;
  fitTimeline: () => void;
}

export type TimelineSlice = TimelineState & TimelineActions;

const initialState: TimelineState = { timelineWindow: null };

/** The window the timeline shows for the open episode's screen time (the whole episode by default). */
export function shownWindow(s: Pick<TimelineState, 'timelineWindow'> & { screentime: { ep_id: string } | null }, durationS: number): TimeWindow {
  const w = s.timelineWindow;
  return w && s.screentime && w.epId === s.screentime.ep_id ? clampWindow(w, durationS) : { startS: 0, spanS: durationS };
}

const actions = ({ set, get }: SliceContext): TimelineActions => {
  const change = (f: (w: TimeWindow, durationS: number) => TimeWindow) => {
    const s = get();
    if (!s.screentime) return;
    const d = timelineDuration(s.screentime);
    set({ timelineWindow: { ...f(shownWindow(s, d), d), epId: s.screentime.ep_id } });
  };
  return {
    zoomTimeline: (factor, anchorS) => change((w, d) => zoomWindow(w, factor, d, anchorS)),
    panTimeline: (fraction) => change((w, d) => panWindow(w, fraction * w.spanS, d)),
    panTimelineBy: (deltaS) => change((w, d) => panWindow(w, deltaS, d)),
    fitTimeline: () => set({ timelineWindow: null }),
  };
};

export const timelineSlice = { initialState, actions };
