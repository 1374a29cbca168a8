// A track that switches people, fixed in the identity view, on a REAL episode (the Friends clip, eval
// pack, stride 6): the tracker followed a camera move from Joey to Rachel inside track-00010 (its faces
// before the sharpest face-to-face drop look like Joey's own track-00003, the ones after like Rachel's
// track-00002; the pipeline put the whole track with Rachel). The reviewer focuses
// that track, picks the first face of the other person and presses "Split track here": two new tracks,
// the second in an identity of its own; then rejects a face with the keyboard (←/→, x); then z twice
// brings every file back. tracks.jsonl, faces.jsonl, faces.npy, track_embeddings.npy and identities.json
// are read from disk, and `screenalytics validate` must be clean after every step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poolTracks } from '../shared/cluster/pooling';
import { trackIdNumber } from '../shared/schema';
import { snapshot, withFailureShot } from './fixtures';
import { useReviewApp } from './harness';
import { assertValid, FRIENDS_EP as EP, friendsArtifacts, runFriendsPipeline } from './friends';

const MIXED = 'track-00010';
const JOEY = 'track-00003';
const RACHEL = 'track-00002';
const e2e = useReviewApp({
  prefix: 'sa-tracksplit-',
  setup: runFriendsPipeline,
});

const art = () => friendsArtifacts(e2e.workspace);
const valid = (step: string) => assertValid(e2e.workspace, step);
const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

/** The face of `trackId` after its sharpest face-to-face drop, and how well each side matches two tracks. */
async function changeOfPerson(trackId: string, a: string, b: string) {
  const faces = await art().readFaces();
  const npy = await art().readFacesNpy();
  const te = await art().readTrackEmbeddings();
  const dim = npy.shape[1];
  const row = (i: number) => npy.data.subarray(i * dim, (i + 1) * dim);
  const pooled = (t: string) => te.matrix.data.subarray(te.trackOrder.indexOf(t) * dim, (te.trackOrder.indexOf(t) + 1) * dim);
  const idx = faces.map((_, i) => i).filter((i) => faces[i].track_id === trackId).sort((x, y) => faces[x].frame_idx - faces[y].frame_idx);
  let cut = 1;
  for (let k = 2; k < idx.length; k++) if (cos(row(idx[k - 1]), row(idx[k])) < cos(row(idx[cut - 1]), row(idx[cut]))) cut = k;
  const mean = (ids: number[]) => {
    const m = new Float32Array(dim);
    for (const i of ids) row(i).forEach((x, d) => (m[d] += x / ids.length));
    return m;
  };
  const before = mean(idx.slice(0, cut)), after = mean(idx.slice(cut));
  return {
    face: faces[idx[cut]].face_id,
    drop: cos(row(idx[cut - 1]), row(idx[cut])),
    before: [cos(before, pooled(a)), cos(before, pooled(b))],
    after: [cos(after, pooled(a)), cos(after, pooled(b))],
  };
}

/** Shows the identity holding `trackId` (from the grid when another is open) and focuses that track's row with j/k (its faces show). */
async function focusTrack(trackId: string) {
  const doc = await art().readIdentities();
  const owner = doc.identities.find((i) => i.track_ids.includes(trackId))!;
  const page = e2e.app.page;
  if (!(await page.locator(`[data-testid="identity-detail"][data-identity-id="${owner.identity_id}"]`).count())) {
    if (await page.getByTestId('identity-detail').count()) await page.getByRole('button', { name: 'Back to all identities' }).click();
    await e2e.app.openIdentity(owner.identity_id);
  }
  const ids = await e2e.app.trackIdsShown();
  const current = Number(await page.locator('[data-testid="track-row"].focused').getAttribute('data-track-index'));
  const delta = ids.indexOf(trackId) - current;
  for (let i = 0; i < Math.abs(delta); i++) await e2e.app.press(delta > 0 ? 'j' : 'k');
  await page.locator(`[data-testid="track-row"][data-track-id="${trackId}"].focused [data-testid="face-strip"]`).waitFor();
  return owner;
}

