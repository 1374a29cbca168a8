// ipcMain handlers generated from the contract: one per channel, each checking the sender frame and
// validating the payload with zod before the service sees it. Answers are envelopes ({ok, data} |
// {ok:false, error}) because Electron flattens thrown errors to a message string.
// Kept free of runtime Electron imports so it can be tested with a stand-in ipcMain.
import type { IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { CHANNEL_METHODS, CHANNELS, EVENT_NAMES, IpcFailure, channels, type Channel, type EventName } from '../../shared/ipc';

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

export function registerIpc(ipc: IpcMainLike, service: object, isTrusted: (event: IpcMainInvokeEvent) => boolean = (e) => isAppFrame(e.senderFrame)): () => void {
  const methods = CHANNEL_METHODS as Record<string, string>;
  for (const channel of CHANNELS) {
    ipc.handle(channel, async (event, payload) => {
      if (!isTrusted(event)) {
        return { ok: false, error: { code: 'invalid_request', message: `${channel}: refused, the sender is not the app's own page` } };
      }
      const parsed = channels[channel as Channel].request.safeParse(payload ?? {});
      if (!parsed.success) return { ok: false, error: { code: 'invalid_request', message: `${channel}: ${z.prettifyError(parsed.error)}` } };
      const fn = (service as Record<string, unknown>)[methods[channel]];
      if (typeof fn !== 'function') return { ok: false, error: { code: 'internal', message: `${channel} is not implemented` } };
      try {
        return { ok: true, data: await (fn as (p: unknown) => Promise<unknown>).call(service, parsed.data) };
      } catch (err) {
        if (err instanceof IpcFailure) return { ok: false, error: err.error };
        return { ok: false, error: { code: 'internal', message: (err as Error)?.message ?? String(err) } };
      }
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
