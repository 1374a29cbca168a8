// One writer per episode on shared storage. A job holds `.screenalytics/locks/<ep>.lock` for its whole
// run: proper-lockfile's mkdir lock is atomic on local and network file systems, refreshed every
// stale/2, and taken over once its holder stopped refreshing (a worker killed with SIGKILL). Beside it,
// `<ep>.json` says who holds it, for the message another worker prints. (Kept out of the episode's
// folders: a job that fails on a bad video must not leave an empty episode behind.) A reviewer saving
// an edit holds the episode's review lock (electron/store/review/lock.ts); a run does not start under it.
import { mkdir, readFile } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { writeJson } from '../store/json';
import type { Workspace } from '../store/workspace';
import { reviewLockHeld } from '../store/review';
import { runLockPaths, workspaceFiles } from '../../shared/layout';

export interface LockOwner {
  worker: string;
  job: string;
  since: string;
}
const ownerSchema = z.strictObject({ worker: z.string(), job: z.string(), since: z.string() });

export class EpisodeBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EpisodeBusyError';
  }
}

export interface EpisodeLock {
  release(): Promise<void>;
}

function lockPaths(ws: Workspace, epId: string) {
  const dir = ws.abs(workspaceFiles.locksDir);
  const run = runLockPaths(epId);
  return {
    dir,
    key: `${dir}/${epId}`,
    lock: ws.abs(run.lock),
    owner: ws.abs(run.owner),
    rel: run.lock,
    reviewRel: ws.paths(epId).reviewLock,
  };
}

async function describeOwner(path: string): Promise<string> {
  try {
    const o = ownerSchema.parse(JSON.parse(await readFile(path, 'utf8')));
    return `${o.worker} (job ${o.job}, since ${o.since})`;
  } catch {
    return 'another process';
  }
}

/**
 * Takes the episode's run lock, waiting up to `staleMs` plus a margin for a dead holder's lock to go
 * stale. `onLost` runs if the lock is taken from us (our refreshes stalled past `staleMs`): the caller
 * must stop writing. Throws EpisodeBusyError naming the holder, or the reviewer, otherwise.
 */
export async function acquireEpisodeLock(ws: Workspace, epId: string, owner: LockOwner, staleMs: number, onLost: (err: Error) => void): Promise<EpisodeLock> {
  const p = lockPaths(ws, epId);
  await mkdir(p.dir, { recursive: true });
  const stale = Math.max(2000, staleMs);
  let release: () => Promise<void>;
  try {
    // Keyed on a path that need not exist (realpath off): proper-lockfile tracks its locks by it.
    release = await lockfile.lock(p.key, {
      lockfilePath: p.lock,
      stale,
      realpath: false,
      retries: { retries: Math.ceil((stale + 3000) / 500), factor: 1, minTimeout: 500, maxTimeout: 500 },
      onCompromised: onLost,
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    throw new EpisodeBusyError(`${epId} is being processed by ${await describeOwner(p.owner)} (${p.rel} is held)`);
  }
  try {
    if (await reviewLockHeld(ws, epId)) {
      throw new EpisodeBusyError(`${epId} is being edited by a reviewer (${p.reviewRel} is held): the re-run waits until the edit is saved`);
    }
    await writeJson(p.owner, owner, ownerSchema);
  } catch (err) {
    await release().catch(() => undefined);
    throw err;
  }
  return { release: () => release().catch(() => undefined) };
}
