// Focus and selection as the actions read them: indexes clamped to what is shown, and the items the
// bulk operations act on.
import type { AppState } from '../appState';
import { episodeSelectors, type DetailTrack, type IdentityCardModel } from '../episode/selectors';

export const selectionSelectors = {
  /**
   * Where the focused identity's card is shown; when it is not (merged away, filtered out) the last
   * focused position, clamped to the list (edits and filters can shrink it under the focus).
   */
  focusIndex(s: AppState): number {
    const cards = episodeSelectors.visibleCards(s);
    if (s.focusId && cards[s.focusIndex]?.id === s.focusId) return s.focusIndex;
    const at = s.focusId ? cards.findIndex((c) => c.id === s.focusId) : -1;
    return at >= 0 ? at : Math.max(0, Math.min(s.focusIndex, cards.length - 1));
  },
  trackFocus(s: AppState): number {
    return Math.max(0, Math.min(s.trackFocus, episodeSelectors.detailTracks(s).length - 1));
  },
  focusedTrack(s: AppState): DetailTrack | undefined {
    return episodeSelectors.detailTracks(s)[selectionSelectors.trackFocus(s)];
  },
  focusedCard(s: AppState): IdentityCardModel | undefined {
    return episodeSelectors.visibleCards(s)[selectionSelectors.focusIndex(s)];
  },
  /** Identities the grid's bulk operations act on: the selection, or the focused card. */
  targets(s: AppState): string[] {
    if (s.selectedIds.length) return s.selectedIds;
    const f = selectionSelectors.focusedCard(s);
    return f ? [f.id] : [];
  },
  /** Tracks the detail view's operations act on: the selection, or the focused track. */
  targetTracks(s: AppState): string[] {
    if (s.selectedTracks.length) return s.selectedTracks;
    const t = selectionSelectors.focusedTrack(s);
    return t ? [t.track_id] : [];
  },
  /** Index of the face picked in the focused track's face strip, or null. */
  pickedFaceIndex(s: AppState): number | null {
    const t = selectionSelectors.focusedTrack(s);
    return t && s.pickedFace?.trackId === t.track_id ? s.pickedFace.index : null;
  },
  pickedFace(s: AppState): DetailTrack['face_rows'][number] | null {
    const i = selectionSelectors.pickedFaceIndex(s);
    return i === null ? null : (selectionSelectors.focusedTrack(s)?.face_rows[i] ?? null);
  },
};
