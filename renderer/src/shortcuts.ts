// The keyboard map, declared once: the global handler dispatches from it and the "?" overlay lists it.
export interface Shortcut {
  keys: string[];
  label: string;
  scope: 'global' | 'grid' | 'detail';
}

export const SHORTCUTS: Shortcut[] = [
  { keys: ['←', '→', '↑', '↓'], label: 'Move between cards / tracks', scope: 'global' },
  { keys: ['j', 'k'], label: 'Next / previous card or track', scope: 'global' },
  { keys: ['Space'], label: 'Select / deselect the focused item', scope: 'global' },
  { keys: ['Shift', '+ arrows'], label: 'Extend the selection', scope: 'global' },
  { keys: ['Enter'], label: 'Open the focused identity', scope: 'grid' },
  { keys: ['Esc'], label: 'Back / close dialog / clear selection', scope: 'global' },
  { keys: ['m'], label: 'Merge selected identities (target ← sources)', scope: 'grid' },
  { keys: ['s'], label: 'Split selected tracks into a new identity', scope: 'detail' },
  { keys: ['v'], label: 'Move selected tracks to another identity', scope: 'detail' },
  { keys: ['r'], label: 'Remove the selected tracks (each becomes a singleton)', scope: 'detail' },
  { keys: ['l'], label: 'Lock / unlock', scope: 'global' },
  { keys: ['e'], label: 'Edit label', scope: 'global' },
  { keys: ['y'], label: 'Accept the best cast-library suggestion', scope: 'global' },
  { keys: ['z'], label: 'Undo', scope: 'global' },
  { keys: ['Shift', 'z'], label: 'Redo', scope: 'global' },
  { keys: ['/'], label: 'Search by name', scope: 'grid' },
  { keys: ['?'], label: 'Show this list', scope: 'global' },
];
