// The media route under a symlink-swap race: a child process flips a crop between a file inside the
// workspace and a symlink to one outside (or a track folder's symlink between a folder inside and one
// outside), while many requests run. Both
// code paths that serve media (the web host's GET /media/… and Electron's media:// handler) must
// never send a byte of the outside file: they open once and serve the descriptor they checked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mediaUrl } from '../../shared/ipc';
import { mediaHandler } from '../main/protocols';
import { ReviewService } from '../service/review-service';
import { Workspace } from '../store/workspace';
import { startWebHost, type WebHost } from './server';

const EP = 'demo-s01e01';
const REQUESTS = 300;
let root: string;
let outside: string;
let host: WebHost;
let tracks: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-race-'));
  outside = await mkdtemp(join(tmpdir(), 'sa-race-outside-'));
  tracks = join(root, 'artifacts/crops/demo/s01/e01/tracks');
  for (const t of ['track-00001', 'track-00002']) await mkdir(join(tracks, t), { recursive: true });
  await writeFile(join(tracks, 'track-00002', 'frame_000001.jpg'), 'INSIDE');
  await writeFile(join(tracks, 'track-00001', 'frame_000001.jpg'), 'INSIDE');
  await symlink(join(tracks, 'track-00002'), join(tracks, 'track-00003'));
  await writeFile(join(outside, 'frame_000001.jpg'), 'SECRET');
  host = await startWebHost({ service: new ReviewService({ workspace: root, host: 'web' }), token: 'race-token' });
});
after(async () => {
  await host?.close();
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

/** Runs `fn` while the swapper flips `mode`'s path; first checks the path serves the inside file when still. */
async function withSwapper<T>(mode: 'file' | 'dir', get: () => Promise<{ status: number; body: string }>, fn: () => Promise<T>): Promise<T> {
  assert.deepEqual(await get(), { status: 200, body: 'INSIDE' }, 'served when nothing races');
  const [target, inside, out] = mode === 'file'
    ? [join(tracks, 'track-00001', 'frame_000001.jpg'), join(tracks, 'track-00002', 'frame_000001.jpg'), join(outside, 'frame_000001.jpg')]
    : [join(tracks, 'track-00003'), join(tracks, 'track-00002'), outside];
  const child: ChildProcess = spawn(process.execPath, [join(import.meta.dirname, '../../test-support/symlink-swapper.mjs'), mode, target, inside, out], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ok, fail) => {
    child.stdout!.once('data', () => ok());
    child.once('exit', (code) => fail(new Error(`swapper exited early (${code})`)));
  });
  try {
    return await fn();
  } finally {
    const died = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await died;
    // Leave the path as it started (the kill may land on the outside state).
    await rm(target, { force: true });
    await rm(`${target}.swap`, { force: true });
    if (mode === 'dir') await symlink(inside, target);
    else await copyFile(inside, target);
  }
}

interface Tally { inside: number; secret: number; refused: number }

/** Runs `REQUESTS` requests, 10 at a time, and counts what came back. */
async function race(get: () => Promise<{ status: number; body: string }>): Promise<Tally> {
  const t: Tally = { inside: 0, secret: 0, refused: 0 };
  for (let i = 0; i < REQUESTS; i += 10) {
    for (const r of await Promise.all(Array.from({ length: 10 }, get))) {
      if (r.body.includes('SECRET')) t.secret++;
      else if (r.status === 200 && r.body === 'INSIDE') t.inside++;
      else t.refused++;
    }
  }
  return t;
}

const refs = { file: 'crops/track-00001/frame_000001.jpg', dir: 'crops/track-00003/frame_000001.jpg' } as const;

for (const mode of ['file', 'dir'] as const) {
  test(`web host /media/: ${REQUESTS} requests while a ${mode} flips to a symlink out of the workspace serve 0 outside bytes`, async (t) => {
    const url = `${host.origin}${mediaUrl('web', EP, refs[mode])}`;
    const get = async () => {
      const res = await fetch(url, { headers: { Authorization: 'Bearer race-token' } });
      return { status: res.status, body: await res.text() };
    };
    const tally = await withSwapper(mode, get, () => race(get));
    t.diagnostic(JSON.stringify(tally));
    assert.equal(tally.secret, 0, `served the outside file: ${JSON.stringify(tally)}`);
    assert.equal(tally.inside + tally.refused, REQUESTS);
  });

  test(`Electron media://: ${REQUESTS} requests while a ${mode} flips to a symlink out of the workspace serve 0 outside bytes`, async (t) => {
    const handle = mediaHandler(() => new Workspace(root));
    const url = mediaUrl('electron', EP, refs[mode]);
    const get = async () => {
      const res = await handle(new Request(url));
      return { status: res.status, body: await res.text() };
    };
    const tally = await withSwapper(mode, get, () => race(get));
    t.diagnostic(JSON.stringify(tally));
    assert.equal(tally.secret, 0, `served the outside file: ${JSON.stringify(tally)}`);
    assert.equal(tally.inside + tally.refused, REQUESTS);
  });
}
