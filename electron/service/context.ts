// What every domain service of one workspace shares: the workspace, the clock, the event listeners,
// the per-key queue that keeps one writer per episode inside this process, and the mapping of errors
// onto the IPC error contract.
import { parseEpId } from '../../shared/episode';
import type { EventName, EventOf } from '../../shared/ipc';
import { Workspace } from '../store/workspace';
import { fail, toIpcFailure } from './review-views';

type Listener = (payload: unknown) => void;

export class ServiceContext {
  readonly ws: Workspace;
  /** ISO clock (tests pin it). */
  readonly now: () => string;
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(workspace: string, now?: () => string) {
    this.ws = new Workspace(workspace);
    this.now = now ?? (() => new Date().toISOString());
  }

  on<E extends EventName>(event: E, cb: (payload: EventOf<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(cb as Listener);
    return () => set.delete(cb as Listener);
  }

  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    for (const cb of this.listeners.get(event) ?? []) {
      try {
        cb(payload);
      } catch {
        /* a broken listener must not break the edit that triggered it */
      }
    }
  }

  /** Runs `fn` after every earlier operation on the same key (one writer per episode). */
  serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.queues.set(key, next.catch(() => undefined));
    return next;
  }

  epId(ep: string): string {
    try {
      return parseEpId(ep).epId;
    } catch (err) {
      return fail('invalid_request', (err as Error).message);
    }
  }

  async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      return toIpcFailure(err, this.ws.root);
    }
  }
}
