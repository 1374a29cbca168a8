// Episode slice: the open episode's review state as the service last confirmed it, plus optimistic
// edits. Each command is applied at once with the same pure function the service uses, then sent;
// the service's answer (new doc + revision) replaces the optimistic doc. Requests are serialised so
// each carries the revision the previous one returned.
import type { StateCreator } from 'zustand';
import { applyCommand, describeCommand, type CommandContext, type ReviewCommand, type TrackEdit } from '../../../shared/commands';
import type { IdentitiesDoc } from '../../../shared/schema';
import type { PipelineProgress, ResponseOf, ReviewState, Settings, SettingsPatch, TrackSummary } from '../../../shared/ipc';
import { errorInfo, getApi } from '../api/client';
import type { AppState } from './store';
import { selectors } from './selectors';
import { separationOf, type Separation } from './separations';

type EpisodeRow = ResponseOf<'episodes:list'>['episodes'][number];
export type IdentityDetail = ResponseOf<'identity:detail'>;
type History = ReviewState['history'];

export interface EpisodeSlice {
  workspaceRoot: string | null;
  episodes: EpisodeRow[];
  epId: string | null;
  revision: number;
  doc: IdentitiesDoc | null;
  history: History | null;
  tracks: Record<string, TrackSummary>;
  detail: IdentityDetail | null;
  similarity: { id: string; scores: Record<string, number> } | null;
  settings: Settings | null;
  castNames: ResponseOf<'cast:names'>['names'];
  run: PipelineProgress | null;
  loading: boolean;
  /** Tracks the reviewer separated in this episode (never preselected back together). */
  separations: Separation[];
  /** Requests in flight; the e2e tests and bench wait for 0 ("settled"). */
  pending: number;
  init: () => Promise<void>;
  refreshEpisodes: () => Promise<void>;
  openEpisode: (epId: string) => Promise<void>;
  reload: () => Promise<void>;
  loadDetail: (identityId: string) => Promise<void>;
  loadSimilarity: (identityId: string) => Promise<void>;
  /** `after` runs once the command is confirmed by the service, also when a confirmation dialog came first. */
  runCommand: (command: ReviewCommand, after?: () => Promise<void>) => Promise<boolean>;
  /** Split a track at a face / reject a face (rewrites tracks and faces: the episode reloads after). */
  runTrackEdit: (edit: TrackEdit) => Promise<boolean>;
  undo: () => Promise<void>;
  redo: () => Promise<void>;
  saveSettings: (patch: Settings) => Promise<void>;
  startRun: (req: { ep_id: string; video_path: string; settings: Settings }) => Promise<void>;
  cancelRun: () => Promise<void>;
}

let queue: Promise<unknown> = Promise.resolve();
/** Runs service calls one after another (each needs the revision the previous one returned). */
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const next = queue.then(fn, fn);
  queue = next.catch(() => undefined);
  return next;
}

/** The UI never sends modelsDir (the contract refuses it: no pointing the app at arbitrary model folders). */
function toPatch(settings: Settings): SettingsPatch {
  const { modelsDir: _omit, ...patch } = settings;
  return patch;
}

/** The confirmation for an edit of a locked identity; a relabel names the old and the new label. */
function lockedMessage(doc: IdentitiesDoc, command: ReviewCommand, refusal: string): string {
  if (command.op !== 'label') return `${refusal}. Change it anyway?`;
  const cur = doc.identities.find((i) => i.identity_id === command.identity_id);
  const show = (n: string | null | undefined) => (n ? `"${n}"` : 'unlabeled');
  return `${command.identity_id} is locked. Relabel it ${show(cur?.labels.name)} → ${show(command.name)}?`;
}

function commandContext(tracks: Record<string, TrackSummary>): CommandContext {
  const ctx: CommandContext['tracks'] = {};
  for (const [id, t] of Object.entries(tracks)) {
    ctx[id] = { faces: t.faces, frame_span: t.frame_span, thumb: t.sample_crops[0] };
  }
  return { tracks: ctx };
}

