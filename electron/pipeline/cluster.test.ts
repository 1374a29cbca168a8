// Integration: a small real episode built from labeled photos (SCRFD finds the face, MobileFaceNet
// embeds it: the eval pack), pooled and clustered on disk through the store, then re-clustered after
// human edits, and read back with numpy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { cropRef, episodePaths } from '../../shared/layout';
import { formatFaceId, formatTrackId, identitiesDocSchema, type Face, type IdentitiesDoc, type Track } from '../../shared/schema';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { alignFace } from '../models/align';
import { loadEvalPack } from '../models/eval-pack';
import type { LoadedPack } from '../models/types';
import { writeFileAtomic } from '../store/atomic';
import { readJson } from '../store/json';
import { episodeArtifacts } from '../store/artifacts';
import { Workspace } from '../store/workspace';
import { loadFaceLibrary } from '../../scripts/synth/faces';
import { run as cli } from '../cli/cluster';
import { clusterEpisode, similarityMatrixOrt } from './cluster';
import { THUMB_SIZE } from './identities';
import { POOLING_RULE } from '../../shared/cluster/pooling';
import { agglomerate, cosineSimilarityMatrix } from '../../shared/cluster/agglomerative';
import { gaussianIdentities, makeRng } from '../../scripts/synth/rng';
import type { StageContext } from './context';

const EP = 'demo-s01e01';
const PEOPLE = ['celeb-ben-affleck', 'celeb-elton-john', 'celeb-jerry-seinfeld', 'celeb-madonna', 'celeb-mindy-kaling', 'deepface-p02'];
const TRACKS_PER_PERSON = 3;
const FACES_PER_TRACK = 2;

let dir: string;
let pack: LoadedPack;
const truth = new Map<string, string>(); // track id → person
const logs: string[] = [];

function context(): StageContext {
  const workspace = new Workspace(dir);
  return {
    workspace,
    epId: EP,
    paths: episodePaths(EP),
    settings: defaultPipelineSettings(),
    pack,
    progress: () => {},
    signal: new AbortController().signal,
    log: (level, m) => logs.push(`${level}: ${m}`),
  };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'h5-cluster-'));
  pack = await loadEvalPack();
  const lib = await loadFaceLibrary(pack.detector, PEOPLE, TRACKS_PER_PERSON * FACES_PER_TRACK);
  const ws = new Workspace(dir);
  const tracks: Track[] = [];
  const faces: Face[] = [];
  // Tracks interleave people in time (each 10 frames, one after another), except the last track of
  // Madonna, which shares frames with her first one: the same person twice on screen → cannot-link.
  let trackNo = 0;
  for (let round = 0; round < TRACKS_PER_PERSON; round++) {
    for (const person of PEOPLE) {
      const cuts = lib.get(person)!;
      assert.ok(cuts.length >= TRACKS_PER_PERSON * FACES_PER_TRACK, `${person}: ${cuts.length} usable photos`);
      trackNo++;
      const id = formatTrackId(trackNo);
      truth.set(id, person);
      const overlapMadonna = person === 'celeb-madonna' && round === TRACKS_PER_PERSON - 1;
      const start = overlapMadonna ? PEOPLE.indexOf(person) * 10 : (trackNo - 1) * 10;
      tracks.push({ track_id: id, ep_id: EP, start_s: start / 10, end_s: (start + 9) / 10, frame_span: [start, start + 9], sample_thumbs: [], stats: { detections: 10, avg_conf: 0.9 }, schema_version: 'track_v1' });
      for (let k = 0; k < FACES_PER_TRACK; k++) {
        const cut = cuts[round * FACES_PER_TRACK + k];
        const [emb] = await pack.embedder.embed([alignFace(cut.image, cut.landmarks, pack.embedder.inputSize)]);
        const frame = start + k * 5;
        const ref = cropRef(id, frame);
        const jpeg = await sharp(cut.image.data, { raw: { width: cut.image.width, height: cut.image.height, channels: 3 } }).jpeg().toBuffer();
        await writeFileAtomic(ws.resolveManifestRef(EP, ref), jpeg);
        const { width: w, height: h } = cut.image;
        faces.push({
          face_id: formatFaceId(faces.length + 1),
          track_id: id,
          frame_idx: frame,
          bbox: [cut.bbox[0] / w, cut.bbox[1] / h, Math.min(1, cut.bbox[2] / w), Math.min(1, cut.bbox[3] / h)].map((v) => Math.max(0, v)) as Face['bbox'],
          landmarks: cut.landmarks.map((v, i) => v / (i % 2 ? h : w)),
          embedding: [...emb],
          quality_score: k === 0 ? 0.9 : 0.6,
          crop_path: ref,
        });
      }
    }
  }
  const art = episodeArtifacts(ws, EP);
  await art.writeTracks(tracks);
  await art.writeFaces(faces, { modelId: pack.embedder.modelId, embeddingDim: pack.embedder.dim });
});

