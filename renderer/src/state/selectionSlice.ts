// Selection slice: keyboard focus and multi-selection, for identity cards (grid) and tracks (detail).
import type { StateCreator } from 'zustand';
import type { AppState } from './store';

export interface SelectionSlice {
  /** Index into the currently visible (sorted, filtered) card list. */
  focusIndex: number;
  selectedIds: string[];
  /** Anchor for shift-range selection in the grid. */
  anchorIndex: number | null;
  /** Identity shown in the detail view. */
  detailId: string | null;
  trackFocus: number;
  selectedTracks: string[];
  setFocus: (index: number) => void;
  toggleSelected: (id: string) => void;
  selectRange: (ids: string[]) => void;
  setSelected: (ids: string[]) => void;
  clearSelection: () => void;
  openDetail: (id: string | null) => void;
  setTrackFocus: (index: number) => void;
  toggleTrack: (trackId: string) => void;
  setSelectedTracks: (ids: string[]) => void;
}

export const createSelectionSlice: StateCreator<AppState, [], [], SelectionSlice> = (set, get) => ({
  focusIndex: 0,
  selectedIds: [],
  anchorIndex: null,
  detailId: null,
  trackFocus: 0,
  selectedTracks: [],
  setFocus: (focusIndex) => set({ focusIndex: Math.max(0, focusIndex) }),
  toggleSelected: (id) => {
    const cur = get().selectedIds;
    set({
      selectedIds: cur.includes(id) ? cur.filter((x) => x !== id) : [...cur, id],
      anchorIndex: get().focusIndex,
    });
  },
  selectRange: (ids) => {
    const merged = new Set([...get().selectedIds, ...ids]);
    set({ selectedIds: [...merged] });
  },
  setSelected: (selectedIds) => set({ selectedIds }),
  clearSelection: () => set({ selectedIds: [], anchorIndex: null }),
  openDetail: (detailId) => set({ detailId, trackFocus: 0, selectedTracks: [] }),
  setTrackFocus: (trackFocus) => set({ trackFocus: Math.max(0, trackFocus) }),
  toggleTrack: (trackId) => {
    const cur = get().selectedTracks;
    set({ selectedTracks: cur.includes(trackId) ? cur.filter((x) => x !== trackId) : [...cur, trackId] });
  },
  setSelectedTracks: (selectedTracks) => set({ selectedTracks }),
});
