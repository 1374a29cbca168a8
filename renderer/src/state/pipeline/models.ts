// Model packs: the installable packs and the packs a run can use, with install progress, cancel and
// removal. The list is read again after every install, cancel or removal.
import type { EventOf, RequestOf, ResponseOf } from '../../../../shared/ipc';
import type { SliceContext } from '../appState';

export type ModelsList = ResponseOf<'models:list'>;
type Progress = EventOf<'models:progress'>;

interface ModelsState {
  models: ModelsList | null;
  modelsError: string | null;
  /** Latest install progress per pack. */
  modelsProgress: Record<string, Progress>;
}

interface ModelsActions {
  loadModels: () => Promise<void>;
  /** Each resolves to the failure's message, or null when it went through. */
  installModel: (packId: string) => Promise<string | null>;
  cancelModelInstall: (packId: string) => Promise<string | null>;
  /** On success also the pack the service now uses by default. */
  removeModel: (packId: string) => Promise<{ error: string | null; defaultPack?: string }>;
  modelsProgressEvent: (p: Progress) => void;
  /** The Models panel shows the progress of installs seen while it is open. */
  clearModelsProgress: () => void;
}

export type ModelsSlice = ModelsState & ModelsActions;

const initialState: ModelsState = { models: null, modelsError: null, modelsProgress: {} };

const actions = ({ set, get, deps }: SliceContext): ModelsActions => {
  /** Runs a request, then reads the list again whatever happened. */
  const act = async <T>(fn: () => Promise<T>): Promise<{ error: string | null; value?: T }> => {
    try {
      return { error: null, value: await fn() };
    } catch (err) {
      return { error: deps.errorInfo(err).message };
    } finally {
      await get().loadModels();
    }
  };
  const install = (req: RequestOf<'models:install'>) => act(() => deps.api().installModel(req));
  return {
    loadModels: async () => {
      try {
        set({ models: await deps.api().listModels({}), modelsError: null });
      } catch (err) {
        set({ modelsError: deps.errorInfo(err).message });
      }
    },
    installModel: async (packId) => (await install({ pack_id: packId, allow_unpinned: false, make_default: false })).error,
    cancelModelInstall: async (packId) => (await act(() => deps.api().cancelModelInstall({ pack_id: packId }))).error,
    removeModel: async (packId) => {
      const r = await act(() => deps.api().removeModel({ pack_id: packId }));
      return { error: r.error, defaultPack: r.value?.default_pack };
    },
    modelsProgressEvent: (p) => {
      set({ modelsProgress: { ...get().modelsProgress, [p.pack_id]: p } });
      if (p.state !== 'running') void get().loadModels();
    },
    clearModelsProgress: () => set({ modelsProgress: {} }),
  };
};

export const modelsSlice = { initialState, actions };
