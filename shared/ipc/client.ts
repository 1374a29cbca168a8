// The client side of the contract: a named, validating API over any transport (the preload's methods
// in Electron, fetch + EventSource on the web host).
import { z } from 'zod';
import { CHANNELS, channels, type Channel, type HostApi, type RequestOf } from './contract';
import { IpcFailure, envelopeSchema } from './core';
import { EVENT_NAMES, eventMethod, events, type EventMethod, type EventName, type EventOf } from './events';

/** The API the UI sees: channel methods + one subscription per event (returns an unsubscribe). */
export type ClientApi = HostApi & {
  [E in EventName as EventMethod<E>]: (cb: (payload: EventOf<E>) => void) => () => void;
};

/** Transport-agnostic client: `invoke` sends one request and returns the raw envelope. */
export type Transport = {
  invoke(channel: Channel, payload: unknown): Promise<unknown>;
  subscribe(event: EventName, cb: (payload: unknown) => void): () => void;
};

/** Builds the named API over a transport, validating every request before sending and every response/event on arrival. */
export function createClientApi(transport: Transport): ClientApi {
  const api: Record<string, unknown> = {};
  for (const channel of CHANNELS) {
    const { request, response, method } = channels[channel];
    const envelope = envelopeSchema(response);
    api[method] = async (req: unknown) => {
      const payload = request.parse(req ?? {});
      const raw = await transport.invoke(channel, payload);
      const parsed = envelope.safeParse(raw);
      if (!parsed.success) {
        throw new IpcFailure({ code: 'internal', message: `bad response on ${channel}: ${z.prettifyError(parsed.error)}` });
      }
      if (!parsed.data.ok) throw new IpcFailure(parsed.data.error);
      return parsed.data.data;
    };
  }
  for (const name of EVENT_NAMES) {
    api[eventMethod(name)] = (cb: (p: unknown) => void) =>
      transport.subscribe(name, (raw) => {
        const p = events[name].safeParse(raw);
        if (p.success) cb(p.data);
      });
  }
  return api as ClientApi;
}

/** Convenience wrappers for each review command (the UI's `api.mergeIdentities(...)`). */
export function reviewHelpers(api: Pick<ClientApi, 'applyReview'>) {
  type Cmd = RequestOf<'review:apply'>['command'];
  const send = (ep_id: string, revision: number, command: Cmd) => api.applyReview({ ep_id, revision, command });
  type Args<O extends Cmd['op']> = Omit<Extract<Cmd, { op: O }>, 'op'>;
  return {
    lockIdentity: (ep: string, rev: number, a: Args<'lock'>) => send(ep, rev, { op: 'lock', ...a }),
    labelIdentity: (ep: string, rev: number, a: Args<'label'>) => send(ep, rev, { op: 'label', ...a }),
    mergeIdentities: (ep: string, rev: number, a: Args<'merge'>) => send(ep, rev, { op: 'merge', ...a }),
    splitIdentity: (ep: string, rev: number, a: Args<'split'>) => send(ep, rev, { op: 'split', ...a }),
    moveTracks: (ep: string, rev: number, a: Args<'moveTracks'>) => send(ep, rev, { op: 'moveTracks', ...a }),
    removeTrack: (ep: string, rev: number, a: Args<'removeTrack'>) => send(ep, rev, { op: 'removeTrack', ...a }),
    setCover: (ep: string, rev: number, a: Args<'setCover'>) => send(ep, rev, { op: 'setCover', ...a }),
    notSamePerson: (ep: string, rev: number, a: Args<'notSamePerson'>) => send(ep, rev, { op: 'notSamePerson', ...a }),
  };
}
