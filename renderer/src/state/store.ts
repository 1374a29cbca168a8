// One zustand store composed of slices (episode data, selection, UI), each in its own file.
import { create } from 'zustand';
import { createEpisodeSlice, type EpisodeSlice } from './episodeSlice';
import { createSelectionSlice, type SelectionSlice } from './selectionSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

export type AppState = EpisodeSlice & SelectionSlice & UiSlice;

export const useApp = create<AppState>()((...a) => ({
  ...createEpisodeSlice(...a),
  ...createSelectionSlice(...a),
  ...createUiSlice(...a),
}));
