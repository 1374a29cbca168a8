import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { EpisodeArtifacts } from './artifacts';
import { readNpy, writeNpy } from './npy';
import { FIXTURE_DIM, FIXTURE_MODEL, buildFixture } from '../../test-support/store-fixture';
import { numpy } from '../../test-support/numpy';
import { rejectsStoreError as rejects } from '../../test-support/assert';

/** Snapshot of every artifact file's bytes, to prove a refused write changed nothing. */
async function snapshot(arts: EpisodeArtifacts): Promise<Map<string, Buffer>> {
  const m = new Map<string, Buffer>();
  for (const kind of ['detections', 'tracks', 'trackMetrics', 'faces', 'facesNpy', 'embeddingsMeta', 'trackEmbeddingsNpy', 'identities', 'cleanupReport'] as const) {
    m.set(kind, await readFile(arts.path(kind)));
  }
  return m;
}
async function assertUnchanged(arts: EpisodeArtifacts, before: Map<string, Buffer>) {
  for (const [kind, bytes] of await snapshot(arts)) assert.deepEqual(bytes, before.get(kind), `${kind} changed`);
}

test('every artifact round-trips writer → reader (real embeddings, real crops)', async () => {
  const f = await buildFixture();
  const arts = new EpisodeArtifacts(f.ws, f.epId);
  assert.equal((await arts.readDetections()).length, 12);
  const streamed = [];
  for await (const d of arts.detections()) streamed.push(d);
  assert.deepEqual(streamed, await arts.readDetections());
  assert.deepEqual(await arts.readTracks(), f.tracks);
  assert.deepEqual((await arts.readTrackMetrics()).longest_tracks.length, 5);
  assert.deepEqual(await arts.readFaces(), f.faces);
  assert.deepEqual(await arts.readIdentities(), f.identities);
  assert.deepEqual((await arts.readCleanupReport()).actions_run, ['recluster']);

  const meta = await arts.readEmbeddingsMeta();
  assert.equal(meta.model_id, FIXTURE_MODEL);
  assert.equal(meta.embedding_dim, FIXTURE_DIM);
  assert.equal(meta.faces_rows, 12);
  assert.equal(meta.pooling, 'mean');
  const faces = await arts.readFacesNpy();
  assert.deepEqual(faces.shape, [12, FIXTURE_DIM]);
  f.faces.forEach((face, i) => assert.deepEqual(faces.data.subarray(i * FIXTURE_DIM, (i + 1) * FIXTURE_DIM), Float32Array.from(face.embedding)));
  const te = await arts.readTrackEmbeddings();
  assert.deepEqual(te.trackOrder, f.trackOrder);
  assert.deepEqual(te.matrix, { shape: [6, FIXTURE_DIM], data: f.trackMatrix });

  // Rewriting faces with the same model keeps the recorded track order; a new model resets it.
  await arts.writeFaces(f.faces, { modelId: FIXTURE_MODEL, embeddingDim: FIXTURE_DIM });
  assert.deepEqual((await arts.readEmbeddingsMeta()).track_order, f.trackOrder);
  await arts.writeFaces(f.faces, { modelId: 'other_model', embeddingDim: FIXTURE_DIM });
  assert.deepEqual((await arts.readEmbeddingsMeta()).track_order, []);
  await rejects(() => arts.readTrackEmbeddings(), /track_embeddings\.npy: shape\[0\]: has 6 rows, expected 0/);
});

test('numpy loads our faces.npy and track_embeddings.npy: shape, dtype, unit norms, rows = faces.jsonl', async () => {
  const f = await buildFixture();
  const r = numpy<{ faces: [number[], string]; tracks: [number[], string]; fn: number[]; tn: number[]; maxdiff: number; samePerson: number; otherPeople: number }>(
    `import json as j
fa = np.load(sys.argv[1]); tr = np.load(sys.argv[2])
rows = [j.loads(l)["embedding"] for l in open(sys.argv[3])]
order = j.load(open(sys.argv[4]))["track_order"]
sims = tr @ tr.T
off = sims[~np.eye(len(tr), dtype=bool)]
same = [float(fa[2*i] @ fa[2*i+1]) for i in range(len(fa)//2)]
print(json.dumps({"faces": [list(fa.shape), str(fa.dtype)], "tracks": [list(tr.shape), str(tr.dtype)],
  "fn": np.linalg.norm(fa, axis=1).tolist(), "tn": np.linalg.norm(tr, axis=1).tolist(),
  "maxdiff": float(np.abs(fa - np.array(rows, dtype=np.float64)).max()),
  "samePerson": min(same), "otherPeople": float(off.max())}))`,
    [f.arts.path('facesNpy'), f.arts.path('trackEmbeddingsNpy'), f.arts.path('faces'), f.arts.path('embeddingsMeta')],
  );
  assert.deepEqual(r.faces, [[12, FIXTURE_DIM], 'float32']);
  assert.deepEqual(r.tracks, [[6, FIXTURE_DIM], 'float32']);
  for (const n of [...r.fn, ...r.tn]) assert.ok(Math.abs(n - 1) <= 1e-5, `norm ${n}`);
  assert.ok(r.maxdiff <= 1e-5, `faces.npy differs from faces.jsonl by ${r.maxdiff}`);
  // The stored vectors are real face embeddings: a face and its mirror image agree more than two people do.
  assert.ok(r.samePerson > r.otherPeople, `same person ${r.samePerson} vs others ${r.otherPeople}`);
});