after(async () => {
  await pack?.detector.dispose();
  await pack?.embedder.dispose();
  if (dir && !process.env.H5_KEEP) rmSync(dir, { recursive: true, force: true });
});

const describe = (doc: IdentitiesDoc) => doc.identities.map((i) => `${i.identity_id}: ${i.track_ids.map((t) => `${t}=${truth.get(t)}`).join(' ')}`).join('; ');

function purity(doc: IdentitiesDoc): number {
  let majority = 0;
  let total = 0;
  for (const ident of doc.identities) {
    const counts = new Map<string, number>();
    for (const t of ident.track_ids) counts.set(truth.get(t)!, (counts.get(truth.get(t)!) ?? 0) + 1);
    majority += Math.max(...counts.values());
    total += ident.track_ids.length;
  }
  return majority / total;
}

test('clusters a real small episode into its people; cannot-link, thumbnails, numpy-readable pooled embeddings', async () => {
  const ctx = context();
  // With no threshold given, the pack's calibrated default applies (0.24 for the eval pack: a
  // photo-pair threshold, low for pooled tracks; here it may merge two people, so purity is checked below
  // at an explicit threshold).
  await clusterEpisode(ctx);
  let doc = await readJson(ctx.workspace.abs(ctx.paths.identities), identitiesDocSchema);
  assert.equal(doc.metadata.cluster_thresh, pack.defaultClusterThresh);
  await clusterEpisode(ctx, { clusterThresh: 0.4 });
  doc = await readJson(ctx.workspace.abs(ctx.paths.identities), identitiesDocSchema);
  const n = PEOPLE.length * TRACKS_PER_PERSON;
  assert.equal(doc.metadata.num_tracks, n);
  assert.equal(doc.metadata.cluster_thresh, 0.4);
  assert.equal(doc.metadata.model_id, pack.embedder.modelId);
  assert.equal(purity(doc), 1, `every identity holds one person: ${describe(doc)}`);
  // 6 people, and Madonna's overlapping tracks must be apart: 7 identities at least, few spares.
  assert.ok(doc.identities.length >= PEOPLE.length + 1 && doc.identities.length <= PEOPLE.length + 3, describe(doc));
  const owner = (t: string) => doc.identities.find((i) => i.track_ids.includes(t))!.identity_id;
  const madonna = [...truth].filter(([, p]) => p === 'celeb-madonna').map(([t]) => t);
  assert.notEqual(owner(madonna[0]), owner(madonna[2]), 'tracks on screen together are never one identity');
  for (const ident of doc.identities) {
    assert.equal(ident.canonical_face_path, `thumbs/${ident.identity_id}/rep.jpg`);
    const meta = await sharp(ctx.workspace.resolveManifestRef(EP, ident.canonical_face_path)).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', THUMB_SIZE, THUMB_SIZE]);
  }
  // numpy (the real client) reads the pooled matrix: shape, unit rows, order as embeddings_meta says.
  const meta = JSON.parse(execFileSync('python3', ['-c', `
import json, numpy as np
a = np.load(${JSON.stringify(ctx.workspace.abs(ctx.paths.trackEmbeddingsNpy))})
f = np.load(${JSON.stringify(ctx.workspace.abs(ctx.paths.facesNpy))})
print(json.dumps({"shape": list(a.shape), "dtype": str(a.dtype), "norm_err": float(np.abs(np.linalg.norm(a, axis=1) - 1).max()),
  "row0_vs_face0": float(a[0] @ f[0]), "row0_vs_face1": float(a[0] @ f[1])}))
`]).toString());
  assert.deepEqual(meta.shape, [n, pack.embedder.dim]);
  assert.equal(meta.dtype, 'float32');
  assert.ok(meta.norm_err < 1e-5);
  // Row 0 is track-00001, pooled from faces 0 (quality 0.9) and 1 (0.6): closer to the heavier face.
  assert.ok(meta.row0_vs_face0 > meta.row0_vs_face1, JSON.stringify(meta));
});

