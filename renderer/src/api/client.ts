// The renderer's `api`: in Electron the preload's window.api, in a browser a fetch/SSE client over the
// web host. Both are built from the contract in shared/ipc/ and every response is validated with its
// zod schema here, so a bad answer fails loudly at the boundary instead of deep in a component.
// A request refused because another writer holds the episode ('locked', reason 'busy': nothing was
// applied) is resent a few times with backoff before the reviewer hears about it.
import {
  EVENT_NAMES,
  WEB,
  channels,
  createClientApi,
  eventMethod,
  mediaUrl as contractMediaUrl,
  episodeVideoUrl as contractVideoUrl,
  frameUrl as contractFrameUrl,
  IpcFailure,
  type ClientApi,
  type IpcError,
  type Transport,
} from '../../../shared/ipc';

declare global {
  interface Window {
    api?: Record<string, (...args: unknown[]) => unknown>;
  }
}

export const isElectron = (): boolean => typeof window !== 'undefined' && typeof window.api === 'object';

/** How a request refused as busy is resent: `attempts` times, waiting the host's Retry-After or
 *  `baseMs` doubled each time, at most `maxMs`. The host has already waited past the lock's stale
 *  time before refusing, so two resends cover a long save by another writer; a holder that keeps the
 *  episode longer than that is reported instead of waited on forever. */
export interface BusyRetry {
  attempts: number;
  baseMs: number;
  maxMs: number;
}
export const BUSY_RETRY: BusyRetry = { attempts: 2, baseMs: 1000, maxMs: 4000 };

type Sent = { raw: unknown; retryAfterMs?: number };

function busyError(raw: unknown): IpcError | null {
  const env = raw as { ok?: unknown; error?: IpcError } | null;
  return env && env.ok === false && env.error?.code === 'locked' && env.error.reason === 'busy' ? env.error : null;
}

/** Sends until the answer is not 'busy' or the attempts are spent; then says so in plain words. */
async function sendWhileBusy(send: () => Promise<Sent>, retry: BusyRetry): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const { raw, retryAfterMs } = await send();
    const busy = busyError(raw);
    if (!busy) return raw;
    if (attempt >= retry.attempts) {
      const message = `Not saved: another window or host kept this episode busy (tried ${attempt + 1} times). Wait until it has finished, then try again.`;
      return { ok: false, error: { ...busy, message } };
    }
    const delay = Math.min(retry.maxMs, Math.max(retryAfterMs ?? 0, retry.baseMs * 2 ** attempt));
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** Web host transport: POST /api/<channel> (the token cookie rides along) and one EventSource. */
export function webTransport(base = '', retry: BusyRetry = BUSY_RETRY): Transport {
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
    invoke: (channel, payload) =>
      sendWhileBusy(async () => {
        // Channel names are `domain:verb`; a colon is legal in a URL path, so the name goes in as it is.
        const res = await fetch(`${base}${WEB.apiPrefix}${channel}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          credentials: 'same-origin',
          body: JSON.stringify(payload),
        });
        const text = await res.text();
        const after = Number(res.headers.get('retry-after'));
        const retryAfterMs = Number.isFinite(after) && after > 0 ? after * 1000 : undefined;
        try {
          return { raw: JSON.parse(text), retryAfterMs };
        } catch {
          return { raw: { ok: false, error: { code: 'internal', message: `HTTP ${res.status} from ${channel}: ${text.slice(0, 200)}` } } };
        }
      }, retry),
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
    invoke: (channel, payload) =>
      sendWhileBusy(async () => {
        try {
          const raw = await preload[channels[channel].method](payload);
          return { raw: raw && typeof raw === 'object' && 'ok' in raw ? raw : { ok: true, data: raw } };
        } catch (err) {
          const e = err as { error?: unknown; message?: string };
          return { raw: { ok: false, error: e.error ?? { code: 'internal', message: e.message ?? String(err) } } };
        }
      }, BUSY_RETRY),
    subscribe(event, cb) {
      const unsubscribe = preload[eventMethod(event)]((p: unknown) => cb(p)) as () => void;
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

/** The episode's video, served with range requests (web host route or Electron's media://). */
export function videoUrl(epId: string): string {
  return contractVideoUrl(isElectron() ? 'electron' : 'web', epId);
}

/** The episode's source frame nearest `tsS` seconds, extracted by the host on demand. */
export function frameUrl(epId: string, tsS: number): string {
  return contractFrameUrl(isElectron() ? 'electron' : 'web', epId, tsS);
}

export function errorInfo(err: unknown): { code: string; message: string; revision?: number; reason?: string } {
  if (err instanceof IpcFailure) return err.error;
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

/**
 * The absolute path of a file the user picked: Electron's preload resolves it (webUtils.getPathForFile);
 * a plain browser only gives the name, so this is null there.
 */
export function pathForFile(file: File): string | null {
  const path = isElectron() ? window.api?.getPathForFile?.(file) : null;
  return typeof path === 'string' && path ? path : null;
}
