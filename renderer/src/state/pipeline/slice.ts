// Pipeline slice: the saved run settings, the Run dialog's draft (kept between openings) and its field
// errors, the file browser's listing, and the run in progress (its progress events, cancel, retry or
// resume, dismiss, open, and deleting the episode it left half made).
import type { BrowseResponse } from '../../../../shared/browse';
import type { PipelineProgress, RequestOf, Settings, SettingsPatch } from '../../../../shared/ipc';
import type { SliceContext } from '../appState';
import { plainError } from '../ui/errors';
import { checkDraft, emptyDraft, guessEpId, type RunDraft, type RunErrors } from './run-draft';

type StartRequest = RequestOf<'pipeline:start'>;

interface PipelineState {
  settings: Settings | null;
  run: PipelineProgress | null;
  runDraft: RunDraft;
  runErrors: RunErrors;
  /** The dialog is waiting for the host's checks. */
  runStarting: boolean;
  /** What the last run was started with (Retry / Resume start it again). */
  lastRun: StartRequest | null;
  runBrowse: { listing: BrowseResponse | null; error: string | null };
  /** The run's episode has reviewer work: deleting it needs a second, explicit yes (the host's reason). */
  runDeleteAsk: string | null;
}

interface PipelineActions {
  saveSettings: (patch: Settings) => Promise<void>;
  updateRunDraft: (patch: Partial<RunDraft>) => void;
  /** Checks the draft (here, then on the host) and starts the run; true when it started. */
  submitRun: () => Promise<boolean>;
  browseTo: (at: { root?: string; path: string }) => Promise<void>;
  /** A video picked in the browser: its absolute path fills the draft (and the episode id when empty). */
  pickVideo: (name: string) => void;
  cancelRun: () => Promise<void>;
  /** Starts the last run again on its episode: it resumes from the completed stages. */
  resumeRun: () => Promise<void>;
  dismissRun: () => void;
  openRunEpisode: () => Promise<void>;
  deleteRunEpisode: (force?: boolean) => Promise<void>;
  /** A pipeline:progress event; a finished run refreshes the episode list. */
  runProgress: (p: PipelineProgress) => void;
}

export type PipelineSlice = PipelineState & PipelineActions;

const initialState: PipelineState = {
  settings: null,
  run: null,
  runDraft: emptyDraft(),
  runErrors: {},
  runStarting: false,
  lastRun: null,
  runBrowse: { listing: null, error: null },
  runDeleteAsk: null,
};

/** The UI never sends modelsDir (the contract refuses it: no pointing the app at arbitrary model folders). */
function toPatch(settings: Settings): SettingsPatch {
  const { modelsDir: _omit, ...patch } = settings;
  return patch;
}

const FIELDS = new Set(['video_path', 'ep_id']);

/** Starts a run; a refusal about a field lands next to it, any other on the form. */
async function start(ctx: SliceContext, req: StartRequest): Promise<RunErrors | null> {
  const { set, deps } = ctx;
  try {
    const { run_id } = await deps.api().startPipeline(req);
    set({ run: { run_id, ep_id: req.ep_id, state: 'running', stage: 'starting', done: 0, total: 0, rate: null, eta: null }, lastRun: req, runDeleteAsk: null });
    return null;
  } catch (err) {
    const e = deps.errorInfo(err);
    return e.reason && FIELDS.has(e.reason) ? { [e.reason]: e.message } : { form: `Run not started: ${e.message}` };
  }
}

