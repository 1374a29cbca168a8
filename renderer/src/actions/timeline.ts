// Zoom and pan of the timeline and play / pause of its video, from the keyboard (the timeline's scope) and its buttons.
import type { AppState } from '../state/appState';
import type { Action } from './types';

const shown = (s: AppState) => s.view === 'timeline' && !!s.screentime;
/** One key press zooms by this factor; a wheel notch by its square root. */
export const ZOOM_STEP = 2;

export const timelineActions: Action[] = [
  { id: 'timeline.zoomIn', label: 'Zoom the timeline in', button: '+', keys: ['+', '='], scope: 'timeline', enabled: shown, perform: ({ get }) => get().zoomTimeline(ZOOM_STEP) },
  { id: 'timeline.zoomOut', label: 'Zoom the timeline out', button: '−', keys: ['-'], scope: 'timeline', enabled: shown, perform: ({ get }) => get().zoomTimeline(1 / ZOOM_STEP) },
  { id: 'timeline.fit', label: 'Show the whole episode', button: 'Fit', keys: ['0'], scope: 'timeline', enabled: shown, perform: ({ get }) => get().fitTimeline() },
  { id: 'timeline.play', label: 'Play or pause the video', keys: ['Space'], scope: 'timeline', enabled: shown, perform: ({ effects }) => effects.toggleVideo?.() },
  { id: 'timeline.earlier', label: 'Pan the timeline earlier', keys: ['ArrowLeft'], scope: 'timeline', enabled: shown, perform: ({ get }) => get().panTimeline(-0.25) },
  { id: 'timeline.later', label: 'Pan the timeline later', keys: ['ArrowRight'], scope: 'timeline', enabled: shown, perform: ({ get }) => get().panTimeline(0.25) },
];
