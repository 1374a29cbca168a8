// "Human edits are never lost, not by a crash, not by a re-cluster": an edit whose journal line is on
// disk but whose identities.json rewrite never happened (crash) must survive a re-cluster started before
// the app is opened again.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode } from '../../scripts/fixture-episode';
import { identitiesDocSchema } from '../../shared/schema';
import { run as clusterCli } from '../cli/cluster';
import { readJson } from '../store/json';
import { Workspace } from '../store/workspace';
import { ReviewService } from './review-service';
import { settlePendingReviewEdits } from '../store/review';

const EP = 'settle-s01e01';
const roots: string[] = [];
after(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

async function crashedEpisode() {
  const root = await mkdtemp(join(tmpdir(), 'sa-settle-'));
  roots.push(root);
  const fx = await makeFixtureEpisode({ workspace: root, epId: EP, identities: 4, tracksPerIdentity: 3, facesPerTrack: 3, withImages: true });
  const identitiesPath = join(root, 'data/manifests', EP, 'identities.json');
  const undoPath = join(root, 'data/manifests', EP, 'review_undo.json');
  const svc = new ReviewService({ workspace: root, host: 'test' });
  const start = await svc.openEpisode({ ep_id: EP });
  const before = await readFile(identitiesPath);
  const target = fx.identityIds[1];
  const labeled = await svc.applyReview({ ep_id: EP, revision: start.revision, command: { op: 'label', identity_id: target, name: 'Lisa Vanderpump' } });
  const locked = await svc.applyReview({ ep_id: EP, revision: labeled.revision, command: { op: 'lock', identity_id: target, locked: true } });
  await svc.close();
  // The crash: both journal lines are on disk, identities.json and the undo file are from before.
  await writeFile(identitiesPath, before);
  await rm(undoPath, { force: true });
  const onDisk = () => readJson(identitiesPath, identitiesDocSchema);
  assert.equal((await onDisk()).identities.find((i) => i.identity_id === target)?.locked, false, 'the crash is simulated');
  const expected = locked.identities.identities.find((i) => i.identity_id === target)!;
  return { root, target, expected, onDisk };
}

test('a re-cluster after a crash keeps the journaled label and lock', async () => {
  const { root, target, expected, onDisk } = await crashedEpisode();
  assert.equal(await clusterCli([EP, '--workspace', root, '--thresh', '0.5']), 0);
  const doc = await onDisk();
  const kept = doc.identities.find((i) => i.identity_id === target);
  assert.ok(kept, 'the locked identity is still there');
  assert.equal(kept.locked, true);
  assert.equal(kept.labels.name, 'Lisa Vanderpump');
  assert.deepEqual(kept.track_ids, expected.track_ids);
});

test('settling is a no-op once identities.json has every journaled edit', async () => {
  const { root } = await crashedEpisode();
  const ws = new Workspace(root);
  assert.equal(await settlePendingReviewEdits(ws, EP), 2);
  assert.equal(await settlePendingReviewEdits(ws, EP), 0);
});