test('a duplicate track_id is refused on write (files unchanged) and named with both lines on read', async () => {
  const f = await buildFixture();
  const before = await snapshot(f.arts);
  const dup = [...f.tracks, { ...f.tracks[2] }];
  await rejects(() => f.arts.writeTracks(dup), /tracks\.jsonl:7: track_id: refusing to write: duplicate track_id track-00003 \(first on line 3\)/);
  await assertUnchanged(f.arts, before);
  await writeFile(f.arts.path('tracks'), Buffer.concat([before.get('tracks')!, Buffer.from(JSON.stringify(f.tracks[2]) + '\n')]));
  await rejects(() => f.arts.readTracks(), /tracks\.jsonl:7: track_id: duplicate track_id track-00003 \(first on line 3\)/);
});

test('a crop_path of ../../etc/passwd is refused on write (files unchanged) and on read', async () => {
  const f = await buildFixture();
  const before = await snapshot(f.arts);
  const faces = f.faces.map((x, i) => (i === 4 ? { ...x, crop_path: '../../etc/passwd' } : x));
  await rejects(() => f.arts.writeFaces(faces, { modelId: FIXTURE_MODEL, embeddingDim: FIXTURE_DIM }), /faces\.jsonl:5: crop_path: refusing to write: .*must not contain .*"\.\." segments/);
  await rejects(
    () => f.arts.writeIdentities({ ...f.identities, identities: f.identities.identities.map((x, i) => (i ? x : { ...x, canonical_face_path: '/etc/passwd' })) }),
    /identities\[0\]\.canonical_face_path: refusing to write: .*must be relative/,
  );
  await assertUnchanged(f.arts, before);
  const lines = before.get('faces')!.toString().split('\n');
  lines[4] = lines[4].replace(/"crop_path":"[^"]*"/, '"crop_path":"../../etc/passwd"');
  await writeFile(f.arts.path('faces'), lines.join('\n'));
  await rejects(() => f.arts.readFaces(), /faces\.jsonl:5: crop_path: path reference "\.\.\/\.\.\/etc\/passwd" must not contain/);
});

test('a faces.npy whose row count disagrees with faces.jsonl is refused by the reader', async () => {
  const f = await buildFixture();
  const npy = await readNpy(f.arts.path('facesNpy'));
  await writeNpy(f.arts.path('facesNpy'), npy.data.subarray(0, 11 * FIXTURE_DIM), [11, FIXTURE_DIM]);
  const bytes = await readFile(f.arts.path('facesNpy'));
  await rejects(() => f.arts.readFacesNpy(), /faces\.npy: shape\[0\]: has 11 rows, expected 12/);
  assert.deepEqual(await readFile(f.arts.path('facesNpy')), bytes);
});

test('writers refuse NaN embeddings, unknown track ids, wrong dims and foreign ep_ids, changing nothing', async () => {
  const f = await buildFixture();
  const before = await snapshot(f.arts);
  const nan = f.faces.map((x, i) => (i === 2 ? { ...x, embedding: x.embedding.map((v, j) => (j === 7 ? NaN : v)) } : x));
  await rejects(() => f.arts.writeFaces(nan, { modelId: FIXTURE_MODEL, embeddingDim: FIXTURE_DIM }), /faces\.jsonl:3: embedding\[7\]: refusing to write/);
  await rejects(() => f.arts.writeFaces(f.faces, { modelId: 'arcface_r100', embeddingDim: 512 }), /faces\.jsonl:1: embedding: refusing to write: embedding must have 512 numbers/);
  const stray = f.faces.map((x, i) => (i === 0 ? { ...x, track_id: 'track-00099' } : x));
  await rejects(() => f.arts.writeFaces(stray, { modelId: FIXTURE_MODEL, embeddingDim: FIXTURE_DIM }), /faces\.jsonl:1: track_id: refusing to write: track-00099 is not in tracks\.jsonl/);
  const idents = structuredClone(f.identities);
  idents.identities[1].track_ids.push('track-00042');
  await rejects(() => f.arts.writeIdentities(idents), /identities\[1\]\.track_ids\[1\]: refusing to write: track-00042 is not in tracks\.jsonl/);
  const bad = new Float32Array(f.trackMatrix);
  bad[3] = Infinity;
  await rejects(() => f.arts.writeTrackEmbeddings(f.trackOrder, bad, 'mean'), /track_embeddings\.npy: rows\[0\]: refusing to write: column 3 is Infinity/);
  await rejects(() => f.arts.writeTrackEmbeddings(f.trackOrder, f.trackMatrix.map((v) => v * 0.5), 'mean'), /rows\[0\]: refusing to write: norm 0\.5000/);
  await rejects(() => f.arts.writeTrackEmbeddings(f.trackOrder.slice(1), f.trackMatrix, 'mean'), /shape\[0\]: refusing to write: has 6 rows, expected 5/);
  const [det0] = await f.arts.readDetections();
  await rejects(() => f.arts.writeDetections([{ ...det0, ep_id: 'rhobh-s05e02' }]), /detections\.jsonl:1: ep_id: refusing to write: is "rhobh-s05e02" but this is episode "friends-s01e01"/);
  await assertUnchanged(f.arts, before);
});

test('before any faces exist the default dimension is 512; missing files are reported as missing', async () => {
  const f = await buildFixture();
  await rm(f.arts.path('embeddingsMeta'));
  assert.equal(await f.arts.embeddingDim(), 512);
  assert.equal(await f.arts.exists('embeddingsMeta'), false);
  await assert.rejects(f.arts.readEmbeddingsMeta(), { code: 'ENOENT' });
});
