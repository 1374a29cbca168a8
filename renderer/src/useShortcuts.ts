// Global keyboard handling (keyboard-first review). Keys are ignored while typing in a field or while
// a dialog is open (dialogs handle their own keys).
import { useEffect } from 'react';
import { useApp } from './state/store';
import { selectors } from './state/selectors';
import {
  backToGrid,
  openIdentity,
  openLabelDialog,
  openMergeDialog,
  openMoveDialog,
  removeTracks,
  splitTracks,
  toggleLock,
} from './actions';

function isTyping(el: EventTarget | null): boolean {
  const t = el as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}

/** Moves focus by `delta` and, with shift held, adds both ends to the selection. */
function moveGrid(delta: number, extend: boolean) {
  const s = useApp.getState();
  const cards = selectors.visibleCards(s);
  if (!cards.length) return;
  const from = selectors.focusIndex(s);
  const to = Math.max(0, Math.min(cards.length - 1, from + delta));
  if (extend) {
    const [a, b] = from < to ? [from, to] : [to, from];
    s.selectRange(cards.slice(a, b + 1).map((c) => c.id));
  }
  s.setFocus(to);
}

function moveTrack(delta: number, extend: boolean) {
  const s = useApp.getState();
  const tracks = selectors.detailTracks(s);
  if (!tracks.length) return;
  const from = selectors.trackFocus(s);
  const to = Math.max(0, Math.min(tracks.length - 1, from + delta));
  if (extend) {
    const ids = new Set([...s.selectedTracks, tracks[from].track_id, tracks[to].track_id]);
    s.setSelectedTracks([...ids]);
  }
  s.setTrackFocus(to);
  document.querySelector(`[data-track-index="${to}"]`)?.scrollIntoView({ block: 'nearest' });
}

export function handleKey(e: KeyboardEvent): void {
  const s = useApp.getState();
  const onScreen = selectors.episodeOnScreen(s) !== null;
  if (e.ctrlKey || e.metaKey || e.altKey) {
    if (onScreen && (e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      void (e.shiftKey ? s.redo() : s.undo());
    }
    return;
  }
  if (s.dialog.kind !== 'none' || isTyping(e.target)) return;
  const key = e.key;
  if (key === '?') {
    e.preventDefault();
    return s.openDialog({ kind: 'shortcuts' });
  }
  if (!onScreen) return;
  if (key === 'z' || key === 'Z') {
    e.preventDefault();
    void (e.shiftKey ? s.redo() : s.undo());
    return;
  }
  if (s.view === 'people') gridKey(e);
  else if (s.view === 'identity') detailKey(e);
}

function gridKey(e: KeyboardEvent) {
  const s = useApp.getState();
  const cols = s.gridColumns;
  const act = (fn: () => void) => {
    e.preventDefault();
    fn();
  };
  switch (e.key) {
    case 'ArrowRight': return act(() => moveGrid(1, e.shiftKey));
    case 'ArrowLeft': return act(() => moveGrid(-1, e.shiftKey));
    case 'ArrowDown': return act(() => moveGrid(cols, e.shiftKey));
    case 'ArrowUp': return act(() => moveGrid(-cols, e.shiftKey));
    case 'j': case 'J': return act(() => moveGrid(1, e.shiftKey));
    case 'k': case 'K': return act(() => moveGrid(-1, e.shiftKey));
    case ' ': return act(() => {
      const card = selectors.focusedCard(s);
      if (card) s.toggleSelected(card.id);
    });
    case 'Enter': return act(() => {
      const card = selectors.focusedCard(s);
      if (card) openIdentity(card.id);
    });
    case 'Escape': return act(() => s.clearSelection());
    case 'm': return act(openMergeDialog);
    case 'l': return act(toggleLock);
    case 'e': return act(openLabelDialog);
    case '/': return act(() => document.querySelector<HTMLInputElement>('[data-testid="search"]')?.focus());
  }
}

function detailKey(e: KeyboardEvent) {
  const s = useApp.getState();
  const act = (fn: () => void) => {
    e.preventDefault();
    fn();
  };
  switch (e.key) {
    case 'ArrowDown': case 'j': case 'J': case 'ArrowRight': return act(() => moveTrack(1, e.shiftKey));
    case 'ArrowUp': case 'k': case 'K': case 'ArrowLeft': return act(() => moveTrack(-1, e.shiftKey));
    case ' ': return act(() => {
      const t = selectors.focusedTrack(s);
      if (t) s.toggleTrack(t.track_id);
    });
    case 'Escape': return act(() => (s.selectedTracks.length ? s.setSelectedTracks([]) : backToGrid()));
    case 's': return act(() => void splitTracks());
    case 'v': return act(openMoveDialog);
    case 'r': return act(() => void removeTracks());
    case 'm': return act(openMergeDialog);
    case 'l': return act(toggleLock);
    case 'e': return act(openLabelDialog);
  }
}

export function useShortcuts(): void {
  useEffect(() => {
    window.addEventListener('keydown', handleKey);
    return () => window.removeEventListener('keydown', handleKey);
  }, []);
}
