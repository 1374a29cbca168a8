// Every reviewer action, once. The keyboard dispatches from this list, buttons read their text,
// key hint and enabled state from it, and the "?" overlay lists it.
import type { AppState } from '../state/appState';
import { historyActions } from './history';
import { identityActions } from './identity';
import { keyCaps, matches, type KeyLike } from './keys';
import { faceViewActions, generalActions, gridActions, trackNavigationActions } from './navigation';
import { faceActions, trackActions } from './tracks';
import { questionActions } from './questions';
import { timelineActions } from './timeline';
import type { Action, Scope } from './types';

export const ACTIONS: readonly Action[] = [
  ...generalActions,
  ...historyActions,
  ...identityActions,
  ...gridActions,
  ...trackNavigationActions,
  ...trackActions,
  ...faceActions,
  ...questionActions,
  ...timelineActions,
  ...faceViewActions,
];

const BY_ID = new Map(ACTIONS.map((a) => [a.id, a]));

export function action(id: string): Action {
  const a = BY_ID.get(id);
  if (!a) throw new Error(`renderer/src/actions/registry.ts: no action "${id}"`);
  return a;
}

/** Scopes whose keys work on the current view, innermost first. */
export function viewScopes(s: Pick<AppState, 'view'> & Partial<Pick<AppState, 'zoom'>>): Scope[] {
  if (s.zoom) return ['zoom', ...viewScopes({ view: s.view })];
  if (s.view === 'people') return ['grid', 'global'];
  if (s.view === 'identity') return ['identity', 'global'];
  if (s.view === 'questions') return ['questions', 'global'];
  if (s.view === 'timeline') return ['timeline', 'global'];
  return ['global'];
}

/** The action a key runs in these scopes (the first scope with a binding for it wins), or undefined. */
export function actionForKey(e: KeyLike, scopes: readonly Scope[]): Action | undefined {
  for (const scope of scopes) {
    const hit = ACTIONS.find((a) => a.scope === scope && a.keys.some((k) => matches(k, e, a.shiftExtends)));
    if (hit) return hit;
  }
  return undefined;
}

export interface OverlaySection {
  title: string;
  rows: { id: string; keys: string[][]; label: string }[];
}

const SECTIONS: [Scope, string][] = [
  ['global', 'Everywhere'],
  ['grid', 'Identity grid'],
  ['identity', 'Identity tracks'],
  ['faces', 'Face strip of the focused track'],
  ['questions', 'Questions ("Same person?", "Is this …?")'],
  ['timeline', 'Timeline'],
  ['dialog', 'Dialogs'],
  ['zoom', 'Large face'],
];

/** The "?" overlay: every action that has keys, by scope. */
export function overlaySections(): OverlaySection[] {
  return SECTIONS.map(([scope, title]) => ({
    title,
    rows: ACTIONS.filter((a) => a.scope === scope && a.keys.length > 0).map((a) => ({
      id: a.id,
      keys: a.keys.map(keyCaps),
      label: a.shiftExtends ? `${a.label} (Shift extends the selection)` : a.label,
    })),
  })).filter((s) => s.rows.length > 0);
}
