// review:edit-track on a real-photo episode (eval pack embeddings; the first track holds p01 then p02):
// a split at the first p02 face gives two new tracks, every artifact valid, the second part alone and
// cannot-linked to the first — so a re-cluster (cleanup recluster) never puts them back together; a
// rejected face is "reviewer" and the track re-pooled; locked / unknown / impossible edits are refused
// with nothing written; z restores every file byte for byte.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constraintViolations } from '../../shared/cluster/reviewer-constraints';
import { IpcFailure } from '../../shared/ipc';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { loadEvalPack } from '../models/eval-pack';
import type { LoadedPack } from '../models/types';
import { episodeArtifacts } from '../store/artifacts';
import { readConstraints } from '../store/constraints';
import { validateEpisode } from '../store/validate';
import { loadFaceLibrary, type FaceCutout } from '../../scripts/synth/faces';
import { clusterEpisode } from '../pipeline/cluster';
import { runCleanup } from '../pipeline/cleanup/cleanup';
import { buildEpisode, hashTree, type FixtureFace } from '../../test-support/cleanup-episodes';
import { ReviewService } from './review-service';

const EP = 'edit-s01e01';
const P1 = 'deepface-p01', P2 = 'deepface-p02';
let pack: LoadedPack;
let lib: Map<string, FaceCutout[]>;
let dir = '';
const noBackups = (rel: string) => rel.endsWith('/backups') || rel.startsWith('data/cast');

