// "Change workspace…" in Electron: workspace:choose through the real ipcMain handlers (a stand-in
// ipcMain, as in ipc.test.ts) with the native dialog mocked, real ReviewServices on two fixture
// workspaces, and the recent list persisted in a real JSON file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { makeFixtureEpisode } from '../../scripts/fixture-episode';
import { ReviewService } from '../service/review-service';
import { StoreError } from '../store/errors';
import { WorkspaceSwitcher } from '../host/workspace-switch';
import { APP_URL, forwardEvents, registerIpc, type IpcMainLike } from './ipc';
import { initialWorkspace, jsonRecentStore } from './workspaces';

let tmp: string;
let wsA: string;
let wsB: string;
let prefs: string;
let switcher: WorkspaceSwitcher;
const dialogAnswers: (string | null)[] = [];
let dialogCalls = 0;
const events: unknown[] = [];
const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
const fakeIpc: IpcMainLike = { handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) };
const appEvent = { senderFrame: { url: APP_URL, parent: null } } as unknown as IpcMainInvokeEvent;
type Envelope<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
const call = async <T>(channel: string, payload: unknown = {}) => (await handlers.get(channel)!(appEvent, payload)) as Envelope<T>;
const episodeIds = async () => {
  const r = await call<{ episodes: { ep_id: string }[] }>('episodes:list');
  assert.ok(r.ok);
  return r.data.episodes.map((e) => e.ep_id);
};

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sa-wsipc-'));
  wsA = join(tmp, 'a');
  wsB = join(tmp, 'b');
  prefs = join(tmp, 'userData', 'workspaces.json');
  await makeFixtureEpisode({ workspace: wsA, epId: 'alpha-s01e01', identities: 2, tracksPerIdentity: 1, facesPerTrack: 1, withImages: false });
  await makeFixtureEpisode({ workspace: wsB, epId: 'beta-s02e03', identities: 3, tracksPerIdentity: 1, facesPerTrack: 1, withImages: false });
  await makeFixtureEpisode({ workspace: wsB, epId: 'beta-s02e04', identities: 2, tracksPerIdentity: 1, facesPerTrack: 1, withImages: false });
  switcher = new WorkspaceSwitcher({
    initial: wsA,
    create: (root) => new ReviewService({ workspace: root, host: 'electron' }),
    mode: 'dialog',
    pickFolder: async () => (dialogCalls++, dialogAnswers.shift() ?? null),
    recent: jsonRecentStore(prefs),
  });
  registerIpc(fakeIpc, switcher);
  forwardEvents(switcher, (name, payload) => events.push({ name, payload }));
});
after(async () => {
  await switcher.close();
  await rm(tmp, { recursive: true, force: true });
});

test('workspace:get says the dialog is how to switch', async () => {
  const r = await call<{ root: string; host: string; workspace_switch: string }>('workspace:get');
  assert.ok(r.ok);
  assert.deepEqual([r.data.root, r.data.host, r.data.workspace_switch], [wsA, 'electron', 'dialog']);
  assert.deepEqual(await episodeIds(), ['alpha-s01e01']);
});

test('a cancelled dialog changes nothing', async () => {
  dialogAnswers.push(null);
  const r = await call<{ root: string; changed: boolean }>('workspace:choose');
  assert.ok(r.ok);
  assert.deepEqual(r.data, { root: wsA, changed: false });
  assert.equal(dialogCalls, 1);
  assert.deepEqual(events, []);
});

test('picking a folder switches the service, persists it, and emits workspace:changed', async () => {
  dialogAnswers.push(wsB);
  const r = await call<{ root: string; changed: boolean }>('workspace:choose');
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.data, { root: wsB, changed: true });
  assert.deepEqual(await episodeIds(), ['beta-s02e03', 'beta-s02e04']);
  assert.deepEqual(events, [{ name: 'workspace:changed', payload: { root: wsB } }]);
  assert.deepEqual(JSON.parse(await readFile(prefs, 'utf8')), { v: 1, recent: [wsB, wsA] });
  // Edits land in the new workspace, and their events still reach the window.
  const open = await call<{ revision: number }>('episode:open', { ep_id: 'beta-s02e03' });
  assert.ok(open.ok);
  const lock = await call('review:apply', { ep_id: 'beta-s02e03', revision: open.data.revision, command: { op: 'lock', identity_id: 'identity-00001', locked: true } });
  assert.ok(lock.ok);
  assert.deepEqual(events.at(-1), { name: 'artifacts:changed', payload: { ep_id: 'beta-s02e03', revision: 1, reason: 'review' } });
  const recent = await call<{ current: string; recent: string[] }>('workspace:recent');
  assert.ok(recent.ok);
  assert.deepEqual(recent.data, { current: wsB, recent: [wsB, wsA] });
});

test('a typed path must be a recent workspace (the page cannot point the app anywhere)', async () => {
  const other = join(tmp, 'other');
  await mkdir(other);
  const refused = await call('workspace:choose', { path: other });
  assert.ok(!refused.ok);
  assert.equal(refused.error.code, 'invalid_request');
  assert.match(refused.error.message, /not a recent workspace/);
  const back = await call<{ root: string; changed: boolean }>('workspace:choose', { path: wsA });
  assert.ok(back.ok);
  assert.deepEqual(back.data, { root: wsA, changed: true });
  assert.deepEqual(await episodeIds(), ['alpha-s01e01']);
  const bad = await call('workspace:choose', { path: '' });
  assert.ok(!bad.ok && bad.error.code === 'invalid_request', 'zod refuses an empty path');
});

test('the next launch reopens the last workspace; flag and env win over it', async () => {
  const recent = await jsonRecentStore(prefs).load();
  assert.deepEqual(recent, [wsA, wsB]);
  const documents = join(tmp, 'Documents');
  assert.equal(initialWorkspace({ argv: [], env: {}, recent, documents }), wsA);
  assert.equal(initialWorkspace({ argv: ['electron', '.', `--workspace=${wsB}`], env: { SCREENALYTICS_WORKSPACE: '/x' }, recent, documents }), wsB);
  assert.equal(initialWorkspace({ argv: [], env: { SCREENALYTICS_WORKSPACE: wsB }, recent, documents }), wsB);
  assert.equal(initialWorkspace({ argv: [], env: {}, recent: [join(tmp, 'gone')], documents }), join(documents, 'Screenalytics'));
});

test('a damaged workspaces.json is a clear error naming the file and line', async () => {
  const file = join(tmp, 'bad.json');
  await writeFile(file, '{\n  "v": 1,\n  "recent": [3]\n}\n');
  await assert.rejects(jsonRecentStore(file).load(), (err: unknown) => err instanceof StoreError && err.message.includes(file) && /:3\b|line 3/.test(err.message) && /recent/.test(err.message));
});
