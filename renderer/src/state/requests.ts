// Requests to the host, counted (`pending`: the e2e tests and the bench wait for 0, "settled") and,
// for review edits, serialised: each edit carries the revision the previous one returned.
import type { StoreApi } from 'zustand';

export interface Requests {
  /** Counts `fn` in `pending` while it runs. */
  tracked: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Runs `fn` after every earlier serial request has finished. */
  serial: <T>(fn: () => Promise<T>) => Promise<T>;
}

export function makeRequests(set: StoreApi<{ pending: number }>['setState'], get: () => { pending: number }): Requests {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    tracked: async (fn) => {
      set({ pending: get().pending + 1 });
      try {
        return await fn();
      } finally {
        set({ pending: get().pending - 1 });
      }
    },
    serial: (fn) => {
      const next = queue.then(fn, fn);
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
