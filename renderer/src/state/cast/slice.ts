// Cast slice: the show's cast library as it meets the open episode. Names for the label dialog,
// suggestions per identity (fetched per episode revision), and the library's reference faces.
// Accepting a suggestion is a label edit like any other (optimistic, journalled, undoable); a
// rejection is remembered by the service and the list refetched.
import type { ResponseOf } from '../../../../shared/ipc';
import type { SliceContext } from '../appState';

export type CastSuggestionsData = ResponseOf<'cast:suggestions'>;
export type CastReferencesData = ResponseOf<'cast:references'>;
export type CastReference = CastReferencesData['people'][number]['references'][number];

interface CastState {
  castNames: ResponseOf<'cast:names'>['names'];
  /** `${epId}@${revision}` the suggestions were asked for. */
  castKey: string | null;
  castSuggestions: CastSuggestionsData | null;
  castReferences: CastReferencesData | null;
}

interface CastActions {
  loadCastSuggestions: (epId: string, revision: number) => Promise<void>;
  acceptCast: (identityId: string, personId: string, name: string) => Promise<void>;
  rejectCast: (identityId: string, personId: string) => Promise<void>;
  undoAutoAssign: (identityId: string) => Promise<void>;
  loadCastReferences: (show: string) => Promise<void>;
  removeCastReference: (show: string, personId: string, ref: CastReference) => Promise<boolean>;
}

export type CastSlice = CastState & CastActions;

const initialState: CastState = { castNames: [], castKey: null, castSuggestions: null, castReferences: null };

function suggestions({ set, get, deps }: SliceContext): Pick<CastActions, 'loadCastSuggestions' | 'acceptCast' | 'rejectCast' | 'undoAutoAssign'> {
  return {
    loadCastSuggestions: async (epId, revision) => {
      const key = `${epId}@${revision}`;
      if (get().castKey === key) return;
      set({ castKey: key });
      try {
        const data = await deps.api().getCastSuggestions({ ep_id: epId });
        if (get().castKey === key) set({ castSuggestions: data });
      } catch {
        if (get().castKey === key) set({ castSuggestions: null });
      }
    },
    acceptCast: async (identityId, personId, name) => {
      await get().runCommand({ op: 'label', identity_id: identityId, name, person_id: personId });
    },
    undoAutoAssign: async (identityId) => {
      const epId = get().epId;
      if (!epId) return;
      try {
        await deps.api().undoAutoAssign({ ep_id: epId, identity_id: identityId });
        // The service changed identities.json (a journalled label); take its state like any edit.
        await get().reload();
      } catch (err) {
        get().toast('error', deps.errorInfo(err).message);
      }
    },
    rejectCast: async (identityId, personId) => {
      const epId = get().epId;
      if (!epId) return;
      try {
        set({ castSuggestions: await deps.api().rejectCastSuggestion({ ep_id: epId, identity_id: identityId, person_id: personId }) });
      } catch (err) {
        get().toast('error', deps.errorInfo(err).message);
      }
    },
  };
}

function references({ set, get, deps }: SliceContext): Pick<CastActions, 'loadCastReferences' | 'removeCastReference'> {
  return {
    loadCastReferences: async (show) => {
      set({ castReferences: null });
      try {
        const data = await deps.api().getCastReferences({ show });
        set({ castReferences: data });
      } catch (err) {
        get().toast('error', `Cast library not loaded: ${deps.errorInfo(err).message}`);
      }
    },
    removeCastReference: async (show, personId, r) => {
      try {
        set({ castReferences: await deps.api().removeCastReference({ show, person_id: personId, ep_id: r.ep_id, track_id: r.track_id }) });
        // Suggestions are computed from these references: refetch them.
        set({ castKey: null });
        const { epId, revision } = get();
        if (epId) void get().loadCastSuggestions(epId, revision);
        return true;
      } catch (err) {
        get().toast('error', `Reference not removed: ${deps.errorInfo(err).message}`);
        return false;
      }
    },
  };
}

const actions = (ctx: SliceContext): CastActions => ({ ...suggestions(ctx), ...references(ctx) });

export const castSlice = { initialState, actions };
