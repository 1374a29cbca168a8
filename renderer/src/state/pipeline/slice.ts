// Pipeline slice: the saved run settings and the run in progress (its progress events and cancel).
import type { PipelineProgress, Settings, SettingsPatch } from '../../../../shared/ipc';
import type { SliceContext } from '../appState';

interface PipelineState {
  settings: Settings | null;
  run: PipelineProgress | null;
}

interface PipelineActions {
  saveSettings: (patch: Settings) => Promise<void>;
  startRun: (req: { ep_id: string; video_path: string; settings: Settings }) => Promise<void>;
  cancelRun: () => Promise<void>;
  /** A pipeline:progress event; a finished run refreshes the episode list. */
  runProgress: (p: PipelineProgress) => void;
}

export type PipelineSlice = PipelineState & PipelineActions;

const initialState: PipelineState = { settings: null, run: null };

/** The UI never sends modelsDir (the contract refuses it: no pointing the app at arbitrary model folders). */
function toPatch(settings: Settings): SettingsPatch {
  const { modelsDir: _omit, ...patch } = settings;
  return patch;
}

const actions = ({ set, get, deps, tracked }: SliceContext): PipelineActions => ({
  saveSettings: (patch) =>
    tracked(async () => {
      try {
        set({ settings: await deps.api().setSettings(toPatch(patch)) });
      } catch (err) {
        get().toast('error', `Settings not saved: ${deps.errorInfo(err).message}`);
      }
    }),
  startRun: (req) =>
    tracked(async () => {
      try {
        const { run_id } = await deps.api().startPipeline({ ...req, settings: toPatch(req.settings) });
        set({ run: { run_id, ep_id: req.ep_id, state: 'running', stage: 'starting', done: 0, total: 0, rate: null, eta: null } });
      } catch (err) {
        get().toast('error', `Run not started: ${deps.errorInfo(err).message}`);
      }
    }),
  cancelRun: async () => {
    const run = get().run;
    if (!run) return;
    await tracked(() => deps.api().cancelPipeline({ run_id: run.run_id })).catch((err) =>
      get().toast('error', `Cancel failed: ${deps.errorInfo(err).message}`),
    );
  },
  runProgress: (p) => {
    set({ run: p });
    if (p.state !== 'running') void get().refreshEpisodes();
  },
});

export const pipelineSlice = { initialState, actions };
