// Bad data on disk through the web host: one broken episode is listed as broken while the others
// stay listed and open; errors name the workspace file, never where the server keeps the workspace.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode } from '../../scripts/fixture-episode';
import { ReviewService } from '../service/review-service';
import { startWebHost, type WebHost } from './server';

let root: string;
let outside: string;
let host: WebHost;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-bad-'));
  outside = await mkdtemp(join(tmpdir(), 'sa-bad-outside-'));
  const fx = { workspace: root, identities: 2, tracksPerIdentity: 1, facesPerTrack: 2, withImages: false, dim: 128 };
  for (const epId of ['bad-s01e01', 'bad-s01e02', 'bad-s01e03']) await makeFixtureEpisode({ ...fx, epId });
  // e02: identities.json is a symlink out of the workspace; e03: identities.json is not UTF-8.
  const e02 = join(root, 'data/manifests/bad-s01e02/identities.json');
  await rename(e02, join(outside, 'identities.json'));
  await symlink(join(outside, 'identities.json'), e02);
  await writeFile(join(root, 'data/manifests/bad-s01e03/identities.json'), Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
  host = await startWebHost({ service: new ReviewService({ workspace: root, host: 'web' }), token: 'bad-token' });
});
after(async () => {
  await host?.close();
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const api = async (channel: string, body: unknown) => {
  const res = await fetch(`${host.origin}/api/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer bad-token' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
};

test('episodes:list lists every episode; the broken ones say why, without server paths', async () => {
  const r = await api('episodes:list', {});
  assert.equal(r.status, 200, r.text);
  const { episodes } = (JSON.parse(r.text) as { data: { episodes: { ep_id: string; has_identities: boolean; error?: string }[] } }).data;
  assert.deepEqual(episodes.map((e) => [e.ep_id, e.has_identities, !!e.error]), [['bad-s01e01', true, false], ['bad-s01e02', false, true], ['bad-s01e03', false, true]]);
  assert.match(episodes[1].error!, /identities\.json.*outside the workspace/);
  assert.match(episodes[2].error!, /^data\/manifests\/bad-s01e03\/identities\.json: not valid UTF-8/);
  assert.ok(!r.text.includes(root), r.text);
});

test('opening a broken episode answers 4xx/5xx naming the workspace file, not the server path', async () => {
  const good = await api('episode:open', { ep_id: 'bad-s01e01' });
  assert.equal(good.status, 200);
  for (const ep of ['bad-s01e02', 'bad-s01e03']) {
    const r = await api('episode:open', { ep_id: ep });
    assert.ok(r.status >= 400 && r.status < 600, `${ep}: ${r.status}`);
    assert.match(r.text, new RegExp(`data/manifests/${ep}/identities\\.json`));
    assert.ok(!r.text.includes(root), r.text);
  }
});
