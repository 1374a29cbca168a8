// Reviewer merges survive recomputation, on a REAL episode (the Friends clip, eval pack, stride 6 as
// the timeline test): Joey's two identities (his face at the table, track-00003, and from behind,
// track-00014 — apart after clustering) are labeled and merged, left unlocked, then
//  1. Clean up from the top bar: the preview lists per identity what changes and Joey loses nothing;
//     Apply keeps every track of the merge (split halves included) in the identity named Joey;
//  2. after "Undo cleanup", `screenalytics cluster` re-clusters: the merged tracks stay with Joey.
// identities.json is read from disk and `screenalytics validate` must be clean after every step.
// (The merge goes through the service: the merge dialog's own flow is tested with the dialog.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main as cli } from '../electron/cli';
import type { IdentitiesDoc } from '../shared/schema';
import { snapshot, withFailureShot } from './fixtures';
import { useReviewApp } from './harness';
import { assertValid, FRIENDS_EP as EP, friendsArtifacts, runFriendsPipeline } from './friends';

const JOEY_FRONT = 'track-00003';
const JOEY_BACK = 'track-00014';
const e2e = useReviewApp({
  prefix: 'sa-constraints-',
  setup: runFriendsPipeline,
});

const art = () => friendsArtifacts(e2e.workspace);
const owner = (doc: IdentitiesDoc, t: string) => doc.identities.find((i) => i.track_ids.includes(t));
const valid = (step: string) => assertValid(e2e.workspace, step);
/** The tracks that now hold the faces the given tracks held at the start (cleanup splits renumber). */
async function descendants(faceIds: Set<string>): Promise<Set<string>> {
  return new Set((await art().readFaces()).filter((f) => faceIds.has(f.face_id)).map((f) => f.track_id));
}
async function joeyHoldsAll(faceIds: Set<string>, step: string) {
  const doc = await art().readIdentities();
  const joey = doc.identities.filter((i) => i.labels?.name === 'Joey');
  assert.equal(joey.length, 1, `after ${step}: one identity named Joey`);
  const tracks = await descendants(faceIds);
  const outside = [...tracks].filter((t) => !joey[0].track_ids.includes(t));
  assert.deepEqual(outside, [], `after ${step}: Joey (${joey[0].identity_id}: ${joey[0].track_ids.join(', ')}) lost tracks of the merge`);
  assert.equal(joey[0].locked, false);
}

test('a merge of two unlocked identities survives Clean up and `screenalytics cluster`', async () => {
  await withFailureShot(e2e.handle, 'constraints-merge', async () => {
    const svc = e2e.host.service;
    const doc0 = await art().readIdentities();
    const front = owner(doc0, JOEY_FRONT)!, back = owner(doc0, JOEY_BACK)!;
    assert.notEqual(front.identity_id, back.identity_id, 'the pipeline leaves Joey in two identities');
    const joeyFaces = new Set((await art().readFaces()).filter((f) => f.track_id === JOEY_FRONT || f.track_id === JOEY_BACK).map((f) => f.face_id));
    await valid('the pipeline');

    await e2e.app.goto(e2e.host.url);
    await e2e.app.openEpisode(EP);
    await e2e.app.focusCard(front.identity_id);
    await e2e.app.step(() => e2e.app.label('Joey'));
    await valid('label');
    let rev = (await svc.openEpisode({ ep_id: EP })).revision;
    rev = (await svc.applyReview({ ep_id: EP, revision: rev, command: { op: 'merge', target_id: front.identity_id, source_ids: [back.identity_id], allow_overlap: true } })).revision;
    if ((await art().readIdentities()).identities.find((i) => i.identity_id === front.identity_id)!.locked) {
      await svc.applyReview({ ep_id: EP, revision: rev, command: { op: 'lock', identity_id: front.identity_id, locked: false } });
    }
    await valid('merge');
    await joeyHoldsAll(joeyFaces, 'merge');
    await e2e.app.settled();

    // 1. Clean up: the preview names what changes per identity; Joey keeps his tracks and name.
    const page = e2e.app.page;
    await page.getByTestId('cleanup-open').click();
    await page.getByTestId('cleanup-summary').waitFor({ timeout: 180_000 });
    const changes = page.getByTestId('cleanup-changes');
    await changes.waitFor();
    const joeyRow = changes.locator(`[data-identity-id="${front.identity_id}"]`);
    if (await joeyRow.count()) assert.doesNotMatch((await joeyRow.textContent()) ?? '', /loses|name dropped/);
    await snapshot(page, 'cleanup-preview-changes');
    await page.getByTestId('cleanup-apply').click();
    await page.getByTestId('toast-info').filter({ hasText: 'Cleanup done' }).waitFor({ timeout: 180_000 });
    await e2e.app.settled();
    await valid('cleanup');
    await joeyHoldsAll(joeyFaces, 'cleanup');

    // 2. Back to before the cleanup, then a re-cluster from the command line.
    await page.getByTestId('cleanup-undo').click();
    await page.getByTestId('toast-info').filter({ hasText: 'Cleanup undone' }).waitFor({ timeout: 60_000 });
    await e2e.app.settled();
    await valid('undo cleanup');
    await joeyHoldsAll(joeyFaces, 'undo cleanup');
    assert.equal(await cli(['cluster', EP, '--workspace', e2e.workspace]), 0);
    await valid('screenalytics cluster');
    await joeyHoldsAll(joeyFaces, 'screenalytics cluster');
    const doc = await art().readIdentities();
    assert.deepEqual([...owner(doc, JOEY_BACK)!.track_ids].sort(), [...owner(doc, JOEY_FRONT)!.track_ids].sort());
    assert.deepEqual(e2e.handle.errors, []);
  });
});
