import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { makeFixtureEpisode } from '../../scripts/fixture-episode';
import { CHANNELS, EVENT_NAMES, HOST_CHANNELS, IpcFailure, channels, createClientApi, eventMethod, reviewHelpers, type Channel, type EventName } from '../../shared/ipc';
import { ReviewService } from '../service/review-service';
import { buildPreloadApi } from '../preload/api';
import { APP_URL, forwardEvents, isAppFrame, registerIpc, type IpcMainLike } from './ipc';

const EP = 'demo-s01e01';
let root: string;
let service: ReviewService;
const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
const fakeIpc: IpcMainLike = { handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) };
const frameEvent = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } }) as unknown as IpcMainInvokeEvent;
const appEvent = frameEvent(APP_URL);

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-ipc-'));
  await makeFixtureEpisode({ workspace: root, epId: EP, identities: 4, tracksPerIdentity: 2, facesPerTrack: 2, withImages: false });
  service = new ReviewService({ workspace: root, host: 'electron' });
  registerIpc(fakeIpc, service);
});
after(() => rm(root, { recursive: true, force: true }));

test('one handler per channel, all implemented by ReviewService except the host channels', () => {
  assert.deepEqual([...handlers.keys()].sort(), [...CHANNELS].sort());
  for (const c of CHANNELS) {
    const has = typeof (service as unknown as Record<string, unknown>)[channels[c].method] === 'function';
    assert.equal(has, !(HOST_CHANNELS as readonly string[]).includes(c), c);
  }
});

test('sender frame check: only the top frame of app://bundle/ is served', async () => {
  assert.equal(isAppFrame({ url: APP_URL, parent: null }), true);
  assert.equal(isAppFrame({ url: 'app://bundle/people/identity-00001', parent: null }), true);
  assert.equal(isAppFrame({ url: APP_URL, parent: {} }), false, 'iframes are refused');
  assert.equal(isAppFrame({ url: 'https://evil.example/', parent: null }), false);
  assert.equal(isAppFrame({ url: 'app://other/index.html', parent: null }), false);
  assert.equal(isAppFrame({ url: 'file:///etc/passwd', parent: null }), false);
  assert.equal(isAppFrame(null), false);
  const handler = handlers.get('episodes:list')!;
  const refused = (await handler(frameEvent('https://evil.example/'), {})) as { ok: boolean; error: { code: string; message: string } };
  assert.equal(refused.ok, false);
  assert.match(refused.error.message, /not the app's own page/);
  const ok = (await handler(appEvent, {})) as { ok: boolean; data: { episodes: { ep_id: string }[] } };
  assert.equal(ok.ok, true);
  assert.equal(ok.data.episodes[0].ep_id, EP);
});

test('payloads are zod-validated in main; service refusals come back as typed errors', async () => {
  const apply = handlers.get('review:apply')!;
  const bad = (await apply(appEvent, { ep_id: EP, revision: -1, command: { op: 'nuke' } })) as { ok: boolean; error: { code: string; message: string } };
  assert.equal(bad.ok, false);
  assert.equal(bad.error.code, 'invalid_request');
  assert.match(bad.error.message, /revision/);
  assert.match(bad.error.message, /command/);
  const conflict = (await apply(appEvent, { ep_id: EP, revision: 5, command: { op: 'lock', identity_id: 'identity-00001', locked: true } })) as { ok: boolean; error: { code: string; revision: number } };
  assert.deepEqual([conflict.ok, conflict.error.code, conflict.error.revision], [false, 'conflict', 0]);
});

test('preload API → IPC → service round trip, with named methods only', async () => {
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const picked: unknown[] = [];
  const api = buildPreloadApi({
    invoke: async (channel: Channel, payload) => handlers.get(channel)!(appEvent, payload),
    on: (event, cb) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(cb);
      return () => set.delete(cb);
    },
  }, { getPathForFile: (file) => (picked.push(file), `/videos/${file.name}`) });
  forwardEvents(service, (name, payload) => listeners.get(name)?.forEach((cb) => cb(payload)));
  assert.deepEqual(Object.keys(api).sort(), [...CHANNELS.map((c) => channels[c].method), ...EVENT_NAMES.map(eventMethod), 'getPathForFile'].sort());
  // getPathForFile hands real Files to webUtils and refuses anything else before it gets there.
  const file = new File([new Uint8Array([1, 2, 3])], 'clip.mp4', { type: 'video/mp4' });
  assert.equal(api.getPathForFile(file), '/videos/clip.mp4');
  assert.deepEqual(picked, [file]);
  for (const bad of ['/etc/passwd', { name: 'clip.mp4' }, null]) assert.throws(() => api.getPathForFile(bad), TypeError);
  assert.equal(picked.length, 1);
  assert.equal(buildPreloadApi({ invoke: async () => null, on: () => () => undefined }).getPathForFile, undefined, 'only with extras');
  assert.ok(Object.isFrozen(api));
  for (const generic of ['invoke', 'send', 'on', 'ipcRenderer']) assert.equal(api[generic], undefined);

  // The renderer's view: a validating client over the preload's named methods.
  const client = createClientApi({
    invoke: (channel, payload) => Promise.resolve(api[channels[channel].method](payload)),
    subscribe: (event, cb) => api[eventMethod(event)](cb) as () => void,
  });
  const seen: unknown[] = [];
  const off = client.onArtifactsChanged((e) => seen.push(e));
  const open = await client.openEpisode({ ep_id: EP });
  const merged = await reviewHelpers(client).mergeIdentities(EP, open.revision, { target_id: 'identity-00001', source_ids: ['identity-00003'] });
  assert.equal(merged.identities.identities.length, 3);
  assert.deepEqual(seen, [{ ep_id: EP, revision: 1, reason: 'review' }]);
  off();
  await assert.rejects(client.undo({ ep_id: EP, revision: 0 }), (err: unknown) => err instanceof IpcFailure && err.error.code === 'conflict');
  const undone = await client.undo({ ep_id: EP, revision: 1 });
  assert.deepEqual(undone.identities.identities, open.identities.identities);
  assert.equal(seen.length, 1, 'unsubscribed');
  // Bad input is refused by main's dispatcher before it reaches the service.
  const early = (await api.applyReview({ ep_id: 'bad id', revision: 0, command: {} })) as { ok: boolean; error: { code: string } };
  assert.deepEqual([early.ok, early.error.code], [false, 'invalid_request']);
  assert.throws(() => api.onPipelineProgress('not a function'), TypeError);
});
