// The undo/redo history as the renderer reads it. Step kinds are read here and nowhere else.
import type { AppState } from '../appState';

type Which = 'undo' | 'redo';
type H = Pick<AppState, 'history'>;
const stepLabel = (s: H, which: Which) => (which === 'undo' ? s.history?.undo_label : s.history?.redo_label) ?? null;
const stepKind = (s: H, which: Which) => (which === 'undo' ? s.history?.undo_kind : s.history?.redo_kind) ?? null;

export const reviewSelectors = {
  canStep(s: H, which: Which): boolean {
    return !!(which === 'undo' ? s.history?.can_undo : s.history?.can_redo);
  },
  stepLabel,
  /** The next undo / redo step is a cleanup. */
  isCleanupStep(s: H, which: Which): boolean {
    return stepKind(s, which) === 'cleanup';
  },
  /** The next undo / redo step rewrites tracks and faces (a cleanup or a track edit): reload after it. */
  stepRestoresFiles(s: H, which: Which): boolean {
    const kind = stepKind(s, which);
    return kind === 'cleanup' || kind === 'track-edit';
  },
};
