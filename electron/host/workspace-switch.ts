// WorkspaceSwitcher: what Electron main and the web host serve instead of a bare ReviewService, so the
// workspace root can change at run time. A ReviewService is bound to one root (its Workspace, caches,
// locks), so switching builds a new service on the new root and closes the old one. The dispatcher
// (dispatch.ts) sends service channels to `current`, and event subscribers stay subscribed across
// switches. It answers the host channels (workspace:choose / workspace:recent) itself, and adds to
// workspace:get how switching works here. No Electron imports.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { EVENT_NAMES, IpcFailure, type EventName, type HostApi, type RequestOf, type ResponseOf, type ServiceApi } from '../../shared/ipc';
import type { Workspace } from '../store/workspace';

export const NO_SWITCH_MESSAGE =
  'workspace:choose: this web host serves one workspace folder, and a browser cannot pick a folder on the server. ' +
  'Restart it with `screenalytics serve --workspace <dir>`, or start it with --allow-workspace-switch and send {"path": "<absolute folder>"}.';

/** The service surface a switcher needs (ReviewService has it). */
export interface SwitchableService extends ServiceApi {
  readonly ws: Workspace;
  on(event: EventName, cb: (payload: unknown) => void): () => void;
  close(): Promise<void>;
}

/** Where the recent roots live (Electron: a JSON file in userData); most recent first. */
export interface RecentStore {
  load(): Promise<string[]>;
  save(roots: string[]): Promise<void>;
}

export type SwitchMode = 'dialog' | 'path' | 'none';

export interface WorkspaceSwitcherOptions {
  initial: string;
  create(root: string): SwitchableService;
  /** 'dialog' (Electron), 'path' (web host with --allow-workspace-switch) or 'none'. */
  mode: SwitchMode;
  /** The native folder picker for 'dialog' mode; resolves null when cancelled. */
  pickFolder?: () => Promise<string | null>;
  recent?: RecentStore;
  maxRecent?: number;
}

const fail = (code: 'invalid_request' | 'not_found' | 'conflict' | 'forbidden', message: string): never => {
  throw new IpcFailure({ code, message });
};

async function isDir(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

export class WorkspaceSwitcher implements Pick<HostApi, 'getWorkspace' | 'chooseWorkspace' | 'recentWorkspaces'> {
  private svc: SwitchableService;
  private readonly listeners = new Map<EventName, Set<(p: unknown) => void>>();
  private unforward: () => void = () => undefined;
  private readonly running = new Set<string>();
  private recentRoots: string[] | null = null;
  private switching: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: WorkspaceSwitcherOptions) {
    this.svc = opts.create(opts.initial);
    this.attach();
  }

  /** The service of the current workspace: what every service channel goes to. */
  get current(): SwitchableService {
    return this.svc;
  }

  get ws(): Workspace {
    return this.current.ws;
  }

  get mode(): SwitchMode {
    return this.opts.mode;
  }

  on(event: EventName, cb: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(cb);
    return () => set.delete(cb);
  }

  private emit(event: EventName, payload: unknown): void {
    for (const cb of this.listeners.get(event) ?? []) {
      try {
        cb(payload);
      } catch {
        /* one broken subscriber must not stop the others */
      }
    }
  }

  /** Forwards the current service's events and tracks running pipelines (a switch would cancel them). */
  private attach(): void {
    const svc = this.svc;
    const offs = EVENT_NAMES.map((name) =>
      svc.on(name, (payload) => {
        if (name === 'pipeline:progress') {
          const p = payload as { run_id: string; state: string };
          if (p.state === 'running') this.running.add(p.run_id);
          else this.running.delete(p.run_id);
        }
        this.emit(name, payload);
      }),
    );
    this.unforward = () => offs.forEach((off) => off());
  }

  async getWorkspace(req: RequestOf<'workspace:get'>): Promise<ResponseOf<'workspace:get'>> {
    return { ...(await this.current.getWorkspace(req)), workspace_switch: this.opts.mode };
  }

  private async recentList(): Promise<string[]> {
    this.recentRoots ??= this.opts.recent ? await this.opts.recent.load() : [];
    return this.recentRoots;
  }

  async recentWorkspaces(_req: RequestOf<'workspace:recent'> = {}): Promise<ResponseOf<'workspace:recent'>> {
    const current = this.current.ws.root;
    const all = [current, ...(await this.recentList()).filter((r) => r !== current)];
    const existing = await Promise.all(all.map(async (r) => ((await isDir(r)) ? r : null)));
    return { current, recent: existing.filter((r): r is string => r !== null) };
  }

  /** Serialised: two overlapping switches would otherwise both close the same old service. */
  chooseWorkspace(req: RequestOf<'workspace:choose'>): Promise<ResponseOf<'workspace:choose'>> {
    const next = this.switching.then(() => this.choose(req));
    this.switching = next.catch(() => undefined);
    return next;
  }

  private async choose(req: RequestOf<'workspace:choose'>): Promise<ResponseOf<'workspace:choose'>> {
    const { mode } = this.opts;
    if (mode === 'none') fail('forbidden', NO_SWITCH_MESSAGE);
    let target: string | null;
    if (req.path === undefined) {
      if (mode === 'path') fail('invalid_request', 'workspace:choose: give {"path": "<absolute folder>"} (this host has no folder dialog)');
      if (!this.opts.pickFolder) fail('forbidden', 'workspace:choose: this host has no folder dialog');
      target = await this.opts.pickFolder!();
      if (target === null) return { root: this.current.ws.root, changed: false };
    } else {
      target = req.path;
      // In Electron a typed path could point the app anywhere: only folders once picked in the dialog.
      if (mode === 'dialog' && !(await this.recentList()).includes(target)) {
        fail('invalid_request', `workspace:choose: ${target} is not a recent workspace; pick it with the folder dialog`);
      }
    }
    if (!isAbsolute(target)) fail('invalid_request', `workspace:choose: path must be absolute, got "${target}"`);
    const st = await stat(target).catch(() => null);
    if (!st) fail('not_found', `workspace:choose: ${target} does not exist`);
    if (!st!.isDirectory()) fail('invalid_request', `workspace:choose: ${target} is not a folder`);
    const root = await realpath(target);
    if (root === this.current.ws.root || target === this.current.ws.root) {
      await this.remember(this.current.ws.root);
      return { root: this.current.ws.root, changed: false };
    }
    if (this.running.size > 0) fail('conflict', 'workspace:choose: a pipeline run is in progress; cancel it or wait before switching workspaces');
    const fresh = this.opts.create(root);
    const old = this.current;
    this.unforward();
    this.svc = fresh;
    this.running.clear();
    this.attach();
    await old.close().catch(() => undefined);
    // The old root too, so the recent list leads back to a workspace given by --workspace.
    await this.remember(fresh.ws.root, old.ws.root);
    this.emit('workspace:changed', { root: fresh.ws.root });
    return { root: fresh.ws.root, changed: true };
  }

  private async remember(...roots: string[]): Promise<void> {
    const list = [...roots, ...(await this.recentList()).filter((r) => !roots.includes(r))].slice(0, this.opts.maxRecent ?? 10);
    this.recentRoots = list;
    await this.opts.recent?.save(list);
  }

  async close(): Promise<void> {
    this.unforward();
    await this.current.close();
  }
}
