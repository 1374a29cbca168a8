// A review store for renderer tests under Node: the real slices over a fake host that records the
// calls it gets and answers from a handler the test gives, plus a small identities document.
import { createStore } from 'zustand/vanilla';
import type { IdentitiesDoc, Identity } from '../shared/schema';
import type { ClientApi } from '../shared/ipc';
import { createAppState, type AppState, type StoreDeps } from '../renderer/src/state/appState';
import { docOf } from './identities';

export { EP, ident, identityId, trackId } from './identities';

export function makeDoc(identities: Identity[]): IdentitiesDoc {
  return docOf(identities, 1);
}

export interface FakeHost {
  calls: { method: string; req: unknown }[];
}

/** `answer(method, req)` answers every host call (throw to fail it); `errorInfo` reads failures (default: all 'internal'). */
export function makeTestStore(answer: (method: string, req: unknown) => unknown, errorInfo?: StoreDeps['errorInfo']) {
  const host: FakeHost = { calls: [] };
  const api = new Proxy({} as ClientApi, {
    get: (_t, method: string) => async (req: unknown) => {
      host.calls.push({ method, req });
      return answer(method, req);
    },
  });
  const store = createStore<AppState>()(createAppState({ api: () => api, errorInfo: errorInfo ?? ((e) => ({ code: 'internal', message: String(e) })) }));
  return { store, host };
}
