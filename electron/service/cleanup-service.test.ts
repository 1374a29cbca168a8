// Cleanup through the review app's service (the 'cleanup:run' / 'cleanup:undo' channels): a reviewer's
// lock made through the journal survives the cleanup, the service reloads the cleaned episode, and
// undo brings back the episode — identities, journal and undo stack — exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channels, IpcFailure } from '../../shared/ipc';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { loadEvalPack } from '../models/eval-pack';
import type { LoadedPack } from '../models/types';
import { ReviewService } from './review-service';
import { loadFaceLibrary } from '../../scripts/synth/faces';
import { clusterEpisode } from '../pipeline/cluster';
import { buildEpisode, hashTree, type FixtureFace } from '../../test-support/cleanup-episodes';

const P1 = 'deepface-p01', P2 = 'deepface-p02';
const EP = 'svc-s01e01';
let pack: LoadedPack;
let dir: string;
let svc: ReviewService;

const faces = (person: string, photos: number[]): FixtureFace[] => photos.map((photo) => ({ person, photo }));

before(async () => {
  pack = await loadEvalPack();
  const lib = await loadFaceLibrary(pack.detector, [P1, P2], 8);
  dir = mkdtempSync(join(tmpdir(), 'h9-svc-'));
  const fx = await buildEpisode(dir, EP, pack, lib, [
    { startFrame: 0, faces: [...faces(P1, [0, 1, 2, 3, 4, 5]), ...faces(P2, [0, 1, 2, 3, 4, 5])] },
    { startFrame: 100, faces: faces(P1, [6, 7, 2]) },
    { startFrame: 150, faces: faces(P2, [6, 7, 3]) },
  ]);
  const ctx = { workspace: fx.ws, epId: EP, paths: fx.ws.paths(EP), settings: defaultPipelineSettings(), pack, progress: () => {}, signal: new AbortController().signal, log: () => {} };
  await clusterEpisode(ctx, { clusterThresh: 0.4 });
  svc = new ReviewService({ workspace: dir, settingsPath: join(dir, 'settings.json') });
});

after(async () => {
  await svc?.close();
  await pack?.detector.dispose();
  await pack?.embedder.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// Every step, so the test covers all three (the app's default leaves reembed out).
const ALL_STEPS = ['split_tracks', 'reembed', 'recluster'];

test('cleanup:run keeps a journalled lock, the service sees the cleaned episode; cleanup:undo restores everything', async () => {
  let state = await svc.openEpisode({ ep_id: EP });
  const p2 = state.identities.identities.find((i) => i.track_ids.includes('track-00003'))!;
  assert.ok(!p2.track_ids.includes('track-00001'), 'the mixed track went with the p01 tracks');
  const named = await svc.applyReview({ ep_id: EP, revision: state.revision, command: { op: 'label', identity_id: p2.identity_id, name: 'Person Two' } });
  const locked = await svc.applyReview({ ep_id: EP, revision: named.revision, command: { op: 'lock', identity_id: p2.identity_id, locked: true } });
  const lockedIdentity = JSON.stringify(locked.identities.identities.find((i) => i.identity_id === p2.identity_id));
  const pristine = hashTree(dir, (rel) => rel.endsWith('/backups'));

  const events: string[] = [];
  const off = svc.on('artifacts:changed', (e) => events.push(`${e.ep_id}:${e.reason}`));
  const steps: string[] = [];
  const offProgress = svc.on('cleanup:progress', (p) => steps.push(p.step));
  const dry = await svc.runCleanup(channels['cleanup:run'].request.parse({ ep_id: EP, actions: ALL_STEPS, dry_run: true }));
  assert.equal(dry.dry_run, true);
  assert.deepEqual(dry.splits, [{ from: 'track-00001', into: ['track-00004', 'track-00005'] }]);
  assert.deepEqual(hashTree(dir, (rel) => rel.endsWith('/backups')), pristine, 'dry run writes nothing');
  assert.deepEqual(events, []);

  const run = await svc.runCleanup(channels['cleanup:run'].request.parse({ ep_id: EP, actions: ALL_STEPS }));
  assert.equal(channels['cleanup:run'].response.parse(run).report.actions_run.length, 3);
  assert.deepEqual(events, [`${EP}:pipeline`]);
  assert.deepEqual([...new Set(steps)], ['read', 'split_tracks', 'reembed', 'recluster', 'backup', 'write', 'validate'], 'progress events, in order');
  state = await svc.openEpisode({ ep_id: EP });
  const after = state.identities.identities;
  assert.equal(JSON.stringify(after.find((i) => i.identity_id === p2.identity_id)), lockedIdentity, 'the locked identity is untouched');
  // The p02 half of the split track cannot join the locked identity automatically: it stays apart.
  const owner = (t: string) => after.find((i) => i.track_ids.includes(t))!;
  assert.notEqual(owner('track-00005').identity_id, p2.identity_id);
  assert.equal(owner('track-00004').identity_id, owner('track-00002').identity_id);
  assert.deepEqual(state.tracks.map((t) => t.track_id).sort(), ['track-00002', 'track-00003', 'track-00004', 'track-00005']);

  const undo = await svc.undoCleanup(channels['cleanup:undo'].request.parse({ ep_id: EP }));
  assert.equal(undo.backup, run.backup);
  assert.deepEqual(hashTree(dir, (rel) => rel.endsWith('/backups')), pristine, 'every file as before the cleanup');
  state = await svc.openEpisode({ ep_id: EP });
  assert.equal(state.revision, locked.revision);
  assert.equal(state.history.can_undo, true, 'the review undo stack is back');
  await assert.rejects(svc.undoCleanup(channels['cleanup:undo'].request.parse({ ep_id: EP })), (e: unknown) => e instanceof IpcFailure && e.error.code === 'not_found');
  off();
  offProgress();
});
