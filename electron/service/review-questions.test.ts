// review:same-person on the real Friends clip through the default pipeline (as `npm run demo`), asked
// through the one dispatcher both hosts use: the pairs are the ranking of shared/cluster/same-person.ts
// over the episode's own files, each side's faces are its own crops on disk, a "no" (notSamePerson) is
// a cannot-link in review_constraints.json that keeps the question away after a restart and comes back
// with undo, and a "yes" (merge) leaves no question about the merged-away identity.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUESTION_FACES, questionFloor, samePersonCandidates } from '../../shared/cluster/same-person';
import type { ResponseOf } from '../../shared/ipc';
import { episodePaths } from '../../shared/layout';
import { createDispatcher } from '../host/dispatch';
import { EVAL_DIR } from '../models/eval-pack';
import { runPipeline } from '../pipeline/orchestrator';
import { episodeArtifacts } from '../store/artifacts';
import { Workspace } from '../store/workspace';
import { ReviewService } from './review-service';

const EP = 'friends-s01e01';
type Questions = ResponseOf<'review:same-person'>;
let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-questions-'));
  await runPipeline({ videoPath: join(EVAL_DIR, 'videos', 'sitcom_friends_group.mp4'), workspace: root, epId: EP });
});
after(() => rm(root, { recursive: true, force: true }));

/** A fresh service (as after an app restart) and the dispatcher the hosts put in front of it. */
function host() {
  const service = new ReviewService({ workspace: root });
  const dispatch = createDispatcher(service);
  const ask = async (payload: unknown): Promise<Questions> => {
    const env = await dispatch('review:same-person', payload);
    assert.ok(env.ok, JSON.stringify(env));
    return env.data as Questions;
  };
  return { service, dispatch, ask };
}
const key = (p: { a: string; b: string }) => `${p.a}/${p.b}`;

test('the pairs are the same-person ranking of the episode files, each side shown by its own faces', async () => {
  const { ask } = host();
  const q = await ask({ ep_id: EP });
  const art = episodeArtifacts(new Workspace(root), EP);
  const doc = await art.readIdentities();
  const te = await art.readTrackEmbeddings();
  const expected = samePersonCandidates({ identities: doc.identities, vectors: te.matrix.data, dim: te.meta.embedding_dim, trackOrder: te.trackOrder, minSimilarity: questionFloor(doc.metadata.cluster_thresh) });
  console.log(`# ${q.pairs.length} questions at cosine ≥ ${q.threshold}: ${q.pairs.map((p) => `${key(p)} ${p.similarity.toFixed(3)} (${p.a_faces.length}+${p.b_faces.length} faces)`).join('; ')}`);
  assert.ok(q.pairs.length >= 1, 'the Friends run asks at least one question');
  assert.equal(q.threshold, questionFloor(doc.metadata.cluster_thresh));
  assert.equal(q.revision, doc.metadata.revision ?? 0);
  assert.deepEqual(q.pairs.map(key), expected.map(key));
  for (const [p, e] of q.pairs.map((p, i) => [p, expected[i]] as const)) assert.ok(Math.abs(p.similarity - e.similarity) < 1e-6);
  const ws = new Workspace(root);
  // A face's track is its row's track_id (a part the harvest cut off a track keeps its crops in the
  // folder of the track it came from).
  const trackOfCrop = new Map((await art.readFaces()).map((f) => [f.crop_path, f.track_id]));
  for (const p of q.pairs) {
    for (const [id, faces] of [[p.a, p.a_faces], [p.b, p.b_faces]] as const) {
      const ident = doc.identities.find((i) => i.identity_id === id)!;
      assert.ok(faces.length >= 1 && faces.length <= QUESTION_FACES, `${id}: ${faces.length} faces`);
      assert.equal(faces[0], ident.canonical_face_path, 'the cover comes first');
      assert.equal(new Set(faces).size, faces.length, 'no face twice');
      for (const f of faces.slice(1)) assert.ok(ident.track_ids.includes(trackOfCrop.get(f) ?? ''), `${f} is a face of ${id}`);
      for (const f of faces) assert.ok(existsSync(ws.resolveManifestRef(EP, f)), `${f} exists`);
    }
    // Identities with several tracks show faces from more than one of them.
    const a = doc.identities.find((i) => i.identity_id === p.a)!;
    if (a.track_ids.length > 1 && p.a_faces.length === QUESTION_FACES) assert.ok(new Set(p.a_faces.slice(1).map((f) => trackOfCrop.get(f))).size > 1, `${p.a}: tracks ${a.track_ids} faces ${p.a_faces.map((f) => trackOfCrop.get(f))}`);
  }
  assert.equal((await ask({ ep_id: EP, limit: 1 })).pairs.length, 1);
});

test('bad requests are refused by the contract; an unknown episode is not_found', async () => {
  const { dispatch } = host();
  const bad = await dispatch('review:same-person', { ep_id: EP, limit: 0 });
  assert.ok(!bad.ok && bad.error.code === 'invalid_request', JSON.stringify(bad));
  const extra = await dispatch('review:same-person', { ep_id: EP, pairs: 3 });
  assert.ok(!extra.ok && extra.error.code === 'invalid_request');
  const missing = await dispatch('review:same-person', { ep_id: 'friends-s09e09' });
  assert.ok(!missing.ok && missing.error.code === 'not_found', JSON.stringify(missing));
});

test('"no" is a cannot-link that keeps the question away after a restart; undo brings it back; "yes" (merge) leaves none about the merged identity', async () => {
  let { service, ask } = host();
  const before = await ask({ ep_id: EP });
  const top = before.pairs[0];
  const no = await service.applyReview({ ep_id: EP, revision: before.revision, command: { op: 'notSamePerson', identity_ids: [top.a, top.b] } });
  const constraints = JSON.parse(readFileSync(join(root, episodePaths(EP).manifestsDir, 'review_constraints.json'), 'utf8'));
  const tracksOf = (id: string) => no.identities.identities.find((i) => i.identity_id === id)!.track_ids;
  const holds = (side: string[], id: string) => side.length > 0 && side.every((t) => tracksOf(id).includes(t));
  assert.ok(
    constraints.cannot_link.some(([l, r]: [string[], string[]]) => (holds(l, top.a) && holds(r, top.b)) || (holds(l, top.b) && holds(r, top.a))),
    `a cannot-link between ${top.a} and ${top.b}: ${JSON.stringify(constraints.cannot_link)}`,
  );
  const afterNo = await ask({ ep_id: EP });
  assert.equal(afterNo.revision, before.revision + 1);
  assert.deepEqual(afterNo.pairs.map(key), before.pairs.slice(1).map(key), 'only the answered pair is gone');

  ({ service, ask } = host());
  assert.ok(!(await ask({ ep_id: EP })).pairs.some((p) => key(p) === key(top)), 'still gone after a restart');
  const undone = await service.undo({ ep_id: EP, revision: afterNo.revision });
  assert.deepEqual((await ask({ ep_id: EP })).pairs.map(key), before.pairs.map(key), 'undo asks it again');

  const yes = await service.applyReview({ ep_id: EP, revision: undone.revision, command: { op: 'merge', target_id: top.a, source_ids: [top.b], allow_overlap: true } });
  assert.ok(!yes.identities.identities.some((i) => i.identity_id === top.b));
  const afterYes = await ask({ ep_id: EP });
  assert.ok(afterYes.pairs.every((p) => p.a !== top.b && p.b !== top.b), 'no question names the merged-away identity');
});
