// A track that switches people, fixed in the identity view, on a REAL episode (the Friends clip, eval
// pack, stride 6): the tracker followed a camera move from Joey to Rachel inside track-00010 (its last
// face is another person: the biggest drop in face-to-face cosine of any track). The reviewer focuses
// that track, picks the first face of the other person and presses "Split track here": two new tracks,
// the second in an identity of its own; then rejects a face with the keyboard (←/→, x); then z twice
// brings every file back. tracks.jsonl, faces.jsonl, faces.npy, track_embeddings.npy and identities.json
// are read from disk, and `screenalytics validate` must be clean after every step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runPipeline } from '../electron/pipeline/orchestrator';
import { EVAL_DIR, loadEvalPack } from '../electron/models/testing';
import { episodeArtifacts } from '../electron/store/artifacts';
import { formatReport, validateEpisode } from '../electron/store/validate';
import { Workspace } from '../electron/store/workspace';
import { poolTracks } from '../shared/cluster/pooling';
import { trackIdNumber } from '../shared/schema';
import { snapshot, withFailureShot } from './fixtures';
import { useReviewApp } from './harness';

const EP = 'friends-s01e01';
const VIDEO = join(EVAL_DIR, 'videos', 'sitcom_friends_group.mp4');
const MIXED = 'track-00010';
const e2e = useReviewApp({
  prefix: 'sa-tracksplit-',
  setup: (workspace) => runPipeline({ videoPath: VIDEO, workspace, epId: EP, settings: { stride: 6 }, loadPack: () => loadEvalPack('cpu') }),
});

const art = () => episodeArtifacts(new Workspace(e2e.workspace), EP);
async function valid(step: string) {
  const r = await validateEpisode(new Workspace(e2e.workspace), EP);
  assert.ok(r.ok, `after ${step}:\n${formatReport(r)}`);
}
const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

/** Per track: the lowest cosine between consecutive faces (faces.npy rows) and the face after it. */
async function biggestDrops() {
  const faces = await art().readFaces();
  const npy = await art().readFacesNpy();
  const dim = npy.shape[1];
  const row = (i: number) => npy.data.subarray(i * dim, (i + 1) * dim);
  const byTrack = new Map<string, number[]>();
  faces.forEach((f, i) => byTrack.set(f.track_id, [...(byTrack.get(f.track_id) ?? []), i]));
  return [...byTrack].map(([track, idx]) => {
    idx.sort((a, b) => faces[a].frame_idx - faces[b].frame_idx);
    let best = { cosine: 1, face: '' };
    for (let k = 1; k < idx.length; k++) {
      const c = cos(row(idx[k - 1]), row(idx[k]));
      if (c < best.cosine) best = { cosine: c, face: faces[idx[k]].face_id };
    }
    return { track, ...best };
  }).sort((a, b) => a.cosine - b.cosine);
}

/** Opens the identity holding `trackId` and focuses that track's row (its faces show). */
async function focusTrack(trackId: string) {
  const doc = await art().readIdentities();
  const owner = doc.identities.find((i) => i.track_ids.includes(trackId))!;
  await e2e.app.openIdentity(owner.identity_id);
  const ids = await e2e.app.trackIdsShown();
  for (let i = 0; i < ids.indexOf(trackId); i++) await e2e.app.press('j');
  await e2e.app.page.locator(`[data-testid="track-row"][data-track-id="${trackId}"].focused [data-testid="face-strip"]`).waitFor();
  return owner;
}

test('split a track at the face where it switches people, reject a face, then undo both', async () => {
  await withFailureShot(e2e.handle, 'track-split', async () => {
    const page = e2e.app.page;
    await valid('the pipeline');
    const [worst] = await biggestDrops();
    assert.equal(worst.track, MIXED, 'the track with the sharpest change of face is the camera move');
    assert.ok(worst.cosine < 0.3, `faces before and after ${worst.face} are two people (cosine ${worst.cosine.toFixed(2)})`);
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

    // Reject a face of the first part with the keyboard: the strip, → to its second face, x.
    await focusTrack(parts[0].track_id);
    await page.locator(`[data-testid="track-row"][data-track-id="${parts[0].track_id}"] [data-testid="face-strip"]`).focus();
    await e2e.app.press('ArrowRight');
    await e2e.app.press('ArrowRight');
    const picked = await page.locator('[data-testid="face"][aria-selected="true"]').getAttribute('data-face-id');
    const rowBefore = (await art().readTrackEmbeddings()).trackOrder.indexOf(parts[0].track_id);
    const vecBefore = (await art().readTrackEmbeddings()).matrix.data.slice(rowBefore * npy0.shape[1], (rowBefore + 1) * npy0.shape[1]);
    await e2e.app.press('x');
    await page.locator(`[data-testid="face"][data-face-id="${picked}"].rejected`).waitFor();
    await e2e.app.settled();
    await valid('reject');
    assert.equal((await art().readFaces()).find((f) => f.face_id === picked)!.rejection_reason, 'reviewer');
    const te2 = await art().readTrackEmbeddings();
    const r2 = te2.trackOrder.indexOf(parts[0].track_id);
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
