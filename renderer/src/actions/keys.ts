// Key bindings: matching a keyboard event against an action's keys, and how a binding is shown.

/** The parts of a KeyboardEvent the matcher reads (so it runs under Node too). */
export interface KeyLike {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

interface Binding {
  key: string;
  shift: boolean;
  mod: boolean;
}

export function parseBinding(binding: string): Binding {
  const parts = binding.split('+');
  // '+' itself splits into ['', ''] ('Mod++' into ['Mod', '', '']): a trailing empty part is the '+' key.
  const key = binding.endsWith('+') && (binding === '+' || binding.endsWith('++')) ? '+' : parts[parts.length - 1];
  return { key: key === 'Space' ? ' ' : key, shift: parts.includes('Shift'), mod: parts.includes('Mod') };
}

const isLetter = (k: string) => /^[a-z]$/i.test(k);
/** Printable symbols already say whether Shift was held ('?' is Shift+/ on most layouts). */
const isSymbol = (k: string) => k.length === 1 && !isLetter(k) && k !== ' ';

/** Whether the event is this binding; `anyShift` lets Shift through (it then extends a selection). */
export function matches(binding: string, e: KeyLike, anyShift = false): boolean {
  const b = parseBinding(binding);
  if (e.altKey || b.mod !== (e.ctrlKey || e.metaKey)) return false;
  if (isLetter(b.key)) return e.key.toLowerCase() === b.key.toLowerCase() && (anyShift || b.shift === e.shiftKey);
  if (isSymbol(b.key)) return e.key === b.key;
  return e.key === b.key && (anyShift || b.shift === e.shiftKey);
}

/** A canonical form, for finding two actions on one key. */
export function normalise(binding: string): string {
  const b = parseBinding(binding);
  return `${b.mod ? 'Mod+' : ''}${b.shift ? 'Shift+' : ''}${isLetter(b.key) ? b.key.toLowerCase() : b.key}`;
}

const SHOWN: Record<string, string> = { ArrowLeft: '←', ArrowRight: '→', ArrowUp: '↑', ArrowDown: '↓', ' ': 'Space', Escape: 'Esc' };

/** The keys of a binding as shown on <kbd>s: 'Mod+Shift+z' → ['Ctrl/⌘', 'Shift', 'z']. */
export function keyCaps(binding: string): string[] {
  const b = parseBinding(binding);
  return [...(b.mod ? ['Ctrl/⌘'] : []), ...(b.shift ? ['Shift'] : []), SHOWN[b.key] ?? b.key];
}

/** Short form for a button's text or tooltip: 'Shift+z' → 'shift+z'. */
export function keyHint(binding: string): string {
  return keyCaps(binding).join('+').replace(/^Shift\+/, 'shift+');
}
