// Selection slice: keyboard focus and multi-selection, for identity cards (grid) and tracks (detail).
// The grid's focus follows an identity, not a position: a label, a merge (onto the target) or a visit
// to the identity's page leaves it on the identity the reviewer worked on.
import type { ReviewCommand } from '../../../../shared/commands';
import type { SliceContext } from '../appState';
import { episodeSelectors } from '../episode/selectors';

interface SelectionState {
  /** Index into the currently visible (sorted, filtered) card list. */
  focusIndex: number;
  /** The focused card's identity; the focus stays on it while it is shown (see selectionSelectors.focusIndex). */
  focusId: string | null;
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
  /** Focus the card of this identity (where it is shown now). */
  focusIdentity: (id: string) => void;
  /** Moves the focus with an edit: onto the target of a merge that took the focused identity. */
  followCommand: (command: ReviewCommand) => void;
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
  focusId: null,
  selectedIds: [],
  anchorIndex: null,
  detailId: null,
  trackFocus: 0,
  selectedTracks: [],
  pickedFace: null,
};

const actions = ({ set, get }: SliceContext): SelectionActions => ({
  setFocus: (index) => {
    const focusIndex = Math.max(0, index);
    set({ focusIndex, focusId: episodeSelectors.visibleCards(get())[focusIndex]?.id ?? null });
  },
  focusIdentity: (id) => {
    const at = episodeSelectors.visibleCards(get()).findIndex((c) => c.id === id);
    set(at >= 0 ? { focusIndex: at, focusId: id } : { focusId: id });
  },
  followCommand: (command) => {
    const f = get().focusId;
    if (command.op === 'merge' && f && command.source_ids.includes(f)) get().focusIdentity(command.target_id);
  },
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
  openDetail: (detailId) => {
    set({ detailId, trackFocus: 0, selectedTracks: [], pickedFace: null });
    // Back on the grid, the focus is on the identity just visited.
    if (detailId) get().focusIdentity(detailId);
  },
  setTrackFocus: (trackFocus) => set({ trackFocus: Math.max(0, trackFocus) }),
  toggleTrack: (trackId) => {
    const cur = get().selectedTracks;
    set({ selectedTracks: cur.includes(trackId) ? cur.filter((x) => x !== trackId) : [...cur, trackId] });
  },
  setSelectedTracks: (selectedTracks) => set({ selectedTracks }),
  pickFace: (trackId, index) => set({ pickedFace: { trackId, index } }),
});

export const selectionSlice = { initialState, actions };
