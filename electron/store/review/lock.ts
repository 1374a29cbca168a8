// The cross-process review lock of one episode (the Electron app, `screenalytics serve` and the
// pipeline's settle step can all write the same episode), and the same kind of lock for other state
// several processes write (a show's cast library).
//
// The lock is a file, `review.lock`, whose content says who holds it (pid, host, time). It is made in
// one atomic step: the record is written (and fsync'd) to a temp file that is then hard-linked to the
// lock path; link() fails with EEXIST while the lock is held. So a lock file without its holder's
// record never exists, and a holder on this machine that died (kill -9, a crash) is recognised at once
// by a waiter, whatever moment it died at. The holder refreshes the file's mtime every third of the
// stale time; a lock nobody refreshes (its holder died on another host, or the record is unreadable)
// is taken over once it is older than the stale time. That is generous (30 s), because a loaded machine
// can delay a refresh by seconds and a lock judged stale while its holder still works lets two writers
// in. Waiting lasts longer than the stale time, so a dead holder elsewhere costs one wait, not a failed
// request; a live holder busy past it yields a 'locked' failure the client may retry.
//
// The file sits in the episode's manifests folder: the cleanup backups leave it out of their scope
// (isReviewLockName), and its temp files are the store's, swept like any other once their writer died.
import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, readFile, rename, rm, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { z } from 'zod';
import { IpcFailure } from '../../../shared/ipc';
import { tempPathFor } from '../atomic';
import type { Workspace } from '../workspace';
import { reviewFiles, REVIEW_LOCK } from './files';

/** Stale time of a lock nobody refreshes, and how long a request waits (past it, so a lock whose holder died on another host is taken over inside one request). */
export const lockTiming = { staleMs: 30_000, waitPastStaleMs: 5_000 };

const ownerSchema = z.object({ pid: z.number().int().positive(), host: z.string(), at: z.string() });
type Owner = z.infer<typeof ownerSchema>;

/** The lock file and its tombs (a lock being broken); the backup walkers skip them. */
export const isReviewLockName = (name: string) => name === REVIEW_LOCK || name.startsWith(`${REVIEW_LOCK}.dead-`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type Verdict = { state: 'free' } | { state: 'held' } | { state: 'breakable'; ino: number };

/**
 * What a waiter may do about the lock at `lockPath`: nothing there (free), a live or fresh holder
 * (held), or a holder that died on this host or stopped refreshing (breakable). A lock in another
 * shape (a directory, an unreadable record) only goes stale.
 */
async function inspect(lockPath: string, staleMs: number): Promise<Verdict> {
  const st = await lstat(lockPath).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!st) return { state: 'free' };
  const text = st.isFile() ? await readFile(lockPath, 'utf8').catch(() => '') : '';
  let owner: Owner | null = null;
  try {
    owner = ownerSchema.parse(JSON.parse(text));
  } catch {
    owner = null;
  }
  if (owner && owner.host === hostname() && !alive(owner.pid)) return { state: 'breakable', ino: st.ino };
  if (Date.now() - st.mtimeMs > staleMs) return { state: 'breakable', ino: st.ino };
  return { state: 'held' };
}

/** Whether the episode's review lock is held by a live or freshly refreshed holder (a run does not start under it). */
export async function reviewLockHeld(ws: Workspace, epId: string): Promise<boolean> {
  return (await inspect(`${reviewFiles(ws, epId).dir}/${REVIEW_LOCK}`, lockTiming.staleMs)).state === 'held';
}

/** Moves the judged lock aside (rename is atomic, so one waiter wins) and removes it; a lock re-made meanwhile is put back. */
async function breakLock(lockPath: string, ino: number): Promise<void> {
  const tomb = `${lockPath}.dead-${randomBytes(4).toString('hex')}`;
  if (!(await rename(lockPath, tomb).then(() => true, () => false))) return;
  const st = await lstat(tomb).catch(() => null);
  if (!st || st.ino === ino) {
    await rm(tomb, { recursive: true, force: true });
    return;
  }
  // Not the lock we judged: put it back without replacing one made since (link fails on EEXIST).
  if (st.isFile()) await link(tomb, lockPath).catch(() => undefined);
  else await rename(tomb, lockPath).catch(() => undefined);
  await rm(tomb, { recursive: true, force: true });
}

/** Creates the lock with this process's record in one step; the inode of the lock made, or null when it is held. */
async function tryCreate(lockPath: string): Promise<number | null> {
  const tmp = tempPathFor(lockPath);
  const fh = await open(tmp, 'wx');
  try {
    await fh.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() } satisfies Owner));
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await link(tmp, lockPath);
    return (await lstat(lockPath)).ino;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** Keeps the lock fresh while held; warns (once) if it was taken from us, as the holder finishes its write anyway. */
function heartbeat(lockPath: string, ino: number, staleMs: number): () => void {
  const timer = setInterval(() => {
    void (async () => {
      const st = await lstat(lockPath).catch(() => null);
      if (st?.ino !== ino) {
        clearInterval(timer);
        console.warn(`review lock ${lockPath} was taken over while held (this holder stalled past ${staleMs / 1000} s)`);
        return;
      }
      const now = new Date();
      await utimes(lockPath, now, now).catch(() => undefined);
    })();
  }, Math.max(50, Math.floor(staleMs / 3)));
  timer.unref();
  return () => clearInterval(timer);
}

/** Takes the lock at `lockPath`, waiting past its stale time; resolves to its release function. `what` names what it guards. */
async function acquire(lockPath: string, what: string): Promise<() => Promise<void>> {
  const { staleMs, waitPastStaleMs } = lockTiming;
  const deadline = Date.now() + staleMs + waitPastStaleMs;
  for (let attempt = 0; ; attempt++) {
    const ino = await tryCreate(lockPath);
    if (ino !== null) {
      const stop = heartbeat(lockPath, ino, staleMs);
      return async () => {
        stop();
        if ((await lstat(lockPath).catch(() => null))?.ino === ino) await unlink(lockPath).catch(() => undefined);
      };
    }
    const verdict = await inspect(lockPath, staleMs);
    if (verdict.state === 'free') continue;
    if (verdict.state === 'breakable') {
      await breakLock(lockPath, verdict.ino);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new IpcFailure({ code: 'locked', reason: 'busy', message: `another window or host has been saving ${what} for ${(staleMs + waitPastStaleMs) / 1000} s; try again` });
    }
    await sleep(Math.min(200, 20 * 2 ** Math.min(attempt, 4)));
  }
}

/**
 * Runs `fn` holding the lock file `lockPath` (made as described at the top of this file; its folder is
 * created). `what` names what the lock guards, for the 'locked' failure.
 */
export async function withLockFile<T>(lockPath: string, what: string, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(lockPath), { recursive: true });
  const release = await acquire(lockPath, what);
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}

/** Runs `fn` holding the episode's review lock. */
export function withReviewLock<T>(ws: Workspace, epId: string, fn: () => Promise<T>): Promise<T> {
  return withLockFile(`${reviewFiles(ws, epId).dir}/${REVIEW_LOCK}`, 'this episode', fn);
}
