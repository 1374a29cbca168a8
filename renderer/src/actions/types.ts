// A reviewer action as data: what it is called, which keys run it and where, when it may run, and
// what it does. Shortcuts, toolbar buttons and the "?" overlay are all built from these objects.
import type { AppState } from '../state/appState';

/**
 * Where an action's keys work. `global` everywhere (the action's `enabled` says on which views);
 * `grid` on the identity grid; `identity` on an identity's track list; `faces` while the focused
 * track's face strip has the keyboard (it shadows the track list's arrows); `dialog` inside a dialog;
 * `questions` on the questions view; `timeline` on the timeline view; `zoom` while a face is shown
 * large (it shadows the view's Escape).
 */
export type Scope = 'global' | 'grid' | 'identity' | 'faces' | 'dialog' | 'questions' | 'timeline' | 'zoom';

/** Effects on the page itself, provided by the view layer (the registry stays DOM-free). */
export interface ViewEffects {
  focusSearch: () => void;
  revealTrack: (index: number) => void;
  /** Plays or pauses the video on the page (the timeline's). */
  toggleVideo?: () => void;
}

export interface ActionContext {
  get: () => AppState;
  effects: ViewEffects;
  /** Shift was held (moves with `shiftExtends` then extend the selection). */
  shift: boolean;
  /** Closes the dialog the key was pressed in (dialog scope). */
  close?: () => void;
}

export interface Action {
  id: string;
  /** What the overlay and tooltips say. */
  label: string;
  /** Short text for a button (without the key). */
  button?: string;
  /**
   * Key bindings: a KeyboardEvent.key ('Space' for ' '), optionally prefixed by `Shift+` and/or `Mod+`
   * (Ctrl or ⌘). Letters match either case; printable symbols ('?', '/') match as typed.
   */
  keys: string[];
  /** Shift with these keys extends the selection instead of being a different key. */
  shiftExtends?: boolean;
  scope: Scope;
  enabled: (s: AppState) => boolean;
  perform: (ctx: ActionContext) => void | Promise<unknown>;
}