before(async () => {
  pack = await loadEvalPack();
  lib = await loadFaceLibrary(pack.detector, [P1, P2], 8);
  dir = mkdtempSync(join(tmpdir(), 'sa-edit-'));
  const f = (person: string, photos: number[]): FixtureFace[] => photos.map((photo) => ({ person, photo }));
  const fx = await buildEpisode(dir, EP, pack, lib, [
    { startFrame: 0, faces: [...f(P1, [0, 1, 2, 3]), ...f(P2, [0, 1, 2, 3])] },
    { startFrame: 100, faces: f(P1, [4, 5, 6]) },
    { startFrame: 150, faces: f(P2, [4, 5, 6]) },
  ]);
  const ctx = { workspace: fx.ws, epId: EP, paths: fx.ws.paths(EP), settings: defaultPipelineSettings(), pack, progress: () => {}, signal: new AbortController().signal, log: () => {} };
  await clusterEpisode(ctx, { clusterThresh: 0.4 });
});
after(async () => {
  await pack?.detector.dispose();
  await pack?.embedder.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(() => null, (e: unknown) => e);
  assert.ok(err instanceof IpcFailure, `refused (${String(err)})`);
  return err.error;
};

test('split at a face, reject a face, refusals, undo', async () => {
  const svc = new ReviewService({ workspace: dir });
  const art = episodeArtifacts(svc.ws, EP);
  try {
    const untouched = hashTree(dir, noBackups);
    const faces0 = await art.readFaces();
    const first = faces0.filter((f) => f.track_id === 'track-00001');
    const cutAt = first[4]; // the first p02 face
    let st: { revision: number; identities: { identities: Array<{ identity_id: string; track_ids: string[] }> }; history: { undo_label: string | null } } = await svc.openEpisode({ ep_id: EP });

    // Refused, nothing written: a face of another track, a cut with nothing before it, a locked owner.
    assert.equal((await refusal(svc.editTrack({ ep_id: EP, revision: st.revision, edit: { op: 'splitTrack', track_id: 'track-00002', face_id: cutAt.face_id } }))).reason, 'invalid');
    assert.match((await refusal(svc.editTrack({ ep_id: EP, revision: st.revision, edit: { op: 'splitTrack', track_id: 'track-00001', face_id: first[0].face_id } }))).message, /a face on each side/);
    assert.deepEqual(hashTree(dir, noBackups), untouched, 'refusals wrote nothing');
    const owner = st.identities.identities.find((i) => i.track_ids.includes('track-00001'))!;
    st = await svc.applyReview({ ep_id: EP, revision: st.revision, command: { op: 'lock', identity_id: owner.identity_id, locked: true } });
    const locked = hashTree(dir, noBackups);
    assert.equal((await refusal(svc.editTrack({ ep_id: EP, revision: st.revision, edit: { op: 'rejectFace', face_id: cutAt.face_id } }))).code, 'locked');
    assert.deepEqual(hashTree(dir, noBackups), locked, 'a refusal writes nothing');
    st = await svc.undo({ ep_id: EP, revision: st.revision });
    const pristine = hashTree(dir, noBackups);

    st = await svc.editTrack({ ep_id: EP, revision: st.revision, edit: { op: 'splitTrack', track_id: 'track-00001', face_id: cutAt.face_id } });
    assert.equal(st.history.undo_label, `Split track-00001 at ${cutAt.face_id}`);
    assert.ok((await validateEpisode(svc.ws, EP)).ok);
    const tracks = await art.readTracks();
    assert.deepEqual(tracks.map((t) => t.track_id).sort(), ['track-00002', 'track-00003', 'track-00004', 'track-00005']);
    const faces = await art.readFaces();
    assert.deepEqual(first.map((f) => faces.find((x) => x.face_id === f.face_id)!.track_id), [...Array(4).fill('track-00004'), ...Array(4).fill('track-00005')]);
    const doc = await art.readIdentities();
    assert.deepEqual(doc.identities.find((i) => i.track_ids.includes('track-00005'))!.track_ids, ['track-00005']);
    const cons = await readConstraints(svc.ws, EP);
    assert.ok(cons.cannot_link.some(([a, b]) => a.includes('track-00004') && b.includes('track-00005')), JSON.stringify(cons));
    assert.deepEqual(constraintViolations(doc, cons), []);
    assert.match((await refusal(svc.undoCleanup({ ep_id: EP, force: false }))).message, /not a cleanup; undo it first/, '"Undo cleanup" leaves a track edit alone');

    // A cleanup re-cluster at a threshold that would join anything keeps the parts apart.
    const cleaned = await runCleanup({ workspace: svc.ws, epId: EP, actions: ['recluster'], clusterThresh: -1, dryRun: true });
    const owners = (t: string) => cleaned.identities!.identities.find((i) => i.track_ids.includes(t))!.identity_id;
    assert.notEqual(owners('track-00004'), owners('track-00005'));
    assert.deepEqual(constraintViolations(cleaned.identities!, cons), []);

    const victim = faces.find((f) => f.track_id === 'track-00005')!;
    const pooledBefore = await art.readTrackEmbeddings();
    st = await svc.editTrack({ ep_id: EP, revision: st.revision, edit: { op: 'rejectFace', face_id: victim.face_id } });
    assert.ok((await validateEpisode(svc.ws, EP)).ok);
    assert.equal((await art.readFaces()).find((f) => f.face_id === victim.face_id)!.rejection_reason, 'reviewer');
    const pooledAfter = await art.readTrackEmbeddings();
    const row = (te: typeof pooledAfter, t: string) => te.matrix.data.slice(te.trackOrder.indexOf(t) * te.meta.embedding_dim, (te.trackOrder.indexOf(t) + 1) * te.meta.embedding_dim);
    assert.notDeepEqual(row(pooledAfter, 'track-00005'), row(pooledBefore, 'track-00005'));
    assert.deepEqual(row(pooledAfter, 'track-00004'), row(pooledBefore, 'track-00004'));
    assert.equal((await refusal(svc.editTrack({ ep_id: EP, revision: st.revision, edit: { op: 'rejectFace', face_id: victim.face_id } }))).reason, 'invalid');

    st = await svc.undo({ ep_id: EP, revision: st.revision });
    st = await svc.undo({ ep_id: EP, revision: st.revision });
    assert.ok((await validateEpisode(svc.ws, EP)).ok);
    assert.deepEqual(hashTree(dir, noBackups), pristine, 'z twice: every file as before the split, byte for byte');
    assert.deepEqual((await art.readTracks()).map((t) => t.track_id), ['track-00001', 'track-00002', 'track-00003']);
  } finally {
    await svc.close();
  }
});
