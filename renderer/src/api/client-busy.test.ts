/// <reference types="node" />
// The renderer's web client against the real web host while another writer holds the episode's review
// lock: the host answers 423 with Retry-After, and the client resends. Released after the first 423,
// the edit goes through without the caller seeing an error; held throughout, the caller gets a
// plain-words 'locked' error after a bounded number of resends and nothing is written.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode, type FixtureEpisode } from '../../../scripts/fixture-episode';
import { lockTiming, withReviewLock } from '../../../electron/store/review';
import { ReviewService } from '../../../electron/service/review-service';
import { episodeArtifacts } from '../../../electron/store/artifacts';
import { Workspace } from '../../../electron/store/workspace';
import { startWebHost, type WebHost } from '../../../electron/web/server';
import { IpcFailure, createClientApi, type ClientApi } from '../../../shared/ipc';
import { webTransport } from './client';

const EP = 'busy-s01e01';
const TOKEN = 'busy-token';
let workspace: string;
let fx: FixtureEpisode;
let host: WebHost;
let api: ClientApi;
const savedTiming = { ...lockTiming };
const realFetch = globalThis.fetch;
/** Status and Retry-After of every API answer, in order. */
let answers: { status: number; retryAfter: string | null }[] = [];
/** Called with each answer before the client sees it. */
let onAnswer: (status: number) => Promise<void> = async () => undefined;

before(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'sa-busy-'));
  fx = await makeFixtureEpisode({ workspace, epId: EP, identities: 3, tracksPerIdentity: 1, facesPerTrack: 1, withImages: false });
  // The host waits 0.3 s for a held lock before answering 423, instead of past the 30 s stale time;
  // the stale time itself stays, so the live holder here is never taken over.
  Object.assign(lockTiming, { waitPastStaleMs: 300 - lockTiming.staleMs });
  host = await startWebHost({ service: new ReviewService({ workspace, host: 'web' }), token: TOKEN });
  // The browser's session cookie, for Node's fetch: the bearer token on every request to the host.
  globalThis.fetch = async (input, init) => {
    const res = await realFetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${TOKEN}` } });
    answers.push({ status: res.status, retryAfter: res.headers.get('retry-after') });
    await onAnswer(res.status);
    return res;
  };
  api = createClientApi(webTransport(host.origin, { attempts: 2, baseMs: 50, maxMs: 200 }));
});

after(async () => {
  globalThis.fetch = realFetch;
  Object.assign(lockTiming, savedTiming);
  await host?.close();
  rmSync(workspace, { recursive: true, force: true });
});

/** Takes the episode's review lock through a second handle on the workspace; resolves once it is held. */
async function holdLock(): Promise<{ release(): Promise<void> }> {
  let letGo!: () => void;
  const held = new Promise<void>((r) => (letGo = r));
  let taken!: () => void;
  const acquired = new Promise<void>((r) => (taken = r));
  const done = withReviewLock(new Workspace(workspace), EP, () => (taken(), held));
  await acquired;
  return { release: () => (letGo(), done) };
}

const nameOnDisk = async (id: string) => (await episodeArtifacts(new Workspace(workspace), EP).readIdentities()).identities.find((i) => i.identity_id === id)?.labels.name ?? null;

test('an edit sent while another writer holds the episode is resent after the 423 and succeeds', async () => {
  const { revision } = await api.openEpisode({ ep_id: EP });
  const lock = await holdLock();
  answers = [];
  onAnswer = async (status) => {
    if (status === 423) await lock.release();
  };
  const id = fx.identityIds[0];
  const st = await api.applyReview({ ep_id: EP, revision, command: { op: 'label', identity_id: id, name: 'Rachel Green' } });
  onAnswer = async () => undefined;
  assert.deepEqual(answers, [{ status: 423, retryAfter: '1' }, { status: 200, retryAfter: null }]);
  assert.equal(st.revision, revision + 1);
  assert.equal(st.identities.identities.find((i) => i.identity_id === id)?.labels.name, 'Rachel Green');
  assert.equal(await nameOnDisk(id), 'Rachel Green');
});

test('a lock held past every resend ends in a plain-words locked error, and nothing is written', async () => {
  const { revision } = await api.openEpisode({ ep_id: EP });
  const lock = await holdLock();
  answers = [];
  const id = fx.identityIds[1];
  try {
    await assert.rejects(api.applyReview({ ep_id: EP, revision, command: { op: 'label', identity_id: id, name: 'Ross Geller' } }), (err: unknown) => {
      assert.ok(err instanceof IpcFailure);
      assert.equal(err.error.code, 'locked');
      assert.equal(err.error.reason, 'busy');
      assert.match(err.error.message, /^Not saved: another window or host kept this episode busy \(tried 3 times\)\. Wait until it has finished, then try again\.$/);
      return true;
    });
  } finally {
    await lock.release();
  }
  assert.deepEqual(answers.map((a) => a.status), [423, 423, 423], 'the first request and two resends');
  assert.equal(await nameOnDisk(id), null);
  const after = await api.openEpisode({ ep_id: EP });
  assert.equal(after.revision, revision, 'no edit was journalled');
});
