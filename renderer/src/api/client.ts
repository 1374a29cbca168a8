// The renderer's `api`: in Electron the preload's window.api, in a browser a fetch/SSE client over the
// web host. Both are built from the contract in shared/ipc.ts and every response is validated with its
// zod schema here, so a bad answer fails loudly at the boundary instead of deep in a component.
import {
  CHANNEL_METHODS,
  EVENT_METHODS,
  EVENT_NAMES,
  WEB,
  createClientApi,
  mediaUrl as contractMediaUrl,
  IpcFailure,
  type ClientApi,
  type Transport,
} from '../../../shared/ipc';

declare global {
  interface Window {
    api?: Record<string, (...args: unknown[]) => unknown>;
  }
}

export const isElectron = (): boolean => typeof window !== 'undefined' && typeof window.api === 'object';

/** Web host transport: POST /api/<channel> (the token cookie rides along) and one EventSource. */
export function webTransport(base = ''): Transport {
  let source: EventSource | null = null;
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const ensureSource = () => {
    if (source) return;
    source = new EventSource(`${base}${WEB.eventsPath}`);
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (ev) => {
        let payload: unknown;
        try {
          payload = JSON.parse((ev as MessageEvent<string>).data);
        } catch {
          return;
        }
        listeners.get(name)?.forEach((cb) => cb(payload));
      });
    }
  };
  return {
    async invoke(channel, payload) {
      // Channel names are `domain:verb`; a colon is legal in a URL path, so the name goes in as it is.
      const res = await fetch(`${base}${WEB.apiPrefix}${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(payload),
      });
      const text = await res.text();
      try {
        return JSON.parse(text);
      } catch {
        return { ok: false, error: { code: 'internal', message: `HTTP ${res.status} from ${channel}: ${text.slice(0, 200)}` } };
      }
    },
    subscribe(event, cb) {
      ensureSource();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(cb);
      return () => set.delete(cb);
    },
  };
}

/**
 * Electron: the preload exposes one named method per channel. Its answers are validated again here
 * (the renderer trusts no boundary); an envelope-shaped answer is unwrapped, a bare one is parsed.
 */
function electronTransport(preload: NonNullable<Window['api']>): Transport {
  return {
    async invoke(channel, payload) {
      try {
        const raw = await preload[CHANNEL_METHODS[channel]](payload);
        if (raw && typeof raw === 'object' && 'ok' in raw) return raw;
        return { ok: true, data: raw };
      } catch (err) {
        const e = err as { error?: unknown; message?: string };
        return { ok: false, error: e.error ?? { code: 'internal', message: e.message ?? String(err) } };
      }
    },
    subscribe(event, cb) {
      const unsubscribe = preload[EVENT_METHODS[event]]((p: unknown) => cb(p)) as () => void;
      return unsubscribe;
    },
  };
}

let cached: ClientApi | null = null;

export function getApi(): ClientApi {
  if (!cached) cached = createClientApi(isElectron() ? electronTransport(window.api!) : webTransport());
  return cached;
}

export function mediaUrl(epId: string, ref: string): string {
  return ref ? contractMediaUrl(isElectron() ? 'electron' : 'web', epId, ref) : '';
}

export function errorInfo(err: unknown): { code: string; message: string; revision?: number } {
  if (err instanceof IpcFailure) return err.error;
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
