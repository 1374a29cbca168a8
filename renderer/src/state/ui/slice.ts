// UI slice: which view is shown (and the way to a route, route.ts), grid sort/filter, the open dialog
// (as data), toasts. No data from the service here.
import type { SliceContext } from '../appState';
import { withoutInternalPaths } from '../../format';
import type { Dialog } from './dialogs';
import { plainError } from './errors';
import type { Route } from './route';

export type View = 'episodes' | 'people' | 'identity' | 'timeline' | 'questions';
export type SortKey = 'size' | 'unlabeled' | 'similarity';
export interface Filters {
  unlabeled: boolean;
  locked: boolean;
  singletons: boolean;
  search: string;
}
export interface Toast {
  id: number;
  kind: 'info' | 'warn' | 'error';
  text: string;
}

interface UiState {
  view: View;
  sort: SortKey;
  filters: Filters;
  dialog: Dialog;
  toasts: Toast[];
  /** Grid column count, measured by the grid so arrow keys move by rows. */
  gridColumns: number;
  /** Identity detail: tracks in time order, or least similar to the centroid first. */
  trackOrder: 'time' | 'outliers';
}

interface UiActions {
  setTrackOrder: (o: 'time' | 'outliers') => void;
  setView: (view: View) => void;
  /** Shows the view a route names: opens its episode first when another one (or none) is loaded. */
  navigate: (route: Route) => Promise<void>;
  /** An error in plain words: what failed, and why in a sentence for the kind of failure. */
  reportError: (what: string, err: unknown) => void;
  /** Errors are about the view they happened on: they go when the reviewer moves on. */
  clearErrors: () => void;
  setSort: (sort: SortKey) => void;
  setFilter: <K extends keyof Filters>(key: K, value: Filters[K]) => void;
  openDialog: (dialog: Dialog) => void;
  closeDialog: () => void;
  toast: (kind: Toast['kind'], text: string) => void;
  dismissToast: (id: number) => void;
  setGridColumns: (n: number) => void;
}

export type UiSlice = UiState & UiActions;

let toastSeq = 0;

const initialState: UiState = {
  view: 'episodes',
  sort: 'size',
  filters: { unlabeled: false, locked: false, singletons: false, search: '' },
  dialog: { kind: 'none' },
  toasts: [],
  gridColumns: 1,
  trackOrder: 'time',
};

async function navigate(get: SliceContext['get'], r: Route): Promise<void> {
  if (r.view === 'episodes') return get().setView('episodes');
  if (get().epId !== r.epId || !get().doc) {
    await get().openEpisode(r.epId);
    if (get().epId !== r.epId) return;
  }
  if (r.view === 'people') return get().backToGrid();
  if (r.view === 'identity') return get().openIdentity(r.identityId);
  if (r.view === 'questions') return get().openQuestions();
  get().setView(r.view);
}

const actions = ({ set, get, deps }: SliceContext): UiActions => ({
  setTrackOrder: (trackOrder) => set({ trackOrder }),
  setView: (view) => set({ view }),
  navigate: (r) => navigate(get, r),
  setSort: (sort) => set({ sort }),
  setFilter: (key, value) => set({ filters: { ...get().filters, [key]: value } }),
  openDialog: (dialog) => set({ dialog }),
  closeDialog: () => set({ dialog: { kind: 'none' } }),
  toast: (kind, text) => {
    const id = ++toastSeq;
    // Error texts come from the service and may name files by absolute path; the reviewer sees none.
    set({ toasts: [...get().toasts.slice(-3), { id, kind, text: withoutInternalPaths(text, get().workspaceRoot) }] });
    // Errors stay until dismissed; info fades so the stack never grows unbounded.
    if (kind !== 'error') setTimeout(() => get().dismissToast(id), 4000);
  },
  dismissToast: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
  setGridColumns: (gridColumns) => set({ gridColumns: Math.max(1, gridColumns) }),
  reportError: (what, err) => get().toast('error', plainError(what, deps.errorInfo(err))),
  clearErrors: () => {
    if (get().toasts.some((t) => t.kind === 'error')) set({ toasts: get().toasts.filter((t) => t.kind !== 'error') });
  },
});

export const uiSlice = { initialState, actions };
