// The object the preload exposes, built from the contract (kept apart from preload.ts so it can be
// tested without Electron). Each method has its channel baked in; callers cannot choose one. It only
// forwards: main's dispatcher validates every payload, the renderer's client every answer.
import { CHANNELS, EVENT_NAMES, channels, eventMethod, type Channel, type EventName } from '../../shared/ipc';

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
  // The allow-list: exactly the contract's channels, each under its method name.
  for (const channel of CHANNELS) api[channels[channel].method] = (payload: unknown) => t.invoke(channel, payload);
  for (const event of EVENT_NAMES) {
    const name = eventMethod(event);
    api[name] = (cb: unknown) => {
      if (typeof cb !== 'function') throw new TypeError(`${name} needs a callback`);
      return t.on(event, (payload) => (cb as (p: unknown) => void)(payload));
    };
  }
  return Object.freeze(api);
}
