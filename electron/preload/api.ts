// The object the preload exposes, built from the contract (kept apart from preload.ts so it can be
// tested without Electron). Each method has its channel baked in; callers cannot choose one.
import { z } from 'zod';
import { CHANNEL_METHODS, CHANNELS, EVENT_METHODS, EVENT_NAMES, channels, type Channel, type EventName } from '../../shared/ipc';

export interface PreloadTransport {
  invoke(channel: Channel, payload: unknown): Promise<unknown>;
  on(event: EventName, cb: (payload: unknown) => void): () => void;
}

/** Method name → function; only plain functions and data, as contextBridge requires. */
export type PreloadApi = Record<string, (arg: unknown) => unknown>;

/** Preload-only helpers that are not IPC channels (they run in the preload's own context). */
export interface PreloadExtras {
  /** Electron's webUtils.getPathForFile: a dropped/picked File's absolute path ('' when it has none). */
  getPathForFile(file: File): string;
}

export function buildPreloadApi(t: PreloadTransport, extras?: PreloadExtras): PreloadApi {
  const api: PreloadApi = {};
  if (extras) {
    // Only File objects get through (contextBridge passes them as Files); anything else is a caller bug.
    api.getPathForFile = (file: unknown) => {
      if (typeof File === 'undefined' || !(file instanceof File)) throw new TypeError('getPathForFile needs a File (from a drop or an <input type=file>)');
      return extras.getPathForFile(file);
    };
  }
  for (const channel of CHANNELS) {
    const schema = channels[channel].request;
    api[(CHANNEL_METHODS as Record<string, string>)[channel]] = async (payload: unknown) => {
      const parsed = schema.safeParse(payload ?? {});
      if (!parsed.success) return { ok: false, error: { code: 'invalid_request', message: `${channel}: ${z.prettifyError(parsed.error)}` } };
      return t.invoke(channel, parsed.data);
    };
  }
  for (const event of EVENT_NAMES) {
    api[EVENT_METHODS[event]] = (cb: unknown) => {
      if (typeof cb !== 'function') throw new TypeError(`${EVENT_METHODS[event]} needs a callback`);
      return t.on(event, (payload) => (cb as (p: unknown) => void)(payload));
    };
  }
  return Object.freeze(api);
}
