// workspace:choose on the web host: refused (403 'forbidden') unless the host was started with
// --allow-workspace-switch, and then only onto an existing absolute folder; after a switch the API,
// the media route and the event stream all follow the new root.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode } from '../../scripts/fixture-episode';
import { mediaUrl } from '../../shared/ipc';
import { ReviewService } from '../service/review-service';
import { Workspace } from '../store/workspace';
import { startWebHost, type WebHost } from './server';
import { WorkspaceSwitcher } from '../host/workspace-switch';

let tmp: string;
let wsA: string;
let wsB: string;
const hosts: WebHost[] = [];
const switchers: WorkspaceSwitcher[] = [];
const auth = { Authorization: 'Bearer t0k3n', 'Content-Type': 'application/json' };
const post = (host: WebHost, channel: string, body: unknown) => fetch(`${host.origin}/api/${channel}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
const errorOf = async (r: Response) => ((await r.json()) as { error: { code: string; message: string } }).error;

async function hostWith(mode: 'none' | 'path' | null): Promise<WebHost> {
  const service =
    mode === null
      ? new ReviewService({ workspace: wsA, host: 'web' })
      : new WorkspaceSwitcher({ initial: wsA, create: (root) => new ReviewService({ workspace: root, host: 'web' }), mode });
  if (service instanceof WorkspaceSwitcher) switchers.push(service);
  const host = await startWebHost({ service, token: 't0k3n' });
  hosts.push(host);
  return host;
}

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sa-wsweb-'));
  wsA = join(tmp, 'a');
  wsB = join(tmp, 'b');
  await makeFixtureEpisode({ workspace: wsA, epId: 'alpha-s01e01', identities: 2, tracksPerIdentity: 1, facesPerTrack: 1, withImages: false });
  await makeFixtureEpisode({ workspace: wsB, epId: 'beta-s02e03', identities: 2, tracksPerIdentity: 1, facesPerTrack: 2 });
  await writeFile(join(tmp, 'file.txt'), 'not a folder');
});
after(async () => {
  for (const h of hosts) await h.close();
  for (const s of switchers) await s.close();
  await rm(tmp, { recursive: true, force: true });
});

test('without --allow-workspace-switch the browser cannot switch folders: 403 forbidden, with the reason', async () => {
  for (const mode of [null, 'none'] as const) {
    const host = await hostWith(mode);
    const r = await post(host, 'workspace:choose', { path: wsB });
    assert.equal(r.status, 403, String(mode));
    const e = await errorOf(r);
    assert.equal(e.code, 'forbidden');
    assert.match(e.message, /cannot pick a folder on the server/);
    assert.match(e.message, /--allow-workspace-switch/);
    const ws = (await (await post(host, 'workspace:get', {})).json()) as { data: { root: string; workspace_switch?: string } };
    assert.equal(ws.data.root, wsA, 'still on the first workspace');
    assert.equal(ws.data.workspace_switch ?? 'none', 'none');
  }
});

test('with switching allowed: the path must be an existing absolute folder', async () => {
  const host = await hostWith('path');
  const ws = (await (await post(host, 'workspace:get', {})).json()) as { data: { workspace_switch: string } };
  assert.equal(ws.data.workspace_switch, 'path');
  const cases: [unknown, number, string, RegExp][] = [
    [{}, 400, 'invalid_request', /give \{"path"/],
    [{ path: 'relative/dir' }, 400, 'invalid_request', /must be absolute/],
    [{ path: join(tmp, 'missing') }, 404, 'not_found', /does not exist/],
    [{ path: join(tmp, 'file.txt') }, 400, 'invalid_request', /not a folder/],
    [{ path: wsB, extra: 1 }, 400, 'invalid_request', /extra/],
  ];
  for (const [body, status, code, message] of cases) {
    const r = await post(host, 'workspace:choose', body);
    assert.equal(r.status, status, JSON.stringify(body));
    const e = await errorOf(r);
    assert.equal(e.code, code);
    assert.match(e.message, message);
  }
});

test('a switch moves the API, the media route and the event stream to the new root', async () => {
  const host = await hostWith('path');
  const ctrl = new AbortController();
  const stream = await fetch(`${host.origin}/events`, { headers: auth, signal: ctrl.signal });
  const reader = stream.body!.getReader();
  const dec = new TextDecoder();
  let text = dec.decode((await reader.read()).value);

  const r = await post(host, 'workspace:choose', { path: wsB });
  assert.equal(r.status, 200);
  assert.deepEqual(((await r.json()) as { data: unknown }).data, { root: wsB, changed: true });
  while (!/event: workspace:changed\ndata: .*\n\n/.test(text)) text += dec.decode((await reader.read()).value);
  assert.deepEqual(JSON.parse(/event: workspace:changed\ndata: (.*)\n/.exec(text)![1]), { root: wsB });

  const list = (await (await post(host, 'episodes:list', {})).json()) as { data: { episodes: { ep_id: string }[] } };
  assert.deepEqual(list.data.episodes.map((e) => e.ep_id), ['beta-s02e03']);
  const open = (await (await post(host, 'episode:open', { ep_id: 'beta-s02e03' })).json()) as { data: { tracks: { sample_crops: string[] }[] } };
  const ref = open.data.tracks[0].sample_crops[0];
  const img = await fetch(`${host.origin}${mediaUrl('web', 'beta-s02e03', ref)}`, { headers: auth });
  assert.equal(img.status, 200);
  assert.deepEqual(Buffer.from(await img.arrayBuffer()), await readFile(new Workspace(wsB).resolveManifestRef('beta-s02e03', ref)));
  const recent = (await (await post(host, 'workspace:recent', {})).json()) as { data: unknown };
  assert.deepEqual(recent.data, { current: wsB, recent: [wsB, wsA] });
  // Choosing the current folder again is a no-op.
  const same = await post(host, 'workspace:choose', { path: wsB });
  assert.deepEqual(((await same.json()) as { data: unknown }).data, { root: wsB, changed: false });
  ctrl.abort();
});