function runActions(ctx: SliceContext): Pick<PipelineActions, 'submitRun' | 'resumeRun' | 'cancelRun' | 'dismissRun' | 'openRunEpisode' | 'runProgress'> {
  const { set, get, deps, tracked } = ctx;
  return {
    submitRun: () =>
      tracked(async () => {
        const d = get().runDraft;
        const local = checkDraft(d, new Set(get().episodes.map((e) => e.ep_id)));
        if (Object.keys(local).length > 0) return (set({ runErrors: local }), false);
        set({ runStarting: true, runErrors: {} });
        const settings = d.settings ?? get().settings;
        const errors = await start(ctx, {
          ep_id: d.ep_id,
          video_path: d.video_path.trim(),
          mode: d.rerun ? 'rerun' : 'new',
          ...(settings ? { settings: toPatch(settings) } : {}),
        });
        set({ runStarting: false, runErrors: errors ?? {} });
        if (errors) return false;
        // Started: the next run begins from a clean form with the same settings.
        set({ runDraft: { ...emptyDraft(), settings: d.settings, advanced: d.advanced, browseAt: d.browseAt } });
        get().closeDialog();
        return true;
      }),
    resumeRun: () =>
      tracked(async () => {
        const last = get().lastRun;
        if (!last) return;
        const errors = await start(ctx, { ...last, mode: 'rerun' });
        if (errors) get().toast('error', Object.values(errors).join(' '));
      }),
    cancelRun: async () => {
      const run = get().run;
      if (!run) return;
      await tracked(() => deps.api().cancelPipeline({ run_id: run.run_id })).catch((err) =>
        get().toast('error', `Cancel failed: ${deps.errorInfo(err).message}`),
      );
    },
    dismissRun: () => set({ run: null, runDeleteAsk: null }),
    openRunEpisode: async () => {
      const run = get().run;
      if (!run) return;
      set({ run: null });
      await get().openEpisode(run.ep_id);
    },
    runProgress: (p) => {
      // Events of a run this window no longer shows (dismissed, or replaced by a newer one) are ignored.
      const cur = get().run;
      if (cur && cur.run_id !== p.run_id && cur.state === 'running') return;
      set({ run: p });
      if (p.state !== 'running') void get().refreshEpisodes();
    },
  };
}

function draftActions(ctx: SliceContext): Pick<PipelineActions, 'updateRunDraft' | 'browseTo' | 'pickVideo'> {
  const { set, get, deps, tracked } = ctx;
  return {
    updateRunDraft: (patch) => {
      const errors = { ...get().runErrors };
      if ('video_path' in patch) delete errors.video_path;
      if ('ep_id' in patch || 'rerun' in patch) delete errors.ep_id;
      delete errors.form;
      set({ runDraft: { ...get().runDraft, ...patch }, runErrors: errors });
    },
    browseTo: (at) =>
      tracked(async () => {
        try {
          let listing = await deps.api().browseFiles(at);
          // No folder yet: the first folder the host was started with besides the workspace (root-1),
          // where videos usually are, else the workspace.
          const first = listing.roots[1] ?? listing.roots[0];
          if (at.root === undefined && first) listing = await deps.api().browseFiles({ root: first.id, path: '' });
          set({ runBrowse: { listing, error: null }, runDraft: { ...get().runDraft, browseAt: { root: listing.root, path: listing.path } } });
        } catch (err) {
          set({ runBrowse: { listing: get().runBrowse.listing, error: deps.errorInfo(err).message } });
        }
      }),
    pickVideo: (name) => {
      const l = get().runBrowse.listing;
      const root = l?.roots.find((r) => r.id === l.root);
      if (!l || !root) return;
      const d = get().runDraft;
      const video_path = [root.label.replace(/\/+$/, ''), ...(l.path ? [l.path] : []), name].join('/');
      get().updateRunDraft({ video_path, browsing: false, ...(d.ep_id ? {} : { ep_id: guessEpId(name) }) });
    },
  };
}

const actions = (ctx: SliceContext): PipelineActions => {
  const { set, get, deps, tracked } = ctx;
  return {
    saveSettings: (patch) =>
      tracked(async () => {
        try {
          set({ settings: await deps.api().setSettings(toPatch(patch)) });
        } catch (err) {
          get().toast('error', `Settings not saved: ${deps.errorInfo(err).message}`);
        }
      }),
    ...draftActions(ctx),
    ...runActions(ctx),
    deleteRunEpisode: (force) =>
      tracked(async () => {
        const run = get().run;
        if (!run) return;
        try {
          await deps.api().deleteEpisode({ ep_id: run.ep_id, ...(force ? { force } : {}) });
          set({ run: null, runDeleteAsk: null });
          get().toast('info', `Deleted ${run.ep_id}.`);
        } catch (err) {
          const e = deps.errorInfo(err);
          if (e.reason === 'has_edits') set({ runDeleteAsk: e.message });
          else if (e.code === 'not_found') set({ run: null, runDeleteAsk: null });
          else get().toast('error', plainError(`Deleting ${run.ep_id}`, e));
        }
        await get().refreshEpisodes();
      }),
  };
};

export const pipelineSlice = { initialState, actions };
