// An episode made with one pack, re-embedded from its crops and re-clustered with another pack of a
// different embedding dimension (eval pack, 128-d MobileFaceNet → default pack, 512-d fr_feature):
// every face is re-embedded, the side file names the new model and dimension, the episode validates,
// the identities stay one person each, and the clustering threshold is the new pack's, not the old one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identitiesDocSchema, type IdentitiesDoc } from '../../../shared/schema';
import { defaultPipelineSettings } from '../../../shared/schema/settings';
import { loadPack } from '../../models/pack';
import { loadEvalPack } from '../../models/eval-pack';
import type { LoadedPack } from '../../models/types';
import { episodeArtifacts } from '../../store/artifacts';
import { readJson } from '../../store/json';
import { readNpy } from '../../store/npy';
import { formatReport, validateEpisode } from '../../store/validate';
import { loadFaceLibrary, type FaceCutout } from '../../../scripts/synth/faces';
import { clusterEpisode } from '../cluster';
import { buildEpisode, readFacesAndRows, type Fixture, type FixtureFace } from '../../../test-support/cleanup-episodes';
import { runCleanup } from './cleanup';

const P1 = 'deepface-p01', P2 = 'deepface-p02';
const EP = 'switch-s01e01';
let evalPack: LoadedPack;
let other: LoadedPack;
let lib: Map<string, FaceCutout[]>;
let dir: string;
let fx: Fixture;

const faces = (person: string, photos: number[]): FixtureFace[] => photos.map((photo) => ({ person, photo }));

before(async () => {
  evalPack = await loadEvalPack();
  other = await loadPack({ packId: 'default', device: 'cpu' });
  lib = await loadFaceLibrary(evalPack.detector, [P1, P2], 8);
  dir = mkdtempSync(join(tmpdir(), 'pack-switch-'));
  fx = await buildEpisode(dir, EP, evalPack, lib, [
    { startFrame: 0, faces: faces(P1, [0, 1, 2]) },
    { startFrame: 50, faces: faces(P2, [0, 1, 2]) },
    { startFrame: 100, faces: faces(P1, [3, 4, 5]) },
    { startFrame: 150, faces: faces(P2, [3, 4, 5]) },
  ]);
  const settings = defaultPipelineSettings();
  await clusterEpisode({ workspace: fx.ws, epId: EP, paths: fx.ws.paths(EP), settings, pack: evalPack, progress: () => {}, signal: new AbortController().signal, log: () => {} }, {});
});

after(async () => {
  for (const p of [evalPack, other]) {
    await p?.detector.dispose();
    await p?.embedder.dispose();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const personsPerIdentity = (doc: IdentitiesDoc) =>
  doc.identities.map((i) => new Set(i.track_ids.map((t) => (['track-00001', 'track-00003'].includes(t) ? P1 : P2))).size);

test('re-embed + re-cluster with a pack of another dimension gives a valid episode recording the new model', async () => {
  const art = episodeArtifacts(fx.ws, EP);
  const before = await art.readEmbeddingsMeta();
  assert.deepEqual([before.model_id, before.embedding_dim], [evalPack.embedder.modelId, 128]);
  assert.notEqual(other.embedder.dim, 128);

  const r = await runCleanup({ workspace: fx.ws, epId: EP, actions: ['reembed', 'recluster'], pack: other });
  const { faces: fs, dim } = await readFacesAndRows(fx.ws, EP);
  assert.equal(dim, other.embedder.dim);
  assert.equal(r.reembeddedFaces.length, fs.length, 'a model change re-embeds every face from its crop');

  const meta = await art.readEmbeddingsMeta();
  assert.deepEqual([meta.model_id, meta.embedding_dim, meta.faces_rows], [other.embedder.modelId, other.embedder.dim, fs.length]);
  const pooled = await readNpy(fx.ws.abs(fx.ws.paths(EP).trackEmbeddingsNpy));
  assert.deepEqual(pooled.shape, [4, other.embedder.dim]);

  const report = await validateEpisode(fx.ws, EP);
  assert.ok(report.ok, formatReport(report));
  const doc = await readJson(fx.ws.abs(fx.ws.paths(EP).identities), identitiesDocSchema);
  assert.deepEqual(personsPerIdentity(doc), doc.identities.map(() => 1), 'every identity is one person');
  assert.equal(doc.identities.length, 2, doc.identities.map((i) => i.track_ids.join(' ')).join('; '));
  // The old pack's calibrated threshold means nothing for the new embedder's cosine scale.
  assert.equal(doc.metadata.cluster_thresh, other.defaultClusterThresh);
});
