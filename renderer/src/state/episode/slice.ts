// Episode slice: the workspace's episodes and the open episode's data as the service last sent it
// (document, revision, track summaries, the detail of the open identity). Edits to the document go
// through the review slice (optimistic, serialised); this slice loads.
import type { IdentitiesDoc } from '../../../../shared/schema';
import type { ResponseOf, ReviewState, TrackSummary } from '../../../../shared/ipc';
import type { SliceContext } from '../appState';
import type { Ranked } from '../mergePlan';

type EpisodeRow = ResponseOf<'episodes:list'>['episodes'][number];
export type IdentityDetail = ResponseOf<'identity:detail'>;

interface EpisodeState {
  workspaceRoot: string | null;
  episodes: EpisodeRow[];
  epId: string | null;
  revision: number;
  doc: IdentitiesDoc | null;
  tracks: Record<string, TrackSummary>;
  detail: IdentityDetail | null;
  similarity: { id: string; scores: Record<string, number> } | null;
  loading: boolean;
}

interface EpisodeActions {
  init: () => Promise<void>;
  refreshEpisodes: () => Promise<void>;
  openEpisode: (epId: string) => Promise<void>;
  reload: () => Promise<void>;
  loadDetail: (identityId: string) => Promise<void>;
  loadSimilarity: (identityId: string) => Promise<void>;
  /** Everything episode-bound is stale after a workspace switch: back to the (new) episode list. */
  enterWorkspace: (root: string) => Promise<void>;
  /** Opens the identity detail view on `id` and loads it. */
  openIdentity: (id: string) => Promise<void>;
  /** Opens the identity detail in time order with `trackId` focused and selected. */
  openTrack: (identityId: string, trackId: string) => Promise<void>;
  /** Similarity of every other identity to `anchorId`, asked fresh from the service ([] when it cannot say). */
  rankAgainst: (anchorId: string) => Promise<Ranked[]>;
  backToGrid: () => void;
}

export type EpisodeSlice = EpisodeState & EpisodeActions;

const initialState: EpisodeState = {
  workspaceRoot: null,
  episodes: [],
  epId: null,
  revision: 0,
  doc: null,
  tracks: {},
  detail: null,
  similarity: null,
  loading: false,
};

const byId = (tracks: TrackSummary[]) => Object.fromEntries(tracks.map((t) => [t.track_id, t]));

function subscribe({ get, deps }: SliceContext): void {
  const api = deps.api();
  api.onPipelineProgress((p) => get().runProgress(p));
  api.onArtifactsChanged((c) => {
    // Another window or the pipeline changed this episode: reload unless it is our own write.
    if (c.ep_id === get().epId && c.revision !== get().revision && get().pending === 0) void get().reload();
  });
  api.onCleanupProgress((p) => get().cleanupProgress(p));
  api.onModelsProgress((p) => get().modelsProgressEvent(p));
  api.onWorkspaceChanged((e) => {
    // A switch made elsewhere (another tab or window on the same host).
    if (e.root !== get().workspaceRoot) void get().enterWorkspace(e.root);
  });
}

function loading(ctx: SliceContext): Pick<EpisodeActions, 'init' | 'refreshEpisodes' | 'openEpisode' | 'reload' | 'enterWorkspace'> {
  const { set, get, deps, tracked } = ctx;
  const accept = (st: ReviewState & { tracks: TrackSummary[] }) => {
    set({ tracks: byId(st.tracks) });
    get().acceptReviewState(st);
  };
  return {
    init: () =>
      tracked(async () => {
        const [ws, settings] = await Promise.all([deps.api().getWorkspace({}), deps.api().getSettings({})]);
        set({ workspaceRoot: ws.root, settings });
        subscribe(ctx);
        await get().refreshEpisodes();
      }).catch((err) => get().toast('error', `Could not reach the review service: ${deps.errorInfo(err).message}`)),
    refreshEpisodes: () => tracked(async () => set({ episodes: (await deps.api().listEpisodes({})).episodes })),
    openEpisode: (epId) =>
      tracked(async () => {
        set({ loading: true, epId });
        try {
          const [opened, cast] = await Promise.all([deps.api().openEpisode({ ep_id: epId }), deps.api().getCastNames({ ep_id: epId })]);
          set({ castNames: cast.names, detail: null, similarity: null, view: 'people', focusIndex: 0, focusId: null, selectedIds: [], separations: [] });
          accept(opened);
        } catch (err) {
          get().reportError(`Opening ${epId}`, err);
          set({ epId: null, view: 'episodes' });
        } finally {
          set({ loading: false });
        }
      }),
    reload: async () => {
      const epId = get().epId;
      if (!epId) return;
      await tracked(async () => {
        accept(await deps.api().openEpisode({ ep_id: epId }));
        await get().refreshAfterEdit();
      });
    },
    enterWorkspace: async (root) => {
      set({ workspaceRoot: root, epId: null, doc: null, history: null, tracks: {}, detail: null, similarity: null, castNames: [], selectedIds: [], view: 'episodes' });
      await get().refreshEpisodes();
    },
  };
}

function identityActions({ set, get, deps, tracked }: SliceContext): Pick<EpisodeActions, 'loadDetail' | 'loadSimilarity' | 'openIdentity' | 'backToGrid'> {
  return {
    loadDetail: (identityId) =>
      tracked(async () => {
        const epId = get().epId;
        if (!epId) return;
        try {
          const detail = await deps.api().getIdentityDetail({ ep_id: epId, identity_id: identityId });
          if (get().detailId === identityId) set({ detail });
        } catch (err) {
          get().reportError(`Opening ${identityId}`, err);
        }
      }),
    loadSimilarity: (identityId) =>
      tracked(async () => {
        const epId = get().epId;
        if (!epId) return;
        const d = await deps.api().getIdentityDetail({ ep_id: epId, identity_id: identityId });
        set({ similarity: { id: identityId, scores: Object.fromEntries(d.suggestions.map((s) => [s.identity_id, s.similarity])) } });
      }),
    openIdentity: (id) => {
      get().openDetail(id);
      get().setView('identity');
      return get().loadDetail(id);
    },
    backToGrid: () => {
      get().openDetail(null);
      get().setView('people');
    },
  };
}

function navigation({ get, deps }: SliceContext): Pick<EpisodeActions, 'openTrack' | 'rankAgainst'> {
  return {
    openTrack: async (identityId, trackId) => {
      get().setTrackOrder('time');
      await get().openIdentity(identityId);
      const idx = get().detail?.tracks.findIndex((t) => t.track_id === trackId) ?? -1;
      if (idx >= 0) {
        get().setTrackFocus(idx);
        get().setSelectedTracks([trackId]);
      }
    },
    rankAgainst: async (anchorId) => {
      const epId = get().epId;
      if (!epId) return [];
      try {
        const d = await deps.api().getIdentityDetail({ ep_id: epId, identity_id: anchorId });
        return d.suggestions.map((s) => ({ identity_id: s.identity_id, similarity: s.similarity }));
      } catch (err) {
        get().toast('warn', `No similarity ranking: ${deps.errorInfo(err).message}`);
        return [];
      }
    },
  };
}

const actions = (ctx: SliceContext): EpisodeActions => ({ ...loading(ctx), ...identityActions(ctx), ...navigation(ctx) });

export const episodeSlice = { initialState, actions };
