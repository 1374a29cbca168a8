// The dispatcher both hosts share, on real ReviewServices over fixture workspaces: what it refuses
// before the service, what it refuses after (an answer outside the contract), how errors are mapped,
// that a switcher's current service is read per call, and that Electron IPC and the web host answer
// the same request with the same envelope because both go through it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { makeFixtureEpisode } from '../../scripts/fixture-episode';
import { registerIpc } from '../main/ipc';
import { ReviewService } from '../service/review-service';
import { startWebHost } from '../web/server';
import { createDispatcher, type HostedService } from './dispatch';
import { WorkspaceSwitcher } from './workspace-switch';

let tmp: string;
let wsA: string;
let wsB: string;
const services: { close(): Promise<void> }[] = [];

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sa-dispatch-'));
  wsA = join(tmp, 'a');
  wsB = join(tmp, 'b');
  await makeFixtureEpisode({ workspace: wsA, epId: 'alpha-s01e01', identities: 2, tracksPerIdentity: 1, facesPerTrack: 1, withImages: false });
  await makeFixtureEpisode({ workspace: wsB, epId: 'beta-s02e03', identities: 3, tracksPerIdentity: 1, facesPerTrack: 1, withImages: false });
});
after(async () => {
  for (const s of services) await s.close();
  await rm(tmp, { recursive: true, force: true });
});

const serviceOn = (root: string) => {
  const s = new ReviewService({ workspace: root, host: 'test' });
  services.push(s);
  return s;
};
/** The real service with some methods replaced (the rest, `ws` and `on` come from it). */
const withMethods = (s: ReviewService, methods: Partial<Record<keyof HostedService, unknown>>) => Object.assign(Object.create(s), methods) as HostedService;

test('unknown channels and malformed payloads are refused before any service method runs', async () => {
  let calls = 0;
  const dispatch = createDispatcher(withMethods(serviceOn(wsA), { applyReview: async () => (calls++, null) }));
  assert.deepEqual(await dispatch('fs:read', {}), { ok: false, error: { code: 'not_found', message: 'unknown channel "fs:read"' } });
  assert.equal((await dispatch('__proto__', {})).ok, false);
  const bad = await dispatch('review:apply', { ep_id: 'alpha-s01e01', revision: -1, command: { op: 'nuke' } });
  assert.ok(!bad.ok && bad.error.code === 'invalid_request' && /review:apply/.test(bad.error.message) && /revision/.test(bad.error.message), JSON.stringify(bad));
  assert.equal(calls, 0);
  const listed = await dispatch('episodes:list', undefined);
  assert.ok(listed.ok, 'a missing payload is the empty request');
});

test('an answer outside the contract is an internal error naming the field, not passed on', async () => {
  const dispatch = createDispatcher(withMethods(serviceOn(wsA), { listEpisodes: async () => ({ episodes: [{ ep_id: 'alpha-s01e01' }] }) }));
  const r = await dispatch('episodes:list', {});
  assert.ok(!r.ok && r.error.code === 'internal', JSON.stringify(r));
  assert.match(r.error.message, /episodes:list: the answer does not match the contract/);
  assert.match(r.error.message, /episodes\[0\]\.show/);
});

test('errors: IpcFailures keep their shape; anything else is internal, without the server path', async () => {
  const svc = serviceOn(wsA);
  const dispatch = createDispatcher(withMethods(svc, { getSettings: async () => { throw new Error(`EACCES: ${wsA}/.screenalytics/settings.json`); } }));
  assert.deepEqual(await dispatch('settings:get', {}), { ok: false, error: { code: 'internal', message: 'EACCES: .screenalytics/settings.json' } });
  const conflict = await dispatch('review:apply', { ep_id: 'alpha-s01e01', revision: 7, command: { op: 'lock', identity_id: 'identity-00001', locked: true } });
  assert.ok(!conflict.ok && conflict.error.code === 'conflict' && conflict.error.revision === 0, JSON.stringify(conflict));
});

test('a single service serves one folder; a switcher is asked for its current service on every call', async () => {
  const single = createDispatcher(serviceOn(wsA));
  assert.deepEqual(await single('workspace:recent', {}), { ok: true, data: { current: wsA, recent: [wsA] } });
  const refused = await single('workspace:choose', { path: wsB });
  assert.ok(!refused.ok && refused.error.code === 'forbidden', JSON.stringify(refused));

  const switcher = new WorkspaceSwitcher({ initial: wsA, create: serviceOn, mode: 'path' });
  const dispatch = createDispatcher(switcher);
  const ws = await dispatch('workspace:get', {});
  assert.ok(ws.ok && (ws.data as { workspace_switch: string }).workspace_switch === 'path', 'the host decorates workspace:get');
  const ids = async () => {
    const r = await dispatch('episodes:list', {});
    assert.ok(r.ok);
    return (r.data as { episodes: { ep_id: string }[] }).episodes.map((e) => e.ep_id);
  };
  assert.deepEqual(await ids(), ['alpha-s01e01']);
  assert.deepEqual(await dispatch('workspace:choose', { path: wsB }), { ok: true, data: { root: wsB, changed: true } });
  assert.deepEqual(await ids(), ['beta-s02e03'], 'the same dispatcher now reaches the new workspace');
});

test('Electron IPC and the web host give the same envelope for the same request', async () => {
  const svc = serviceOn(wsA);
  const handlers = new Map<string, (e: IpcMainInvokeEvent, p: unknown) => unknown>();
  registerIpc({ handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) }, svc, () => true);
  const web = await startWebHost({ service: svc, token: 'same' });
  try {
    const requests: [string, unknown][] = [
      ['episode:open', { ep_id: 'Not An Episode' }],
      ['review:undo', { ep_id: 'alpha-s01e01', revision: 3 }],
      ['identity:detail', { ep_id: 'alpha-s01e01', identity_id: 'identity-00002' }],
    ];
    for (const [channel, payload] of requests) {
      const viaIpc = await handlers.get(channel)!({} as IpcMainInvokeEvent, payload);
      const res = await fetch(`${web.origin}/api/${channel}`, { method: 'POST', headers: { Authorization: 'Bearer same', 'Content-Type': 'application/json' }, body: JSON.stringify(payload) });
      assert.deepEqual(await res.json(), viaIpc, channel);
    }
  } finally {
    await web.close();
  }
});
