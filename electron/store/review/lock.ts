// The cross-process review lock of one episode (the Electron app, `screenalytics serve` and the
// pipeline's settle step can all write the same episode). proper-lockfile's mkdir lock is atomic on
// local and network file systems and is taken over once its holder stops refreshing it (stale after
// 30 s: generous, because a loaded machine can delay a refresh by seconds and a lock judged stale while
// its holder still works lets two writers in). A holder on this machine that died (kill -9, power loss of the app only) is recognised at
// once instead: beside the lock the holder records its pid, host and the lock directory's inode
// (review.lock.owner), and a waiter that finds that pid gone on this host breaks the lock. The record
// is a symbolic link whose target is the JSON: made atomically, outside the lock directory (whose
// mtime is proper-lockfile's heartbeat), and skipped by the walkers of the episode folder (cleanup
// backups take regular files only). Waiting lasts longer than the stale
// time, so a dead holder elsewhere costs one wait, not a failed request; a live holder busy past it
// yields a 'locked' failure the client may retry.
import { randomBytes } from 'node:crypto';
import { mkdir, readlink, rename, rmdir, stat, symlink, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import lockfile from 'proper-lockfile';
import { IpcFailure } from '../../shared/ipc';
import type { Workspace } from '../store/workspace';

/** Stale time of a lock nobody refreshes, and how long a request waits (past it, so a lock whose holder died on another host is taken over inside one request). */
export const lockTiming = { staleMs: 30_000, waitPastStaleMs: 5_000 };

interface Owner {
  pid: number;
  host: string;
  /** Inode of the lock directory this holder made: a record left beside an earlier lock does not match. */
  ino: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(ownerPath: string): Promise<Owner | null> {
  try {
    const o = JSON.parse(await readlink(ownerPath)) as Partial<Owner>;
    return typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.ino === 'number' ? (o as Owner) : null;
  } catch {
    return null;
  }
}

/** Inode of the lock when its recorded holder is a process of this host that no longer exists. */
async function deadHolder(lockPath: string, ownerPath: string): Promise<number | null> {
  const st = await stat(lockPath).catch(() => null);
  const owner = await readOwner(ownerPath);
  if (!st || !owner || owner.ino !== st.ino || owner.host !== hostname()) return null;
  return alive(owner.pid) ? null : st.ino;
}

/** Moves the dead holder's lock aside (rename is atomic, so one waiter wins) and removes it; a lock re-made meanwhile is put back. */
async function breakLock(lockPath: string, ino: number): Promise<void> {
  const tomb = `${lockPath}.dead-${randomBytes(4).toString('hex')}`;
  if (!(await rename(lockPath, tomb).then(() => true, () => false))) return;
  if ((await stat(tomb).catch(() => null))?.ino === ino) await rmdir(tomb).catch(() => undefined);
  else await rename(tomb, lockPath).catch(() => rmdir(tomb).catch(() => undefined));
}

/** Records this process as the holder of the lock just taken (a symlink whose target is the JSON). */
async function recordOwner(lockPath: string, ownerPath: string): Promise<number> {
  const { ino } = await stat(lockPath);
  const target = JSON.stringify({ pid: process.pid, host: hostname(), ino } satisfies Owner);
  const tmp = `${ownerPath}.${randomBytes(4).toString('hex')}`;
  try {
    await symlink(target, tmp);
    await rename(tmp, ownerPath);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    // Where symlinks are not allowed (Windows without the privilege) the lock works without a record.
    if (!['EPERM', 'EACCES', 'ENOTSUP', 'ENOSYS'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
  return ino;
}

/** Takes the lock on `dir`, waiting past its stale time; resolves to its release function. */
async function acquire(dir: string): Promise<() => Promise<void>> {
  const lockPath = `${dir}/review.lock`;
  const ownerPath = `${dir}/review.lock.owner`;
  const { staleMs, waitPastStaleMs } = lockTiming;
  const deadline = Date.now() + staleMs + waitPastStaleMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const release = await lockfile.lock(dir, {
        lockfilePath: lockPath, stale: staleMs, retries: 0,
        // The default throws from a timer, killing the app mid-edit; the holder finishes its write instead.
        onCompromised: (err) => console.warn(`review lock of ${dir}: ${err.message}`),
      });
      const ino = await recordOwner(lockPath, ownerPath);
      return async () => {
        // Lock first, record second: a crash in between leaves a record of a lock that is gone (its
        // inode no longer matches), never a lock without a record, which would cost a stale wait.
        await release();
        if ((await readOwner(ownerPath))?.ino === ino) await unlink(ownerPath).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    }
    const dead = await deadHolder(lockPath, ownerPath);
    if (dead !== null) {
      await breakLock(lockPath, dead);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new IpcFailure({ code: 'locked', reason: 'busy', message: `another window or host has been saving this episode for ${(staleMs + waitPastStaleMs) / 1000} s; try again` });
    }
    await sleep(Math.min(200, 20 * 2 ** Math.min(attempt, 4)));
  }
}

/** Runs `fn` holding the episode's review lock (see the top of this file). */
export async function withReviewLock<T>(ws: Workspace, epId: string, fn: () => Promise<T>): Promise<T> {
  const dir = ws.abs(ws.paths(epId).manifestsDir);
  await mkdir(dir, { recursive: true });
  const release = await acquire(dir);
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