test('re-clustering keeps a locked identity exactly and carries a label; CLI options apply', async () => {
  const ctx = context();
  const first = await readJson(ctx.workspace.abs(ctx.paths.identities), identitiesDocSchema);
  const edited = structuredClone(first);
  // Lock the first identity under a name; label (without locking) the second.
  Object.assign(edited.identities[0], { locked: true, labels: { person_id: 'p-1', name: 'First' }, updated_at: '2026-03-01T00:00:00.000Z' });
  edited.identities[1].labels = { name: 'Second' };
  await writeFileAtomic(ctx.workspace.abs(ctx.paths.identities), JSON.stringify(edited, null, 2));
  const code = await cli([EP, '--workspace', dir, '--linkage', 'ward', '--thresh', '0.35', '--min-cluster-size', '2', '--pack', 'eval']);
  assert.equal(code, 0);
  const doc = await readJson(ctx.workspace.abs(ctx.paths.identities), identitiesDocSchema);
  assert.deepEqual(doc.identities.find((i) => i.identity_id === edited.identities[0].identity_id), edited.identities[0]);
  const second = doc.identities.find((i) => i.labels.name === 'Second')!;
  assert.deepEqual(second.track_ids, edited.identities[1].track_ids);
  assert.equal(second.identity_id, edited.identities[1].identity_id);
  assert.equal(doc.metadata.linkage, 'ward');
  assert.equal(doc.metadata.cluster_thresh, 0.35);
  assert.equal(purity(doc), 1);
  const ids = doc.identities.map((i) => i.identity_id);
  assert.equal(new Set(ids).size, ids.length);
});

test('faces written without embeddings_meta.json (as a direct harvest does): meta is rebuilt, then pooled', async () => {
  const ctx = context();
  rmSync(ctx.workspace.abs(ctx.paths.embeddingsMeta));
  rmSync(ctx.workspace.abs(ctx.paths.trackEmbeddingsNpy));
  await clusterEpisode(ctx, { clusterThresh: 0.4 });
  const meta = await episodeArtifacts(ctx.workspace, EP).readEmbeddingsMeta();
  assert.equal(meta.model_id, pack.embedder.modelId);
  assert.equal(meta.embedding_dim, pack.embedder.dim);
  assert.equal(meta.faces_rows, PEOPLE.length * TRACKS_PER_PERSON * FACES_PER_TRACK);
  assert.equal(meta.track_order.length, PEOPLE.length * TRACKS_PER_PERSON);
  assert.equal(meta.pooling, POOLING_RULE);
});

test('bad input: a broken identities.json is refused, naming file, line and field', async () => {
  const ctx = context();
  const p = ctx.workspace.abs(ctx.paths.identities);
  const doc = JSON.parse(JSON.stringify(await readJson(p, identitiesDocSchema)));
  doc.identities[0].locked = 'yes';
  await writeFileAtomic(p, JSON.stringify(doc, null, 2));
  await assert.rejects(clusterEpisode(ctx), (err: Error) => /identities\.json:\d+: identities\[0\]\.locked/.test(err.message));
  assert.equal(await cli([EP, '--workspace', dir, '--linkage', 'single']).catch((e: Error) => e.message), '--linkage must be one of average, complete, ward, got "single"');
});

test('onnxruntime similarity matrix equals the JS one, and so does the clustering', async () => {
  const dim = 128;
  const { vectors, n } = gaussianIdentities(makeRng(3), 40, 10, dim, 0.08);
  const js = cosineSimilarityMatrix(vectors, n, dim);
  const viaOrt = await similarityMatrixOrt(vectors, n, dim);
  let maxDiff = 0;
  for (let i = 0; i < js.length; i++) maxDiff = Math.max(maxDiff, Math.abs(js[i] - viaOrt[i]));
  assert.ok(maxDiff < 1e-5, `max |Δ| ${maxDiff}`);
  const a = agglomerate(js, n, { threshold: 0.4, linkage: 'average' });
  const b = agglomerate(viaOrt, n, { threshold: 0.4, linkage: 'average' });
  assert.deepEqual(b.labels, a.labels);
  assert.equal(a.numClusters, 40);
});
