// ipcMain handlers: one per channel of the contract, each checking the sender frame and handing the
// payload to the shared dispatcher (electron/host/dispatch.ts), which validates, calls and maps errors.
// Answers are envelopes ({ok, data} | {ok:false, error}) because Electron flattens thrown errors to a
// message string. Kept free of runtime Electron imports so it can be tested with a stand-in ipcMain.
import type { IpcMainInvokeEvent } from 'electron';
import { CHANNELS, EVENT_NAMES, type EventName } from '../../shared/ipc';
import { createDispatcher, type Served } from '../host/dispatch';

/** The part of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface ServiceLike {
  on(event: EventName, cb: (payload: unknown) => void): () => void;
}

/** Origin of the app's own pages (the app:// protocol serving dist/renderer). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** True for the top frame of a page served by app://bundle/ (not an iframe, not a navigated-away page). */
export function isAppFrame(frame: { url: string; parent: unknown } | null | undefined): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const u = new URL(frame.url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

export function registerIpc(
  ipc: IpcMainLike,
  served: Served,
  isTrusted: (event: IpcMainInvokeEvent) => boolean = (e) => isAppFrame(e.senderFrame),
  /** Sees each answer (main's media roots learn the folder of a video a run was started on). */
  onAnswer?: (channel: string, payload: unknown, answer: unknown) => void,
): () => void {
  const dispatch = createDispatcher(served);
  for (const channel of CHANNELS) {
    ipc.handle(channel, async (event, payload) => {
      if (!isTrusted(event)) {
        return { ok: false, error: { code: 'invalid_request', message: `${channel}: refused, the sender is not the app's own page` } };
      }
      const answer = await dispatch(channel, payload);
      onAnswer?.(channel, payload, answer);
      return answer;
    });
  }
  return () => {
    for (const channel of CHANNELS) ipc.removeHandler(channel);
  };
}

/** Forwards service events to a window's renderer; returns the unsubscribe. */
export function forwardEvents(service: ServiceLike, send: (event: EventName, payload: unknown) => void): () => void {
  const offs = EVENT_NAMES.map((name) => service.on(name, (payload) => send(name, payload)));
  return () => offs.forEach((off) => off());
}
