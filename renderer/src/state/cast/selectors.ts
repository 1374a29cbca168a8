// Cast-library suggestions as the views and the `y` action read them.
import type { AppState } from '../appState';
import { episodeSelectors } from '../episode/selectors';
import { selectionSelectors } from '../selection/selectors';
import type { CastSuggestionsData } from './slice';

type Suggestion = CastSuggestionsData['suggestions'][string][number];
/** Stable empty value: a selector returning a fresh [] each call would re-render forever. */
const NONE: Suggestion[] = [];

export const castSelectors = {
  castSuggestionsFor(s: AppState, identityId: string | null): Suggestion[] {
    return (identityId ? s.castSuggestions?.suggestions[identityId] : undefined) ?? NONE;
  },
  autoAssignment(s: AppState, identityId: string) {
    return s.castSuggestions?.auto_assignments.find((a) => a.identity_id === identityId && a.undone_at === null);
  },
  /** A labeled identity has its answer: no suggestions are shown for it, and `y` does nothing. */
  isLabeled(s: AppState, identityId: string): boolean {
    const label = episodeSelectors.identity(s, identityId)?.labels;
    return !!(label?.name || label?.person_id);
  },
  /** The identity `y` answers for: the one open in the detail view, or the grid's focused card. */
  castTarget(s: AppState): string | null {
    const id = s.view === 'identity' ? s.detailId : s.view === 'people' ? (selectionSelectors.focusedCard(s)?.id ?? null) : null;
    return id && !castSelectors.isLabeled(s, id) ? id : null;
  },
};
