import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { validateEpisode, formatReport } from '../electron/store/validate';
import { Workspace } from '../electron/store/workspace';
import { makeFixtureEpisode, type FixtureEpisode } from './fixture-episode';

const EP = 'fixture-s02e03';
let root: string;
let fx: FixtureEpisode;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-fixture-'));
  fx = await makeFixtureEpisode({ workspace: root, epId: EP, identities: 5, tracksPerIdentity: 3, facesPerTrack: 4, names: ['Ben Affleck', null, 'Madonna'], locked: [0] });
});
after(() => rm(root, { recursive: true, force: true }));

test('every artifact passes the store validator (schemas, invariants, cross-references, npy ↔ jsonl)', async () => {
  const report = await validateEpisode(new Workspace(root), EP);
  assert.ok(report.ok, formatReport(report));
  const present = report.artifacts.filter((a) => a.status === 'ok').map((a) => a.kind);
  for (const kind of ['detections', 'tracks', 'faces', 'identities', 'facesNpy', 'trackEmbeddingsNpy']) assert.ok(present.some((k) => k === kind), `${kind} written`);
  assert.equal(fx.numFaces, 5 * 3 * 4);
});

test('numpy reads the embeddings: shapes, unit norms, rows match faces.jsonl, and they cluster by person', async () => {
  const facesJsonl = join(root, 'data/manifests', EP, 'faces.jsonl');
  const py = `
import json, sys, numpy as np
faces = np.load(sys.argv[1]); tracks = np.load(sys.argv[2]); meta = json.load(open(sys.argv[3]))
rows = [json.loads(l) for l in open(sys.argv[4])]
jsonl = np.array([r["embedding"] for r in rows], dtype=np.float32)
order = meta["track_order"]; person = {t: i % 5 for i, t in enumerate(order)}
sim = tracks @ tracks.T
same = [sim[i, j] for i in range(len(order)) for j in range(len(order)) if i < j and person[order[i]] == person[order[j]]]
diff = [sim[i, j] for i in range(len(order)) for j in range(len(order)) if i < j and person[order[i]] != person[order[j]]]
print(json.dumps({"faces": list(faces.shape), "tracks": list(tracks.shape), "dtype": str(faces.dtype),
  "norm_err": float(np.abs(np.linalg.norm(faces, axis=1) - 1).max()), "track_norm_err": float(np.abs(np.linalg.norm(tracks, axis=1) - 1).max()),
  "jsonl_diff": float(np.abs(faces - jsonl).max()), "min_same": float(min(same)), "max_diff": float(max(diff))}))
`;
  const emb = join(root, 'data/embeds', EP);
  const out = JSON.parse(execFileSync('python3', ['-c', py, join(emb, 'faces.npy'), join(emb, 'track_embeddings.npy'), join(emb, 'embeddings_meta.json'), facesJsonl], { encoding: 'utf8' }));
  assert.deepEqual(out.faces, [60, 512]);
  assert.deepEqual(out.tracks, [15, 512]);
  assert.equal(out.dtype, 'float32');
  assert.ok(out.norm_err < 0.01, `face norms within the spec's tolerance (${out.norm_err})`);
  assert.ok(out.track_norm_err < 1e-5);
  assert.ok(out.jsonl_diff < 1e-6, 'faces.npy rows equal faces.jsonl embeddings');
  assert.ok(out.min_same > out.max_diff + 0.3, `same-person tracks (min ${out.min_same}) far above other pairs (max ${out.max_diff})`);
});

test('crops are real JPEG face photos, shared through hard links', async () => {
  const tracks = (await readFile(join(root, 'data/manifests', EP, 'tracks.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  const ws = new Workspace(root);
  const ref = tracks[0].sample_thumbs[0] as string;
  const file = ws.resolveManifestRef(EP, ref);
  const meta = await sharp(file).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 96, 96]);
  const st = await stat(file);
  assert.ok(st.nlink >= 2, 'hard-linked from the pool');
  // Identity 1 (Ben Affleck's eval photos) got its label, lock and thumbnail.
  const doc = JSON.parse(await readFile(join(root, 'data/manifests', EP, 'identities.json'), 'utf8'));
  assert.deepEqual(doc.identities[0].labels, { person_id: 'ben-affleck', name: 'Ben Affleck' });
  assert.equal(doc.identities[0].locked, true);
  assert.equal(doc.identities[1].locked, false);
  assert.ok((await stat(ws.resolveManifestRef(EP, doc.identities[0].canonical_face_path))).size > 500);
  // The overlap layout: identity 1's first track shares frames with identity 2's, never with its own.
  const span = (t: string) => tracks.find((x) => x.track_id === t).frame_span as [number, number];
  const overlaps = (a: [number, number], b: [number, number]) => a[0] <= b[1] && b[0] <= a[1];
  assert.ok(overlaps(span(fx.tracksOf[0][0]), span(fx.tracksOf[1][0])));
  assert.ok(!overlaps(span(fx.tracksOf[0][0]), span(fx.tracksOf[0][1])));
});
