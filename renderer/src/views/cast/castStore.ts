// Cast-library suggestions for the open episode: a tiny zustand store of its own (fetched per
// episode revision), so the review store's slices stay as they are. Accepting goes through the
// review store's runCommand (optimistic, journalled, undoable like any label); rejecting is
// remembered by the service and the list refetched.
import { create } from 'zustand';
import type { CastSuggestionsResponse } from '../../../../shared/ipc';
import { errorInfo, getApi } from '../../api/client';
import { useApp } from '../../state/store';

interface CastState {
  key: string | null;
  data: CastSuggestionsResponse | null;
  error: string | null;
  load: (epId: string, revision: number) => Promise<void>;
  accept: (identityId: string, personId: string, name: string) => Promise<void>;
  reject: (identityId: string, personId: string) => Promise<void>;
  undoAuto: (identityId: string) => Promise<void>;
}

export const useCast = create<CastState>()((set, get) => ({
  key: null,
  data: null,
  error: null,
  load: async (epId, revision) => {
    const key = `${epId}@${revision}`;
    if (get().key === key) return;
    set({ key, error: null });
    try {
      const data = await getApi().getCastSuggestions({ ep_id: epId });
      if (get().key === key) set({ data });
    } catch (err) {
      if (get().key === key) set({ error: errorInfo(err).message, data: null });
    }
  },
  accept: async (identityId, personId, name) => {
    await useApp.getState().runCommand({ op: 'label', identity_id: identityId, name, person_id: personId });
  },
  undoAuto: async (identityId) => {
    const app = useApp.getState();
    if (!app.epId) return;
    try {
      await getApi().undoAutoAssign({ ep_id: app.epId, identity_id: identityId });
      // The service changed identities.json (a journalled label); take its state like any edit.
      await useApp.getState().reload();
    } catch (err) {
      useApp.getState().toast('error', errorInfo(err).message);
    }
  },
  reject: async (identityId, personId) => {
    const epId = useApp.getState().epId;
    if (!epId) return;
    try {
      set({ data: await getApi().rejectCastSuggestion({ ep_id: epId, identity_id: identityId, person_id: personId }) });
    } catch (err) {
      useApp.getState().toast('error', errorInfo(err).message);
    }
  },
}));
