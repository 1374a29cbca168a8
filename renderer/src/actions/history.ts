// Undo / redo of the episode on screen (never from the Episodes list: nothing of it is visible there).
import { episodeSelectors } from '../state/episode/selectors';
import type { Action } from './types';

export const historyActions: Action[] = [
  {
    id: 'history.undo',
    label: 'Undo',
    button: '↶ Undo',
    keys: ['z', 'Mod+z'],
    scope: 'global',
    enabled: (s) => episodeSelectors.episodeOnScreen(s) !== null,
    perform: ({ get }) => get().undo(),
  },
  {
    id: 'history.redo',
    label: 'Redo',
    button: '↷ Redo',
    keys: ['Shift+z', 'Mod+Shift+z'],
    scope: 'global',
    enabled: (s) => episodeSelectors.episodeOnScreen(s) !== null,
    perform: ({ get }) => get().redo(),
  },
];
