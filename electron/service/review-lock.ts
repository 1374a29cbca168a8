// The cross-process review lock of one episode (the Electron app, `screenalytics serve` and the
// pipeline's settle step can all write the same episode). proper-lockfile's mkdir lock is atomic on
// local and network file systems and is taken over once its holder stops refreshing it (stale after
// 10 s). A holder on this machine that died (kill -9, power loss of the app only) is recognised at
// once instead: inside the lock directory the holder records its pid and host, and a waiter that
// finds that pid gone on this host breaks the lock. The record is a symbolic link whose target is the
// JSON (created atomically, and skipped by the walkers of the episode folder, e.g. cleanup backups,
// which take regular files only). Waiting lasts longer than the stale
// time, so a dead holder elsewhere costs one wait, not a failed request; a live holder busy past it
// yields a 'locked' failure the client may retry.
import { randomBytes } from 'node:crypto';
import { mkdir, readlink, rename, rm, symlink, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import lockfile from 'proper-lockfile';
import { IpcFailure } from '../../shared/ipc';
import type { Workspace } from '../store/workspace';

const STALE_MS = 10_000;
/** The owner record inside the lock directory. */
const OWNER = 'owner';
/** Past STALE_MS, so a lock whose holder died on another host is taken over inside one request. */
const WAIT_MS = STALE_MS + 5_000;

interface Owner {
  pid: number;
  host: string;
  /** Tells this holding apart from a later one by the same pid. */
  nonce: string;
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
    return typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.nonce === 'string' ? (o as Owner) : null;
  } catch {
    return null;
  }
}

/** The lock's recorded holder when it is a process of this host that no longer exists. */
async function deadHolder(ownerPath: string): Promise<Owner | null> {
  const owner = await readOwner(ownerPath);
  return owner && owner.host === hostname() && !alive(owner.pid) ? owner : null;
}

/**
 * Moves a lock aside (rename is atomic, so only one waiter wins) and removes it. `expect` is the dead
 * owner that was judged: a lock re-made in between by a live holder is put back.
 */
async function breakLock(lockPath: string, expect: Owner | null): Promise<void> {
  const tomb = `${lockPath}.dead-${randomBytes(4).toString('hex')}`;
  if (!(await rename(lockPath, tomb).then(() => true, () => false))) return;
  const found = await readOwner(`${tomb}/${OWNER}`);
  if (expect && found?.nonce !== expect.nonce) {
    await rename(tomb, lockPath).catch(() => undefined);
    return;
  }
  await rm(tomb, { recursive: true, force: true });
}

/** Takes the lock on `dir`, waiting up to WAIT_MS; resolves to its release function. */
async function acquire(dir: string): Promise<() => Promise<void>> {
  const lockPath = `${dir}/review.lock`;
  const ownerPath = `${lockPath}/${OWNER}`;
  const deadline = Date.now() + WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      const release = await lockfile.lock(dir, { lockfilePath: lockPath, stale: STALE_MS, retries: 0 });
      // Where symlinks are not allowed (Windows without the privilege) the lock works without a record.
      await symlink(JSON.stringify({ pid: process.pid, host: hostname(), nonce: randomBytes(8).toString('hex') } satisfies Owner), ownerPath).catch((err: NodeJS.ErrnoException) => {
        if (!['EPERM', 'EACCES', 'ENOTSUP', 'ENOSYS'].includes(err.code ?? '')) throw err;
      });
      return async () => {
        // proper-lockfile removes the lock with rmdir, which needs it empty.
        await unlink(ownerPath).catch(() => undefined);
        await release();
      };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // ENOTEMPTY: proper-lockfile found the lock stale (no refresh for STALE_MS) but could not rmdir it
      // because of the owner record; the holder is gone either way.
      if (code === 'ENOTEMPTY') {
        await breakLock(lockPath, await readOwner(ownerPath));
        continue;
      }
      if (code !== 'ELOCKED') throw err;
    }
    const dead = await deadHolder(ownerPath);
    if (dead !== null) {
      await breakLock(lockPath, dead);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new IpcFailure({ code: 'locked', reason: 'busy', message: `another window or host has been saving ${dir} for ${WAIT_MS / 1000} s; try again` });
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
