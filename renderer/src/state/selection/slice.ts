// Selection slice: keyboard focus and multi-selection, for identity cards (grid) and tracks (detail).
import type { SliceContext } from '../appState';

interface SelectionState {
  /** Index into the currently visible (sorted, filtered) card list. */
  focusIndex: number;
  selectedIds: string[];
  /** Anchor for shift-range selection in the grid. */
  anchorIndex: number | null;
  /** Identity shown in the detail view. */
  detailId: string | null;
  trackFocus: number;
  selectedTracks: string[];
  /** The face picked in a track's face strip (by index); it counts only while that track has the focus. */
  pickedFace: { trackId: string; index: number } | null;
}

interface SelectionActions {
  setFocus: (index: number) => void;
  toggleSelected: (id: string) => void;
  selectRange: (ids: string[]) => void;
  setSelected: (ids: string[]) => void;
  clearSelection: () => void;
  openDetail: (id: string | null) => void;
  setTrackFocus: (index: number) => void;
  toggleTrack: (trackId: string) => void;
  setSelectedTracks: (ids: string[]) => void;
  pickFace: (trackId: string, index: number) => void;
}

export type SelectionSlice = SelectionState & SelectionActions;

const initialState: SelectionState = {
  focusIndex: 0,
  selectedIds: [],
  anchorIndex: null,
  detailId: null,
  trackFocus: 0,
  selectedTracks: [],
  pickedFace: null,
};

const actions = ({ set, get }: SliceContext): SelectionActions => ({
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
  openDetail: (detailId) => set({ detailId, trackFocus: 0, selectedTracks: [], pickedFace: null }),
  setTrackFocus: (trackFocus) => set({ trackFocus: Math.max(0, trackFocus) }),
  toggleTrack: (trackId) => {
    const cur = get().selectedTracks;
    set({ selectedTracks: cur.includes(trackId) ? cur.filter((x) => x !== trackId) : [...cur, trackId] });
  },
  setSelectedTracks: (selectedTracks) => set({ selectedTracks }),
  pickFace: (trackId, index) => set({ pickedFace: { trackId, index } }),
});

export const selectionSlice = { initialState, actions };
