// The keyboard, bound once: a window listener runs the registry's action for the view's scopes, and
// the face strip and dialogs run their own scope from their element (an action there stops the key
// from also reaching the view). Keys are ignored while typing in a field, and the view's keys while
// a dialog is open.
import { useEffect, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useApp } from '../state/store';
import { actionForKey, viewScopes } from './registry';
import type { ActionContext, Scope, ViewEffects } from './types';

const effects: ViewEffects = {
  focusSearch: () => document.querySelector<HTMLInputElement>('[data-testid="search"]')?.focus(),
  revealTrack: (index) => document.querySelector(`[data-track-index="${index}"]`)?.scrollIntoView({ block: 'nearest' }),
  toggleVideo: () => {
    const v = document.querySelector<HTMLVideoElement>('[data-testid="timeline-video"]');
    // A focused video's own controls already took the key.
    if (v && document.activeElement !== v) void (v.paused ? v.play().catch(() => undefined) : v.pause());
  },
};

export function actionContext(shift: boolean, close?: () => void): ActionContext {
  return { get: useApp.getState, effects, shift, close };
}

/** The key belongs to the focused field: text entry, or Space on a ticked box (its own toggle). */
function isTyping(el: EventTarget | null, key: string): boolean {
  const t = el as HTMLElement | null;
  if (!t) return false;
  if (t.tagName === 'INPUT') {
    const type = (t as HTMLInputElement).type;
    // A checkbox keeps the focus after a click; the reviewer's keys must still work there.
    if (type === 'checkbox' || type === 'radio') return key === ' ';
    return true;
  }
  return t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable;
}

/** Runs the action bound to this key in `scopes`, if it may run now; true when one ran. */
export function runKey(e: KeyboardEvent | ReactKeyboardEvent, scopes: readonly Scope[], close?: () => void): boolean {
  // A dialog's keys (Esc) work from its fields too.
  if (!scopes.includes('dialog') && isTyping(e.target, e.key)) return false;
  const found = actionForKey(e, scopes);
  if (!found || !found.enabled(useApp.getState())) return false;
  e.preventDefault();
  void found.perform(actionContext(e.shiftKey, close));
  return true;
}

function onWindowKey(e: KeyboardEvent): void {
  const s = useApp.getState();
  if (s.dialog.kind !== 'none') return;
  runKey(e, viewScopes(s));
}

/** Mount once (App). */
export function useKeyboard(): void {
  useEffect(() => {
    window.addEventListener('keydown', onWindowKey);
    return () => window.removeEventListener('keydown', onWindowKey);
  }, []);
}

/** onKeyDown for an element with keys of its own (the face strip, a dialog). */
export function scopeKeyHandler(scope: Scope, close?: () => void) {
  return (e: ReactKeyboardEvent) => {
    if (runKey(e, [scope], close)) e.stopPropagation();
  };
}
