// workspace:browse through the one dispatcher both hosts use, and over the web host's HTTP route: the
// roots are the workspace and the host's media roots, a picked clip is listed with its size, and
// hostile paths are refused with the contract's codes without listing anything outside.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVAL_DIR } from '../models/eval-pack';
import { ReviewService } from '../service/review-service';
import { startWebHost, type WebHost } from '../web/server';
import { createDispatcher } from './dispatch';
import { WorkspaceSwitcher } from './workspace-switch';

const CLIP = join(EVAL_DIR, 'videos', 'short_hamilton_clip.mp4');
let tmp: string;
let ws: string;
let media: string;
let service: ReviewService;

before(async () => {
  tmp = await realpath(await mkdtemp(join(tmpdir(), 'sa-browse-ch-')));
  ws = join(tmp, 'ws');
  media = join(tmp, 'media');
  await mkdir(join(media, 'season 1'), { recursive: true });
  await mkdir(join(tmp, 'outside'));
  await mkdir(ws);
  await copyFile(CLIP, join(media, 'season 1', 'hamilton-s01e01.mp4'));
  await copyFile(CLIP, join(tmp, 'outside', 'secret.mp4'));
  await symlink(join(tmp, 'outside'), join(media, 'escape'));
  service = new ReviewService({ workspace: ws, host: 'test' });
});
after(async () => {
  await service.close();
  await rm(tmp, { recursive: true, force: true });
});

test('workspace:browse lists the workspace and the media roots, then folders and video files', async () => {
  const dispatch = createDispatcher(service, { mediaRoots: [media] });
  const top = await dispatch('workspace:browse', {});
  assert.ok(top.ok);
  assert.deepEqual(top.data, { roots: [{ id: 'root-1', label: ws }, { id: 'root-2', label: media }], path: '', parent: null, entries: [], truncated: false });
  const root = await dispatch('workspace:browse', { root: 'root-2' });
  assert.ok(root.ok);
  assert.deepEqual((root.data as { entries: unknown[] }).entries, [{ name: 'season 1', kind: 'dir' }], 'the symlink out of the root is not listed');
  const season = await dispatch('workspace:browse', { root: 'root-2', path: 'season 1' });
  assert.ok(season.ok);
  const data = season.data as { entries: { name: string; kind: string; size?: number }[]; parent: string | null };
  assert.equal(data.parent, '');
  assert.deepEqual(data.entries.map((e) => [e.name, e.kind]), [['hamilton-s01e01.mp4', 'video']]);
  assert.ok((data.entries[0].size ?? 0) > 100_000, 'the real clip, with its size');
});

test('hostile paths are refused by the contract or the confinement, naming no outside folder', async () => {
  const dispatch = createDispatcher(service, { mediaRoots: [media] });
  const cases: [unknown, string][] = [
    [{ root: 'root-2', path: '..' }, 'invalid_request'],
    [{ root: 'root-2', path: '/etc' }, 'invalid_request'],
    [{ root: 'root-2', path: 'season 1/../..' }, 'invalid_request'],
    [{ root: 'root-2', path: 'a\\b' }, 'invalid_request'],
    [{ root: 'root-2', path: 'escape' }, 'forbidden'],
    [{ root: 'root-2', path: 'escape/secret.mp4' }, 'forbidden'],
    [{ root: 'root-3' }, 'not_found'],
    [{ root: 'root-2', path: 'nothing here' }, 'not_found'],
    [{ root: 'root-2', extra: 1 }, 'invalid_request'],
  ];
  for (const [req, code] of cases) {
    const r = await dispatch('workspace:browse', req);
    assert.equal(r.ok, false, JSON.stringify(req));
    if (r.ok) continue;
    assert.equal(r.error.code, code, `${JSON.stringify(req)}: ${r.error.message}`);
    assert.ok(!r.error.message.includes(join(tmp, 'outside')), r.error.message);
  }
});

test('a switcher browses its current workspace; the web host serves the channel with the roots it was started with', async () => {
  const switcher = new WorkspaceSwitcher({ initial: ws, create: (root) => new ReviewService({ workspace: root, host: 'web' }), mode: 'none' });
  let host: WebHost | undefined;
  try {
    const viaSwitcher = await createDispatcher(switcher)('workspace:browse', {});
    assert.ok(viaSwitcher.ok);
    assert.deepEqual((viaSwitcher.data as { roots: unknown }).roots, [{ id: 'root-1', label: ws }], 'no media roots given: the workspace only');
    host = await startWebHost({ service: switcher, mediaRoots: [media], token: 't' });
    const res = await fetch(`${host.origin}/api/workspace:browse`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify({ root: 'root-2', path: 'season 1' }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { data: { entries: { name: string }[] } };
    assert.deepEqual(body.data.entries.map((e) => e.name), ['hamilton-s01e01.mp4']);
    const bad = await fetch(`${host.origin}/api/workspace:browse`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: JSON.stringify({ root: 'root-2', path: 'escape' }),
    });
    assert.equal(bad.status, 403);
  } finally {
    await host?.close();
    await switcher.close();
  }
});