export const createEpisodeSlice: StateCreator<AppState, [], [], EpisodeSlice> = (set, get) => {
  const tracked = async <T>(fn: () => Promise<T>): Promise<T> => {
    set({ pending: get().pending + 1 });
    try {
      return await fn();
    } finally {
      set({ pending: get().pending - 1 });
    }
  };
  const acceptState = (st: ReviewState) => {
    // Drop selected ids that no longer exist (merged away, emptied by a move, undone splits).
    const alive = new Set(st.identities.identities.map((i) => i.identity_id));
    const selectedIds = get().selectedIds.filter((id) => alive.has(id));
    set({ doc: st.identities, revision: st.revision, history: st.history, selectedIds });
    for (const w of st.warnings ?? []) get().toast('warn', w);
  };
  const refreshAfterEdit = async () => {
    const { detailId, view } = get();
    if (view === 'identity' && detailId) {
      if (get().doc?.identities.some((i) => i.identity_id === detailId)) await get().loadDetail(detailId);
      else {
        get().openDetail(null);
        get().setView('people');
      }
    }
  };
  const failed = async (err: unknown, what: string) => {
    const e = errorInfo(err);
    if (e.code === 'conflict') {
      get().toast('warn', `The episode was changed elsewhere (revision ${e.revision ?? '?'}); reloaded the latest state. Please redo "${what}" if still needed.`);
      await get().reload();
    } else {
      get().toast('error', `${what} failed: ${e.message}`);
    }
  };

  return {
    workspaceRoot: null,
    episodes: [],
    epId: null,
    revision: 0,
    doc: null,
    history: null,
    tracks: {},
    detail: null,
    similarity: null,
    settings: null,
    castNames: [],
    run: null,
    loading: false,
    separations: [],
    pending: 0,

    init: () =>
      tracked(async () => {
        const api = getApi();
        const [ws, settings] = await Promise.all([api.getWorkspace({}), api.getSettings({})]);
        set({ workspaceRoot: ws.root, settings });
        api.onPipelineProgress((p) => {
          set({ run: p });
          if (p.state !== 'running') void get().refreshEpisodes();
        });
        api.onArtifactsChanged((c) => {
          // Another window or the pipeline changed this episode: reload unless it is our own write.
          if (c.ep_id === get().epId && c.revision !== get().revision && get().pending === 0) void get().reload();
        });
        await get().refreshEpisodes();
      }).catch((err) => get().toast('error', `Could not reach the review service: ${errorInfo(err).message}`)),

    refreshEpisodes: () =>
      tracked(async () => {
        const { episodes } = await getApi().listEpisodes({});
        set({ episodes });
      }),

    openEpisode: (epId) =>
      tracked(async () => {
        set({ loading: true, epId });
        try {
          const api = getApi();
          const [opened, cast] = await Promise.all([api.openEpisode({ ep_id: epId }), api.getCastNames({ ep_id: epId })]);
          const tracks: Record<string, TrackSummary> = {};
          for (const t of opened.tracks) tracks[t.track_id] = t;
          set({ tracks, castNames: cast.names, detail: null, similarity: null, view: 'people', focusIndex: 0, selectedIds: [], separations: [] });
          acceptState(opened);
        } catch (err) {
          get().toast('error', `Could not open ${epId}: ${errorInfo(err).message}`);
          set({ epId: null, view: 'episodes' });
        } finally {
          set({ loading: false });
        }
      }),

    reload: async () => {
      const epId = get().epId;
      if (!epId) return;
      await tracked(async () => {
        const opened = await getApi().openEpisode({ ep_id: epId });
        const tracks: Record<string, TrackSummary> = {};
        for (const t of opened.tracks) tracks[t.track_id] = t;
        set({ tracks });
        acceptState(opened);
        await refreshAfterEdit();
      });
    },

    loadDetail: (identityId) =>
      tracked(async () => {
        const epId = get().epId;
        if (!epId) return;
        try {
          const detail = await getApi().getIdentityDetail({ ep_id: epId, identity_id: identityId });
          if (get().detailId === identityId) set({ detail });
        } catch (err) {
          get().toast('error', `Could not load ${identityId}: ${errorInfo(err).message}`);
        }
      }),

    loadSimilarity: (identityId) =>
      tracked(async () => {
        const epId = get().epId;
        if (!epId) return;
        const d = await getApi().getIdentityDetail({ ep_id: epId, identity_id: identityId });
        set({ similarity: { id: identityId, scores: Object.fromEntries(d.suggestions.map((s) => [s.identity_id, s.similarity])) } });
      }),

    runCommand: async (command, after) => {
      const { doc, epId, tracks } = get();
      if (!doc || !epId) return false;
      const label = describeCommand(command);
      const local = applyCommand(doc, command, new Date().toISOString(), commandContext(tracks));
      if (!local.ok) {
        if (local.code === 'locked' && !('force' in command && command.force)) {
          get().openDialog({
            kind: 'confirm-locked',
            message: lockedMessage(doc, command, local.message),
            onConfirm: () => void get().runCommand({ ...command, force: true } as ReviewCommand, after),
          });
        } else if (local.code === 'overlap' && (command.op === 'merge' || command.op === 'moveTracks') && !command.allow_overlap) {
          get().openDialog({
            kind: 'confirm-locked',
            message: `${local.message}. Tracks that share frames are probably two different people. Continue anyway?`,
            onConfirm: () => void get().runCommand({ ...command, allow_overlap: true }, after),
          });
        } else get().toast('error', `${label}: ${local.message}`);
        return false;
      }
      const before = doc;
      set({ doc: local.doc });
      return tracked(async () => {
        const ok = await serial(async () => {
          try {
            acceptState(await getApi().applyReview({ ep_id: epId, revision: get().revision, command }));
            const apart = separationOf(before, command);
            if (apart) set({ separations: [...get().separations, apart] });
            await refreshAfterEdit();
            return true;
          } catch (err) {
            if (get().doc === local.doc) set({ doc: before });
            await failed(err, label);
            return false;
          }
        });
        // Outside the queue: `after` may run commands of its own.
        if (ok && after) await after();
        return ok;
      });
    },

    runTrackEdit: (edit) => {
      const epId = get().epId;
      if (!epId) return Promise.resolve(false);
      const what = edit.op === 'splitTrack' ? `Split ${edit.track_id}` : `Reject ${edit.face_id}`;
      return tracked(() =>
        serial(async () => {
          try {
            acceptState(await getApi().editTrack({ ep_id: epId, revision: get().revision, edit }));
            await get().reload();
            return true;
          } catch (err) {
            const e = errorInfo(err);
            if (e.code === 'locked' && !edit.force) {
              get().openDialog({ kind: 'confirm-locked', message: `${e.message}. Change it anyway?`, onConfirm: () => void get().runTrackEdit({ ...edit, force: true }) });
            } else await failed(err, what);
            return false;
          }
        }),
      );
    },

    undo: () => historyStep('undo'),
    redo: () => historyStep('redo'),

    saveSettings: (patch) =>
      tracked(async () => {
        try {
          set({ settings: await getApi().setSettings(toPatch(patch)) });
        } catch (err) {
          get().toast('error', `Settings not saved: ${errorInfo(err).message}`);
        }
      }),

    startRun: (req) =>
      tracked(async () => {
        try {
          const { run_id } = await getApi().startPipeline({ ...req, settings: toPatch(req.settings) });
          set({ run: { run_id, ep_id: req.ep_id, state: 'running', stage: 'starting', done: 0, total: 0, rate: null, eta: null } });
        } catch (err) {
          get().toast('error', `Run not started: ${errorInfo(err).message}`);
        }
      }),

    cancelRun: async () => {
      const run = get().run;
      if (!run) return;
      await tracked(() => getApi().cancelPipeline({ run_id: run.run_id })).catch((err) =>
        get().toast('error', `Cancel failed: ${errorInfo(err).message}`),
      );
    },
  };

  function historyStep(which: 'undo' | 'redo'): Promise<void> {
    const { history } = get();
    // Only the episode on screen: on the Episodes list an undo would change what nobody can see.
    const epId = selectors.episodeOnScreen(get());
    if (!epId) return Promise.resolve();
    if (history && !(which === 'undo' ? history.can_undo : history.can_redo)) {
      get().toast('info', `Nothing to ${which}`);
      return Promise.resolve();
    }
    // A cleanup step restores tracks and faces too, not just identities: reload them.
    const kind = which === 'undo' ? history?.undo_kind : history?.redo_kind;
    const cleanupStep = kind === 'cleanup' || kind === 'track-edit';
    return tracked(() =>
      serial(async () => {
        try {
          const api = getApi();
          const req = { ep_id: epId, revision: get().revision };
          const st = which === 'undo' ? await api.undo(req) : await api.redo(req);
          acceptState(st);
          if (cleanupStep) await get().reload();
          else await refreshAfterEdit();
        } catch (err) {
          // The service names the files that changed since the cleanup: show that, not "changed elsewhere".
          if (cleanupStep) {
            get().toast('warn', errorInfo(err).message);
            await get().reload();
          } else await failed(err, which);
        }
      }),
    );
  }
};
