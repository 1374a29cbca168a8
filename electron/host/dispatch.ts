// The one dispatcher both hosts use: a channel name and a payload in, an envelope out. It parses the
// request with the contract's schema, calls the method that answers the channel (the host's own
// methods first, then the current workspace's service), checks the answer against the response
// schema and maps any error to the IPC failure shape. Electron IPC adds the sender check in front,
// the web host authentication; neither validates or maps anything itself.
import { z } from 'zod';
import {
  IpcFailure,
  channels,
  type Channel,
  type ChannelDecl,
  type Envelope,
  type EventName,
  type HostApi,
  type IpcError,
  type Method,
  type ServiceApi,
} from '../../shared/ipc';
import { withoutRoot } from '../store/errors';
import { browseHost } from './browse';
import type { Workspace } from '../store/workspace';
import { NO_SWITCH_MESSAGE, WorkspaceSwitcher } from './workspace-switch';

/** A service as hosts serve it: the contract's methods, its workspace and its events. */
export interface HostedService extends ServiceApi {
  readonly ws: Workspace;
  on(event: EventName, cb: (payload: unknown) => void): () => void;
}

/** What a host is given: one service for good, or a switcher whose service follows the workspace. */
export type Served = HostedService | WorkspaceSwitcher;

/** Who answers: methods the host implements itself win over the current service's. */
export interface DispatchTarget {
  /** The current workspace's service (read per call: the workspace can change between calls). */
  service(): ServiceApi;
  host: Partial<HostApi>;
  /** Cut out of unexpected error messages, so a client never learns where the server keeps files. */
  root(): string;
}

export type Dispatch = (channel: string, payload: unknown) => Promise<Envelope>;

type Answer = (req: unknown) => Promise<unknown>;

/** A host serving one folder for good: it lists only that folder and refuses to switch. */
function oneFolder(service: HostedService): Pick<HostApi, 'chooseWorkspace' | 'recentWorkspaces'> {
  return {
    chooseWorkspace: () => Promise.reject(new IpcFailure({ code: 'forbidden', message: NO_SWITCH_MESSAGE })),
    recentWorkspaces: async () => ({ current: service.ws.root, recent: [service.ws.root] }),
  };
}

export interface DispatchOptions {
  /** Folders besides the workspace whose videos the Run dialog may browse (the host's media roots). */
  mediaRoots?: readonly string[];
}

export function dispatchTarget(served: Served, opts: DispatchOptions = {}): DispatchTarget {
  const browse = browseHost(() => [served.ws.root, ...(opts.mediaRoots ?? [])]);
  if (served instanceof WorkspaceSwitcher) {
    const host: Partial<HostApi> = {
      getWorkspace: (r) => served.getWorkspace(r),
      chooseWorkspace: (r) => served.chooseWorkspace(r),
      recentWorkspaces: (r) => served.recentWorkspaces(r),
      ...browse,
    };
    return { service: () => served.current, host, root: () => served.ws.root };
  }
  return { service: () => served, host: { ...oneFolder(served), ...browse }, root: () => served.ws.root };
}

/** The method answering `method`, bound to its owner (undefined: nobody here implements it). */
function answerer(target: DispatchTarget, method: Method): Answer | undefined {
  const owner: Partial<HostApi> = target.host[method] ? target.host : target.service();
  const fn = owner[method] as Answer | undefined;
  return typeof fn === 'function' ? (req) => fn.call(owner, req) : undefined;
}

const failure = (code: IpcError['code'], message: string): Envelope => ({ ok: false, error: { code, message } });

function toIpcError(err: unknown, root: string): IpcError {
  if (err instanceof IpcFailure) return err.error;
  return { code: 'internal', message: withoutRoot(root, (err as Error)?.message ?? String(err)) };
}

export function createDispatcher(served: Served, opts: DispatchOptions = {}): Dispatch {
  const target = dispatchTarget(served, opts);
  return async (name, payload) => {
    if (!Object.hasOwn(channels, name)) return failure('not_found', `unknown channel "${name}"`);
    const decl: ChannelDecl & { method: Method } = channels[name as Channel];
    const req = decl.request.safeParse(payload ?? {});
    if (!req.success) return failure('invalid_request', `${name}: ${z.prettifyError(req.error)}`);
    const answer = answerer(target, decl.method);
    if (!answer) return failure('internal', `${name} is not implemented by this host`);
    let data: unknown;
    try {
      data = await answer(req.data);
    } catch (err) {
      return { ok: false, error: toIpcError(err, target.root()) };
    }
    const res = decl.response.safeParse(data);
    if (!res.success) return failure('internal', `${name}: the answer does not match the contract: ${z.prettifyError(res.error)}`);
    return { ok: true, data: res.data };
  };
}
