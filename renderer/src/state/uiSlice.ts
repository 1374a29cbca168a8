// UI slice: which view is shown, grid sort/filter, open dialog, toasts. No data from the service here.
import type { StateCreator } from 'zustand';
import type { AppState } from './store';
import { withoutInternalPaths } from '../format';

export type View = 'episodes' | 'people' | 'identity' | 'timeline';
export type SortKey = 'size' | 'unlabeled' | 'similarity';
export interface Filters {
  unlabeled: boolean;
  locked: boolean;
  singletons: boolean;
  search: string;
}
export type Dialog =
  | { kind: 'none' }
  | { kind: 'shortcuts' }
  | { kind: 'label'; identityId: string }
  | { kind: 'merge'; targetId: string; sourceIds: string[] }
  | { kind: 'move'; trackIds: string[]; fromId: string }
  | { kind: 'confirm-locked'; message: string; onConfirm: () => void }
  | { kind: 'cast-references'; show: string; personId: string | null }
  | { kind: 'run' }
  | { kind: 'settings' };
export interface Toast {
  id: number;
  kind: 'info' | 'warn' | 'error';
  text: string;
}

export interface UiSlice {
  view: View;
  sort: SortKey;
  filters: Filters;
  dialog: Dialog;
  toasts: Toast[];
  /** Grid column count, measured by the grid so arrow keys move by rows. */
  gridColumns: number;
  /** Identity detail: tracks in time order, or least similar to the centroid first. */
  trackOrder: 'time' | 'outliers';
  setTrackOrder: (o: 'time' | 'outliers') => void;
  setView: (view: View) => void;
  setSort: (sort: SortKey) => void;
  setFilter: <K extends keyof Filters>(key: K, value: Filters[K]) => void;
  openDialog: (dialog: Dialog) => void;
  closeDialog: () => void;
  toast: (kind: Toast['kind'], text: string) => void;
  dismissToast: (id: number) => void;
  setGridColumns: (n: number) => void;
}

let toastSeq = 0;

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => ({
  view: 'episodes',
  sort: 'size',
  filters: { unlabeled: false, locked: false, singletons: false, search: '' },
  dialog: { kind: 'none' },
  toasts: [],
  gridColumns: 1,
  trackOrder: 'time',
  setTrackOrder: (trackOrder) => set({ trackOrder }),
  setView: (view) => set({ view }),
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
});
