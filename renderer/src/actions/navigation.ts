// Moving through what is on screen: the focus ring over the grid's cards and the detail view's
// tracks (Shift extends the selection), opening and leaving an identity, search, help, dialogs; how
// large faces are drawn and the focused face shown large (zoom).
import type { AppState } from '../state/appState';
import { episodeSelectors } from '../state/episode/selectors';
import { selectionSelectors } from '../state/selection/selectors';
import { dialog } from '../state/ui/dialogs';
import { zoomOfCard } from '../state/ui/grid';
import type { Action, ActionContext } from './types';

/** Moves the card focus by `delta` and, with Shift held, adds both ends to the selection. */
function moveGrid({ get, shift }: ActionContext, delta: number): void {
  const s = get();
  const cards = episodeSelectors.visibleCards(s);
  if (!cards.length) return;
  const from = selectionSelectors.focusIndex(s);
  const to = Math.max(0, Math.min(cards.length - 1, from + delta));
  if (shift) {
    const [a, b] = from < to ? [from, to] : [to, from];
    s.selectRange(cards.slice(a, b + 1).map((c) => c.id));
  }
  s.setFocus(to);
}

function moveTrack({ get, shift, effects }: ActionContext, delta: number): void {
  const s = get();
  const tracks = episodeSelectors.detailTracks(s);
  if (!tracks.length) return;
  const from = selectionSelectors.trackFocus(s);
  const to = Math.max(0, Math.min(tracks.length - 1, from + delta));
  if (shift) s.setSelectedTracks([...new Set([...s.selectedTracks, tracks[from].track_id, tracks[to].track_id])]);
  s.setTrackFocus(to);
  effects.revealTrack(to);
}

const always = () => true;
const hasCards = (s: AppState) => episodeSelectors.visibleCards(s).length > 0;
const hasTracks = (s: AppState) => episodeSelectors.detailTracks(s).length > 0;

export const gridActions: Action[] = [
  { id: 'grid.next', label: 'Next card', keys: ['ArrowRight', 'j'], shiftExtends: true, scope: 'grid', enabled: hasCards, perform: (c) => moveGrid(c, 1) },
  { id: 'grid.previous', label: 'Previous card', keys: ['ArrowLeft', 'k'], shiftExtends: true, scope: 'grid', enabled: hasCards, perform: (c) => moveGrid(c, -1) },
  { id: 'grid.down', label: 'Card below', keys: ['ArrowDown'], shiftExtends: true, scope: 'grid', enabled: hasCards, perform: (c) => moveGrid(c, c.get().gridColumns) },
  { id: 'grid.up', label: 'Card above', keys: ['ArrowUp'], shiftExtends: true, scope: 'grid', enabled: hasCards, perform: (c) => moveGrid(c, -c.get().gridColumns) },
  { id: 'grid.first', label: 'First card', keys: ['Home'], shiftExtends: true, scope: 'grid', enabled: hasCards, perform: (c) => moveGrid(c, -Infinity) },
  { id: 'grid.last', label: 'Last card', keys: ['End'], shiftExtends: true, scope: 'grid', enabled: hasCards, perform: (c) => moveGrid(c, Infinity) },
  {
    id: 'grid.zoom',
    // Space selects in the grid, so the zoom has keys of its own.
    label: 'Show the focused card’s face large (again to close)',
    keys: ['v', 'Shift+Space'],
    scope: 'grid',
    enabled: hasCards,
    perform: ({ get }) => {
      const card = selectionSelectors.focusedCard(get());
      get().setZoom(get().zoom || !card ? null : zoomOfCard(card));
    },
  },
  {
    id: 'grid.toggle',
    label: 'Select / deselect the focused card',
    keys: ['Space'],
    scope: 'grid',
    enabled: always,
    perform: ({ get }) => {
      const card = selectionSelectors.focusedCard(get());
      if (card) get().toggleSelected(card.id);
    },
  },
  {
    id: 'grid.open',
    label: 'Open the focused identity',
    keys: ['Enter'],
    scope: 'grid',
    enabled: always,
    perform: ({ get }) => {
      const card = selectionSelectors.focusedCard(get());
      if (card) return get().openIdentity(card.id);
    },
  },
  { id: 'grid.clear', label: 'Clear the selection', button: 'Clear', keys: ['Escape'], scope: 'grid', enabled: always, perform: ({ get }) => get().clearSelection() },
  { id: 'grid.search', label: 'Search by name', keys: ['/'], scope: 'grid', enabled: always, perform: ({ effects }) => effects.focusSearch() },
];

export const trackNavigationActions: Action[] = [
  { id: 'tracks.next', label: 'Next track', keys: ['ArrowDown', 'ArrowRight', 'j'], shiftExtends: true, scope: 'identity', enabled: hasTracks, perform: (c) => moveTrack(c, 1) },
  { id: 'tracks.previous', label: 'Previous track', keys: ['ArrowUp', 'ArrowLeft', 'k'], shiftExtends: true, scope: 'identity', enabled: hasTracks, perform: (c) => moveTrack(c, -1) },
  {
    id: 'tracks.toggle',
    label: 'Select / deselect the focused track',
    keys: ['Space'],
    scope: 'identity',
    enabled: always,
    perform: ({ get }) => {
      const t = selectionSelectors.focusedTrack(get());
      if (t) get().toggleTrack(t.track_id);
    },
  },
  {
    id: 'tracks.back',
    label: 'Clear the track selection, or back to all identities',
    button: '← All',
    keys: ['Escape'],
    scope: 'identity',
    enabled: always,
    perform: ({ get }) => (get().selectedTracks.length ? get().setSelectedTracks([]) : get().backToGrid()),
  },
];

/** Face size keys where faces are shown: the grid and an identity's tracks (the timeline zooms with them). */
const faceSizeActions = (scope: 'grid' | 'identity'): Action[] => [
  { id: `${scope}.facesLarger`, label: 'Larger faces (S → M → L)', keys: ['=', '+'], scope, enabled: always, perform: ({ get }) => get().stepFaceSize(1) },
  { id: `${scope}.facesSmaller`, label: 'Smaller faces (L → M → S)', keys: ['-'], scope, enabled: always, perform: ({ get }) => get().stepFaceSize(-1) },
];

export const faceViewActions: Action[] = [
  ...faceSizeActions('grid'),
  ...faceSizeActions('identity'),
  { id: 'zoom.close', label: 'Close the large face', keys: ['Escape'], scope: 'zoom', enabled: (s) => !!s.zoom, perform: ({ get }) => get().setZoom(null) },
];

export const generalActions: Action[] = [
  { id: 'help', label: 'Show this list', button: '?', keys: ['?'], scope: 'global', enabled: always, perform: ({ get }) => get().openDialog(dialog('shortcuts')) },
  { id: 'dialog.close', label: 'Close the dialog', button: 'Close', keys: ['Escape'], scope: 'dialog', enabled: always, perform: ({ close, get }) => (close ?? get().closeDialog)() },
];
