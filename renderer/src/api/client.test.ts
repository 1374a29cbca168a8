/// <reference types="node" />
// The renderer's api in Electron mode, wired exactly as the app does it (minus the Electron binary,
// which cannot run here): renderer client → preload API (electron/preload/api) → ipcMain handlers
// (electron/main/ipc) → the real ReviewService on a fixture episode made from real face crops.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { makeFixtureEpisode, type FixtureEpisode } from '../../../scripts/fixture-episode';
import { ReviewService } from '../../../electron/service/review-service';
import { registerIpc, forwardEvents } from '../../../electron/main/ipc';
import { buildPreloadApi } from '../../../electron/preload/api';
import { episodeArtifacts } from '../../../electron/store/artifacts';
import { Workspace } from '../../../electron/store/workspace';
import { IpcFailure, type EventName } from '../../../shared/ipc';
import { errorInfo, getApi, isElectron, mediaUrl } from './client';

const EP = 'client-s01e01';
let workspace: string;
let fx: FixtureEpisode;
let service: ReviewService;

before(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'sa-client-'));
  fx = await makeFixtureEpisode({ workspace, epId: EP, identities: 4, tracksPerIdentity: 2, facesPerTrack: 2, withImages: false, locked: [3] });
  service = new ReviewService({ workspace, host: 'electron' });
  const handlers = new Map<string, (e: IpcMainInvokeEvent, p: unknown) => unknown>();
  registerIpc({ handle: (ch, fn) => handlers.set(ch, fn), removeHandler: (ch) => handlers.delete(ch) }, service, () => true);
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  forwardEvents(service, (event, payload) => listeners.get(event)?.forEach((cb) => cb(structuredClone(payload))));
  const api = buildPreloadApi({
    // structuredClone stands in for Electron's IPC serialisation.
    invoke: async (ch, payload) => structuredClone(await handlers.get(ch)!({} as IpcMainInvokeEvent, structuredClone(payload))),
    on: (event, cb) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(cb);
      return () => set.delete(cb);
    },
  });
  (globalThis as unknown as { window: unknown }).window = { api };
});

after(() => {
  delete (globalThis as unknown as { window?: unknown }).window;
  rmSync(workspace, { recursive: true, force: true });
});

test('in Electron the client uses window.api, validates answers, and media goes through media://', async () => {
  assert.equal(isElectron(), true);
  const api = getApi();
  const opened = await api.openEpisode({ ep_id: EP });
  assert.deepEqual(opened.identities.identities.map((i) => i.identity_id), fx.identityIds);
  assert.equal(opened.tracks.length, fx.trackIds.length);
  assert.equal(mediaUrl(EP, 'crops/track-00001/frame_000000.jpg'), `media://episode/${EP}/crops/track-00001/frame_000000.jpg`);
  assert.equal(mediaUrl(EP, ''), '');
});

test('an edit goes through to identities.json and raises artifacts:changed; refusals arrive typed', async () => {
  const api = getApi();
  const changed = new Promise<{ ep_id: string; revision: number | null }>((resolve) => {
    const off = api.onArtifactsChanged((c) => {
      off();
      resolve(c);
    });
  });
  const { revision } = await api.openEpisode({ ep_id: EP });
  const id = fx.identityIds[1];
  const st = await api.applyReview({ ep_id: EP, revision, command: { op: 'lock', identity_id: id, locked: true } });
  assert.equal(st.revision, revision + 1);
  const onDisk = await episodeArtifacts(new Workspace(workspace), EP).readIdentities();
  assert.equal(onDisk.identities.find((i) => i.identity_id === id)?.locked, true);
  assert.deepEqual(await changed, { ep_id: EP, revision: st.revision, reason: 'review' });

  // A locked identity refuses a label without force; a stale revision is a conflict.
  await assert.rejects(
    api.applyReview({ ep_id: EP, revision: st.revision, command: { op: 'label', identity_id: fx.identityIds[3], name: 'X' } }),
    (err: unknown) => err instanceof IpcFailure && errorInfo(err).code === 'locked',
  );
  await assert.rejects(
    api.applyReview({ ep_id: EP, revision: revision, command: { op: 'lock', identity_id: id, locked: false } }),
    (err: unknown) => err instanceof IpcFailure && err.error.code === 'conflict' && err.error.revision === st.revision,
  );
  // The client validates requests before sending: a malformed id never reaches the service.
  await assert.rejects(api.openEpisode({ ep_id: 'Not An Episode' }), /ep_id/);
});
