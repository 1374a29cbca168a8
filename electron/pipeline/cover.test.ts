// Faces for a face-first review, on the real Friends clip through the default pipeline (as `npm run
// demo`): crops are saved at a size a 160-px card can show, each identity's cover is its most frontal
// good face, and "Set as cover" is a journalled review command that undo and redo round-trip.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { episodePaths, identityThumbRef } from '../../shared/layout';
import type { Face, IdentitiesDoc } from '../../shared/schema';
import { EVAL_DIR } from '../models/eval-pack';
import { ReviewService } from '../service/review-service';
import { episodeArtifacts } from '../store/artifacts';
import { readJson } from '../store/json';
import { formatReport, validateEpisode } from '../store/validate';
import { Workspace } from '../store/workspace';
import { pickCover, staleCovers } from './cover';
import { CROP_MAX, CROP_MIN } from './face-crop';
import { THUMB_SIZE } from './identities';
import { runPipeline } from './orchestrator';
import { poseScore } from './quality';
import { detectMetaSchema, sidePaths } from './sidefiles';

const EP = 'friends-s01e01';
let root: string;
let ws: Workspace;
let faces: Face[];
let doc: IdentitiesDoc;
let W = 0, H = 0;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-cover-'));
  await runPipeline({ videoPath: join(EVAL_DIR, 'videos', 'sitcom_friends_group.mp4'), workspace: root, epId: EP });
  ws = new Workspace(root);
  const art = episodeArtifacts(ws, EP);
  faces = await art.readFaces();
  doc = await art.readIdentities();
  ({ width: W, height: H } = (await readJson(ws.abs(sidePaths(EP).detectMeta), detectMetaSchema)).video);
});
after(() => rm(root, { recursive: true, force: true }));

const yawOf = (f: Face) => poseScore(f.landmarks.map((v, i) => v * (i % 2 === 0 ? W : H))).yaw;

test('crops are saved between CROP_MIN and CROP_MAX px (a 160-px card at devicePixelRatio 2); thumbnails at THUMB_SIZE', async () => {
  assert.equal(CROP_MAX, 2 * 160);
  let bytes = 0;
  for (const f of faces) {
    const p = ws.resolveManifestRef(EP, f.crop_path);
    const m = await sharp(p).metadata();
    const side = Math.max(m.width, m.height);
    assert.ok(side >= CROP_MIN && side <= CROP_MAX, `${f.crop_path}: ${m.width}×${m.height}`);
    bytes += (await stat(p)).size;
  }
  for (const ident of doc.identities) {
    const m = await sharp(ws.resolveManifestRef(EP, ident.canonical_face_path)).metadata();
    assert.deepEqual([m.width, m.height], [THUMB_SIZE, THUMB_SIZE]);
  }
  console.log(`# ${faces.length} faces, ${bytes} bytes of crops, ${Math.round(bytes / faces.length)} bytes per face`);
});

test('each identity’s cover is its most frontal good face: thumbnail made from it, landmarks near symmetric', async () => {
  const byTrack = new Map<string, Face[]>();
  for (const f of faces) byTrack.set(f.track_id, [...(byTrack.get(f.track_id) ?? []), f]);
  let frontalCovers = 0;
  for (const ident of doc.identities) {
    const own = ident.track_ids.flatMap((t) => byTrack.get(t) ?? []);
    const cover = pickCover(own, W, H);
    assert.ok(cover, `${ident.identity_id} has a cover`);
    // The thumbnail on disk is exactly that face's crop, resized.
    assert.equal(ident.canonical_face_path, identityThumbRef(ident.identity_id));
    const expect = await sharp(ws.resolveManifestRef(EP, cover.crop_path)).resize(THUMB_SIZE, THUMB_SIZE, { fit: 'cover', kernel: 'lanczos3' }).jpeg({ quality: 88 }).toBuffer();
    assert.ok(expect.equals(await readFile(ws.resolveManifestRef(EP, ident.canonical_face_path))), `${ident.identity_id}: rep.jpg is the crop of ${cover.face_id}`);
    const accepted = own.filter((f) => !f.rejection_reason);
    if (accepted.length) assert.ok(!cover.rejection_reason, `${ident.identity_id}: an accepted face is preferred`);
    // Symmetric landmarks: the nose sits between the eyes (|yaw| small) whenever the identity has such a face at all.
    const best = Math.min(...own.map((f) => Math.abs(yawOf(f))));
    if (best < 0.15) {
      assert.ok(Math.abs(yawOf(cover)) < 0.25, `${ident.identity_id}: cover ${cover.face_id} yaw ${yawOf(cover).toFixed(2)} while a face at ${best.toFixed(2)} exists`);
      frontalCovers++;
    }
    const byQuality = [...(accepted.length ? accepted : own)].sort((x, y) => y.quality_score - x.quality_score)[0];
    console.log(`# ${ident.identity_id}: cover ${cover.face_id} yaw ${yawOf(cover).toFixed(2)} q ${cover.quality_score.toFixed(2)}; best-quality face ${byQuality.face_id} yaw ${yawOf(byQuality).toFixed(2)} q ${byQuality.quality_score.toFixed(2)}`);
  }
  assert.ok(frontalCovers >= 4, `${frontalCovers} identities with a frontal face`);
});