test('split a track at the face where it switches people, reject a face, then undo both', async () => {
  await withFailureShot(e2e.handle, 'track-split', async () => {
    const page = e2e.app.page;
    await valid('the pipeline');
    const worst = await changeOfPerson(MIXED, JOEY, RACHEL);
    const why = JSON.stringify(worst);
    assert.ok(worst.drop < 0.3, `faces either side of ${worst.face} are two people: ${why}`);
    assert.ok(worst.before[0] > worst.before[1] + 0.2 && worst.after[1] > worst.after[0] + 0.2, `Joey before the cut, Rachel after: ${why}`);
    const tracks0 = await art().readTracks();
    const faces0 = await art().readFaces();
    const npy0 = await art().readFacesNpy();
    const mixedFaces = faces0.filter((f) => f.track_id === MIXED).sort((a, b) => a.frame_idx - b.frame_idx);
    const cutFrame = mixedFaces.find((f) => f.face_id === worst.face)!.frame_idx;

    await e2e.app.goto(e2e.host.url);
    await e2e.app.openEpisode(EP);
    const owner = await focusTrack(MIXED);
    await page.locator(`[data-testid="face"][data-face-id="${worst.face}"]`).click();
    await snapshot(page, 'track-split-face-picked');
    await e2e.app.step(() => page.getByTestId('split-track-here').click());
    await valid('split');

    // tracks.jsonl: the mixed track is gone, two new ids after the largest one cover its span.
    const tracks = await art().readTracks();
    const maxOld = Math.max(...tracks0.map((t) => trackIdNumber(t.track_id)));
    const parts = tracks.filter((t) => trackIdNumber(t.track_id) > maxOld).sort((a, b) => a.frame_span[0] - b.frame_span[0]);
    assert.equal(tracks.some((t) => t.track_id === MIXED), false);
    assert.equal(parts.length, 2);
    const span0 = tracks0.find((t) => t.track_id === MIXED)!.frame_span;
    assert.deepEqual([parts[0].frame_span[0], parts[1].frame_span[1]], span0);
    assert.equal(parts[1].frame_span[0], parts[0].frame_span[1] + 1);
    // faces.jsonl: same rows, the faces before the cut on the first part, from it on the second;
    // faces.npy rows unchanged (validate checks they equal faces.jsonl).
    const faces = await art().readFaces();
    assert.equal(faces.length, faces0.length);
    for (const f of mixedFaces) {
      const now = faces.find((x) => x.face_id === f.face_id)!;
      assert.equal(now.track_id, f.frame_idx < cutFrame ? parts[0].track_id : parts[1].track_id, f.face_id);
      assert.ok(now.crop_path.startsWith(`crops/${now.track_id}/`), now.crop_path);
    }
    assert.deepEqual((await art().readFacesNpy()).data, npy0.data);
    // track_embeddings.npy: both parts pooled again from their own faces.
    const te = await art().readTrackEmbeddings();
    assert.ok(!te.trackOrder.includes(MIXED));
    const pooled = poolTracks(faces, npy0.data, npy0.shape[1], parts.map((p) => p.track_id));
    for (const p of parts) {
      const r = te.trackOrder.indexOf(p.track_id);
      const want = pooled.vectors.subarray(pooled.trackOrder.indexOf(p.track_id) * npy0.shape[1], (pooled.trackOrder.indexOf(p.track_id) + 1) * npy0.shape[1]);
      assert.ok(cos(te.matrix.data.subarray(r * npy0.shape[1], (r + 1) * npy0.shape[1]), want) > 0.9999, `${p.track_id} re-pooled`);
    }
    // identities.json: the first part stays in the identity, the second is an identity of its own.
    const doc = await art().readIdentities();
    assert.ok(doc.identities.find((i) => i.identity_id === owner.identity_id)!.track_ids.includes(parts[0].track_id));
    assert.deepEqual(doc.identities.find((i) => i.track_ids.includes(parts[1].track_id))!.track_ids, [parts[1].track_id]);

    // Reject a face of Rachel's own track with the keyboard: the strip, → to its second face, x.
    await focusTrack(RACHEL);
    await page.locator(`[data-testid="track-row"][data-track-id="${RACHEL}"] [data-testid="face-strip"]`).focus();
    await e2e.app.press('ArrowRight');
    await e2e.app.press('ArrowRight');
    const picked = await page.locator('[data-testid="face"][aria-selected="true"]').getAttribute('data-face-id');
    assert.equal((await art().readFaces()).find((f) => f.face_id === picked)!.rejection_reason, undefined, 'an accepted face');
    const rowBefore = (await art().readTrackEmbeddings()).trackOrder.indexOf(RACHEL);
    const vecBefore = (await art().readTrackEmbeddings()).matrix.data.slice(rowBefore * npy0.shape[1], (rowBefore + 1) * npy0.shape[1]);
    await e2e.app.press('x');
    await page.locator(`[data-testid="face"][data-face-id="${picked}"].rejected`).waitFor();
    await e2e.app.settled();
    await valid('reject');
    assert.equal((await art().readFaces()).find((f) => f.face_id === picked)!.rejection_reason, 'reviewer');
    const te2 = await art().readTrackEmbeddings();
    const r2 = te2.trackOrder.indexOf(RACHEL);
    assert.notDeepEqual(te2.matrix.data.slice(r2 * npy0.shape[1], (r2 + 1) * npy0.shape[1]), vecBefore, 'the track was pooled again');
    await snapshot(page, 'track-split-rejected');

    // z twice: the rejection, then the split, come undone — every artifact as the pipeline left it.
    assert.equal((await e2e.app.probe()).epId, EP);
    await e2e.app.press('z');
    await page.locator(`[data-testid="face"][data-face-id="${picked}"]:not(.rejected)`).waitFor();
    await e2e.app.settled();
    await valid('undo reject');
    assert.equal((await art().readFaces()).find((f) => f.face_id === picked)!.rejection_reason, undefined);
    await e2e.app.press('z');
    await e2e.app.settled();
    await valid('undo split');
    assert.deepEqual(await art().readTracks(), tracks0);
    assert.deepEqual(await art().readFaces(), faces0);
    assert.deepEqual(e2e.handle.errors, []);
  });
});
