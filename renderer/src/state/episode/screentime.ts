// Screen time of the open episode (computed by the service from tracks + identities, per revision)
// and its export to JSON + CSV.
import type { ResponseOf } from '../../../../shared/ipc';
import type { SliceContext } from '../appState';

export type ScreentimeDoc = ResponseOf<'screentime:get'>;

interface ScreentimeState {
  /** `${epId}@${revision}` the screen time below belongs to. */
  screentimeKey: string | null;
  screentime: ScreentimeDoc | null;
  screentimeError: string | null;
}

interface ScreentimeActions {
  loadScreenTime: (epId: string, revision: number) => Promise<void>;
  /** Writes screentime.json + .csv on the host; the document written (null when it failed, said in a toast). */
  exportScreenTime: () => Promise<ScreentimeDoc | null>;
}

export type ScreentimeSlice = ScreentimeState & ScreentimeActions;

const initialState: ScreentimeState = { screentimeKey: null, screentime: null, screentimeError: null };

const actions = ({ set, get, deps }: SliceContext): ScreentimeActions => ({
  loadScreenTime: async (epId, revision) => {
    const key = `${epId}@${revision}`;
    set({ screentimeKey: key, screentimeError: null });
    try {
      const doc = await deps.api().getScreenTime({ ep_id: epId });
      if (get().screentimeKey === key) set({ screentime: doc });
    } catch (err) {
      if (get().screentimeKey === key) set({ screentimeError: deps.errorInfo(err).message });
    }
  },
  exportScreenTime: async () => {
    const epId = get().epId;
    if (!epId) return null;
    try {
      const r = await deps.api().exportScreenTime({ ep_id: epId });
      set({ screentime: r.screentime });
      get().toast('info', `Exported ${r.json_path} and ${r.csv_path}`);
      return r.screentime;
    } catch (err) {
      get().toast('error', deps.errorInfo(err).message);
      return null;
    }
  },
});

export const screentimeSlice = { initialState, actions };
