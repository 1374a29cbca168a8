// The review lock is made with its holder's record in one step, so a holder killed at any point of
// taking it leaves either no lock or a lock that names it; the next taker never has to wait out the
// stale time for a holder of this machine that died.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTempFile, removeStaleTempFiles } from '../atomic';
import { Workspace } from '../workspace';
import { lockTiming, reviewFiles, reviewLockHeld, withReviewLock } from '.';

let root: string;
let ws: Workspace;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-review-lock-'));
  ws = new Workspace(root);
});
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const lockPath = (epId: string) => join(reviewFiles(ws, epId).dir, 'review.lock');

/**
 * A child process that takes the episode's review lock and is SIGKILLed by its own link() call:
 * just before the link ('before') or just after it ('after'), the two instants a kill can split.
 * Resolves to the child's pid once it is dead.
 */
async function killedWhileTaking(epId: string, when: 'before' | 'after'): Promise<number> {
  const script = `import { createRequire, syncBuiltinESMExports } from 'node:module';
const fsp = createRequire(import.meta.url)('node:fs/promises');
const realLink = fsp.link;
fsp.link = async (from, to) => {
  if (${JSON.stringify(when)} === 'before') process.kill(process.pid, 'SIGKILL');
  await realLink(from, to);
  process.kill(process.pid, 'SIGKILL');
};
syncBuiltinESMExports();
const { withReviewLock } = await import(${JSON.stringify(join(import.meta.dirname, 'index.ts'))});
const { Workspace } = await import(${JSON.stringify(join(import.meta.dirname, '../workspace.ts'))});
await withReviewLock(new Workspace(${JSON.stringify(root)}), ${JSON.stringify(epId)}, async () => { process.stdout.write('took the lock whole\\n'); });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (c, s) => r([c, s])));
  assert.equal(signal, 'SIGKILL', `the child died in link(), not otherwise (exit ${code}, output ${out})`);
  assert.equal(out, '', 'the child never ran its locked section');
  return child.pid!;
}

/** `withReviewLock` on the episode, failing if it has not got the lock within `boundMs`. */
async function takeWithin(epId: string, boundMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting for the lock after ${boundMs} ms`)), boundMs);
  });
  try {
    await Promise.race([withReviewLock(ws, epId, async () => undefined), bound]);
  } finally {
    clearTimeout(timer);
  }
}

test('killed right after creating the lock: the lock names the dead holder and the next taker breaks it at once', async (t) => {
  const EP = 'afterlink-s01e01';
  // With a minute's stale time, only recognising the dead holder can get the lock inside the bound.
  const saved = { ...lockTiming };
  Object.assign(lockTiming, { staleMs: 60_000 });
  t.after(() => Object.assign(lockTiming, saved));
  const pid = await killedWhileTaking(EP, 'after');
  const record = JSON.parse(await readFile(lockPath(EP), 'utf8')) as { pid: number; host: string };
  assert.equal(record.pid, pid, 'the lock file holds its holder\'s record from the moment it exists');
  const t0 = performance.now();
  await takeWithin(EP, 10_000);
  t.diagnostic(`lock taken ${Math.round(performance.now() - t0)} ms after the holder's death`);
  assert.equal(await reviewLockHeld(ws, EP), false, 'released after use');
});

test('killed just before creating the lock: no lock at all, and its temp record is swept as a dead writer\'s', async (t) => {
  const EP = 'beforelink-s01e01';
  const saved = { ...lockTiming };
  Object.assign(lockTiming, { staleMs: 60_000 });
  t.after(() => Object.assign(lockTiming, saved));
  await killedWhileTaking(EP, 'before');
  const dir = reviewFiles(ws, EP).dir;
  const names = await readdir(dir);
  assert.ok(!names.includes('review.lock'), names.join(', '));
  assert.equal(names.filter(isTempFile).length, 1, names.join(', '));
  await takeWithin(EP, 10_000);
  assert.deepEqual((await removeStaleTempFiles(dir)).length, 1);
  assert.deepEqual(await readdir(dir), []);
});

test('a lock held in this process is held for others; one of another host is waited for until it goes stale, then taken over', async (t) => {
  const EP = 'elsewhere-s01e01';
  let inside = false;
  await withReviewLock(ws, EP, async () => {
    inside = await reviewLockHeld(ws, EP);
  });
  assert.equal(inside, true);
  assert.equal(await reviewLockHeld(ws, EP), false);

  const saved = { ...lockTiming };
  Object.assign(lockTiming, { staleMs: 2_000, waitPastStaleMs: 500 });
  t.after(() => Object.assign(lockTiming, saved));
  const path = lockPath(EP);
  await writeFile(path, JSON.stringify({ pid: 1, host: 'another-machine', at: new Date().toISOString() }));
  assert.equal(await reviewLockHeld(ws, EP), true, 'a fresh lock of another host is held: its pid says nothing here');
  let took = false;
  const taking = withReviewLock(ws, EP, async () => {
    took = true;
  });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(took, false, 'not taken while fresh');
  await taking;
  assert.equal(took, true, 'taken over once stale');

  // A lock in another shape (a directory, no record) is likewise held until it goes stale.
  await mkdir(path);
  assert.equal(await reviewLockHeld(ws, EP), true);
  const old = new Date(Date.now() - 10_000);
  await utimes(path, old, old);
  assert.equal(await reviewLockHeld(ws, EP), false);
  await withReviewLock(ws, EP, async () => undefined);
});