test('"Set as cover" is a journalled review command: applied, undone and redone, the episode valid throughout', async () => {
  let clock = 0;
  const svc = new ReviewService({ workspace: root, now: () => new Date(Date.UTC(2026, 0, 2, 0, 0, clock++)).toISOString(), host: 'test' });
  const open = await svc.openEpisode({ ep_id: EP });
  const ident = open.identities.identities.find((i) => i.embedding_stats.num_faces_total >= 2)!;
  const face = faces.find((f) => ident.track_ids.includes(f.track_id) && f.crop_path)!;
  const other = open.identities.identities.find((i) => i.identity_id !== ident.identity_id)!;
  const foreign = faces.find((f) => other.track_ids.includes(f.track_id))!;
  const onDisk = async () => (await episodeArtifacts(ws, EP).readIdentities()).identities.find((i) => i.identity_id === ident.identity_id)!;
  const valid = async () => {
    const r = await validateEpisode(ws, EP);
    assert.ok(r.ok, formatReport(r));
  };

  await assert.rejects(svc.applyReview({ ep_id: EP, revision: open.revision, command: { op: 'setCover', identity_id: ident.identity_id, crop_path: foreign.crop_path } }), /not in/);
  const missing = face.crop_path.replace(/frame_\d+/, 'frame_999999');
  await assert.rejects(svc.applyReview({ ep_id: EP, revision: open.revision, command: { op: 'setCover', identity_id: ident.identity_id, crop_path: missing } }), /no face crop/);

  const set = await svc.applyReview({ ep_id: EP, revision: open.revision, command: { op: 'setCover', identity_id: ident.identity_id, crop_path: face.crop_path } });
  assert.equal((await onDisk()).canonical_face_path, face.crop_path);
  assert.equal(set.history.undo_label, `Set cover of ${ident.identity_id}`);
  const journal = await readFile(join(root, episodePaths(EP).manifestsDir, 'review_journal.jsonl'), 'utf8');
  assert.match(journal, /"op":"setCover"/);
  await valid();

  const undone = await svc.undo({ ep_id: EP, revision: set.revision });
  assert.equal((await onDisk()).canonical_face_path, identityThumbRef(ident.identity_id));
  await valid();
  await svc.redo({ ep_id: EP, revision: undone.revision });
  assert.equal((await onDisk()).canonical_face_path, face.crop_path);
  await valid();
  await svc.close();
});

test('"Not the same person" goes through the service: review_constraints.json gains the cannot-link, undo takes it back', async () => {
  const svc = new ReviewService({ workspace: root, host: 'test' });
  const open = await svc.openEpisode({ ep_id: EP });
  const [a, b] = open.identities.identities;
  const constraintsFile = join(root, episodePaths(EP).manifestsDir, 'review_constraints.json');
  const cannot = async () => {
    const text = await readFile(constraintsFile, 'utf8').catch(() => '{"cannot_link":[]}');
    return (JSON.parse(text) as { cannot_link: string[][][] }).cannot_link;
  };
  const before = await cannot();
  const r = await svc.applyReview({ ep_id: EP, revision: open.revision, command: { op: 'notSamePerson', identity_ids: [a.identity_id, b.identity_id] } });
  assert.deepEqual(r.identities.identities.map((i) => i.track_ids), open.identities.identities.map((i) => i.track_ids));
  const pair = [[...a.track_ids].sort(), [...b.track_ids].sort()].sort((x, y) => (x[0] < y[0] ? -1 : 1));
  assert.ok((await cannot()).some((p) => JSON.stringify(p) === JSON.stringify(pair)), JSON.stringify(await cannot()));
  await svc.undo({ ep_id: EP, revision: r.revision });
  assert.deepEqual(await cannot(), before);
  const v = await validateEpisode(ws, EP);
  assert.ok(v.ok, formatReport(v));
  await svc.close();
});

test('a reviewer’s cover that no track of the identity has any more is reported stale (the cluster stage re-covers it)', () => {
  const [ident] = doc.identities;
  const own = faces.find((f) => ident.track_ids.includes(f.track_id))!;
  const other = faces.find((f) => !ident.track_ids.includes(f.track_id))!;
  const withCover = (ref: string) => [{ ...ident, canonical_face_path: ref }];
  assert.equal(staleCovers(withCover(own.crop_path), faces).size, 0, 'its own face crop is a valid cover');
  assert.equal(staleCovers(withCover(identityThumbRef(ident.identity_id)), faces).size, 0, 'the automatic thumbnail is not a crop');
  assert.deepEqual([...staleCovers(withCover(other.crop_path), faces).keys()], [ident.identity_id], 'another identity’s face');
  assert.deepEqual([...staleCovers(withCover(own.crop_path.replace(/frame_\d+/, 'frame_999999')), faces).keys()], [ident.identity_id], 'a crop no face has');
});
