// Cast library with REAL embeddings: photos from ../shared/eval/faces → SCRFD-500M → 5-point
// alignment → MobileFaceNet (the eval pack). Episode 1 labels two people; episode 2 is built from
// OTHER photos of the same people, and the library must rank the right person first.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyCommand } from '../../shared/commands/apply';
import { identitiesDocSchema, type IdentitiesDoc } from '../../shared/schema/identities';
import { alignFace } from '../models/align';
import { EVAL_DIR, loadEvalPack, readRgb } from '../models/eval-pack';
import type { LoadedPack } from '../models/types';
import { writeNpy } from '../store/npy';
import { Workspace } from '../store/workspace';
import { CastLibrary, castPaths, type ApplyLabel } from './cast-library';
import { readCastPair } from './cast-store';

const now = '2026-01-01T00:00:00.000Z';
const FACES = join(EVAL_DIR, 'faces');

let pack: LoadedPack;
let root: string;
let ws: Workspace;
const embCache = new Map<string, Float32Array>();

async function embedPhoto(rel: string): Promise<Float32Array> {
  const hit = embCache.get(rel);
  if (hit) return hit;
  const img = await readRgb(join(FACES, rel));
  const [dets] = await pack.detector.detect([img], { minConfidence: 0.5 });
  assert.ok(dets.length >= 1, `no face found in ${rel}`);
  const best = dets.reduce((a, b) => (b.conf > a.conf ? b : a));
  const [emb] = await pack.embedder.embed([alignFace(img, best.landmarks, pack.embedder.inputSize)]);
  embCache.set(rel, emb);
  return emb;
}

interface FixtureIdentity { photos: string[]; label?: { person_id: string; name: string }; locked?: boolean }

/** Writes identities.json, track_embeddings.npy and embeddings_meta.json: one track per photo. */
async function makeEpisode(epId: string, idents: FixtureIdentity[]): Promise<void> {
  const p = ws.paths(epId);
  await mkdir(ws.abs(p.manifestsDir), { recursive: true });
  const trackOrder: string[] = [];
  const rows: Float32Array[] = [];
  const identities = [];
  let t = 0;
  for (const [k, ident] of idents.entries()) {
    const trackIds: string[] = [];
    for (const photo of ident.photos) {
      const id = `track-${String(++t).padStart(5, '0')}`;
      trackIds.push(id);
      trackOrder.push(id);
      rows.push(await embedPhoto(photo));
    }
    identities.push({
      identity_id: `identity-${String(k + 1).padStart(5, '0')}`, cluster_id: k + 1, track_ids: trackIds, canonical_face_path: '',
      embedding_stats: { centroid_norm: 1, variance: 0.1, num_tracks: trackIds.length, num_faces_total: trackIds.length },
      labels: ident.label ?? {}, locked: ident.locked ?? false, created_at: now, updated_at: now,
    });
  }
  const doc = identitiesDocSchema.parse({
    identities,
    metadata: {
      ep_id: epId, num_tracks: t, num_clusters: identities.length, num_singletons: 0, singleton_fraction: 0,
      largest_cluster_size: 3, largest_cluster_fraction: 0.5, cluster_thresh: 0.5, min_cluster_size: 1,
      algorithm: 'agglomerative', linkage: 'average', created_at: now,
    },
  });
  await writeFile(ws.abs(p.identities), JSON.stringify(doc, null, 2));
  const dim = pack.embedder.dim;
  const flat = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => flat.set(r, i * dim));
  await writeNpy(ws.abs(p.trackEmbeddingsNpy), flat, [rows.length, dim]);
  await writeFile(ws.abs(p.embeddingsMeta), JSON.stringify({
    ep_id: epId, model_id: pack.embedder.modelId, embedding_dim: dim, faces_rows: rows.length,
    track_order: trackOrder, pooling: 'mean', created_at: now,
  }));
}

/** Labels through the real review `label` command, the way the ReviewService does. */
const applyLabel: ApplyLabel = async (epId, identityId, label) => {
  const path = ws.abs(ws.paths(epId).identities);
  const doc = identitiesDocSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  const r = applyCommand(doc, { op: 'label', identity_id: identityId, name: label?.name ?? null, person_id: label?.person_id }, new Date().toISOString());
  if (!r.ok) throw new Error(r.message);
  await writeFile(path, JSON.stringify(r.doc, null, 2));
};
const readIdentities = async (epId: string): Promise<IdentitiesDoc> =>
  identitiesDocSchema.parse(JSON.parse(await readFile(ws.abs(ws.paths(epId).identities), 'utf8')));

before(async () => {
  pack = await loadEvalPack('cpu');
  root = await mkdtemp(join(tmpdir(), 'cast-'));
  ws = new Workspace(root);
  // Episode 1: Madonna and Elton John labeled (Elton also locked); Mindy Kaling unlabeled.
  await makeEpisode('show-s01e01', [
    { photos: ['celeb-madonna/1.jpg', 'celeb-madonna/2.jpg', 'celeb-madonna/3.jpg'], label: { person_id: 'madonna', name: 'Madonna' } },
    { photos: ['celeb-elton-john/1.jpg', 'celeb-elton-john/2.jpg', 'celeb-elton-john/3.jpg'], label: { person_id: 'elton-john', name: 'Elton John' }, locked: true },
    { photos: ['celeb-mindy-kaling/1.jpg', 'celeb-mindy-kaling/2.jpg'] },
  ]);
  // Episode 2: other photos of the same two people, Mindy again, and someone the library never saw.
  await makeEpisode('show-s01e02', [
    { photos: ['celeb-elton-john/20.jpg', 'celeb-elton-john/21.jpg'] },
    { photos: ['celeb-madonna/20.jpg', 'celeb-madonna/21.jpg'] },
    { photos: ['celeb-ben-affleck/1.jpg', 'celeb-ben-affleck/2.jpg'] },
    { photos: ['celeb-madonna/22.jpg'], locked: true },
  ]);
});
after(async () => {
  await pack?.detector.dispose();
  await pack?.embedder.dispose();
  if (root) await rm(root, { recursive: true, force: true });
});

/** Locks an identity through the real review `lock` command. */
async function lock(epId: string, identityId: string): Promise<void> {
  const path = ws.abs(ws.paths(epId).identities);
  const r = applyCommand(await readIdentities(epId), { op: 'lock', identity_id: identityId, locked: true }, new Date().toISOString());
  if (!r.ok) throw new Error(r.message);
  await writeFile(path, JSON.stringify(r.doc, null, 2));
}

test('locked labeled identities of episode 1 become references; the NPY is valid for numpy', async () => {
  const lib = new CastLibrary(ws);
  // Madonna is labeled but not locked: not confirmed, so she teaches nothing yet.
  assert.deepEqual(await lib.syncEpisode('show-s01e01'), { references: 3, people: 1 });
  await lock('show-s01e01', 'identity-00001');
  const r = await lib.syncEpisode('show-s01e01');
  assert.deepEqual(r, { references: 6, people: 2 });
  const { doc } = await lib.load('show');
  assert.deepEqual(doc.people.map((p) => p.person_id).sort(), ['elton-john', 'madonna']);
  assert.equal(doc.model_id, pack.embedder.modelId);
  const py = execFileSync('python3', ['-c', 'import numpy as np,sys; a=np.load(sys.argv[1]); print(a.dtype, a.shape, round(float(np.abs(np.linalg.norm(a,axis=1)-1).max()),4))', ws.abs(castPaths('show').npy)], { encoding: 'utf8' });
  assert.equal(py.trim(), `float32 (6, ${pack.embedder.dim}) 0.0`);
  // Re-syncing is idempotent: the episode's references are replaced, not appended, and an unchanged
  // episode does not rewrite the files (sync runs after every review edit).
  assert.deepEqual(await lib.syncEpisode('show-s01e01'), { references: 6, people: 2 });
  assert.equal((await lib.load('show')).doc.updated_at, doc.updated_at);
});

test('episode 2 (other photos): the correct person ranks first; unknown faces score low', async () => {
  const lib = new CastLibrary(ws);
  const s = await lib.suggestions('show-s01e02');
  assert.equal(s['identity-00001'][0].person_id, 'elton-john');
  assert.equal(s['identity-00002'][0].person_id, 'madonna');
  assert.equal(s['identity-00004'][0].person_id, 'madonna');
  const right = s['identity-00001'][0].score;
  const wrong = s['identity-00001'][1].score;
  assert.ok(right - wrong > 0.2, `margin ${right.toFixed(2)} vs ${wrong.toFixed(2)}`);
  assert.ok(s['identity-00003'][0].score < s['identity-00001'][0].score, 'a stranger scores below a true match');
  // An episode's own labels are not echoed back as suggestions.
  const own = await lib.suggestions('show-s01e01');
  assert.deepEqual(own['identity-00003'], []);
});

test('a rejected suggestion never comes back for that identity, across reloads', async () => {
  await new CastLibrary(ws).reject('show-s01e02', 'identity-00001', 'elton-john');
  const s = await new CastLibrary(ws).suggestions('show-s01e02');
  assert.ok(!s['identity-00001'].some((x) => x.person_id === 'elton-john'));
  assert.equal(s['identity-00004'][0].person_id, 'madonna', 'other identities keep their suggestions');
  const { doc } = await new CastLibrary(ws).load('show');
  assert.equal(doc.rejections.length, 1);
});

test('auto-assign: off by default; when on, labels only unlocked unlabeled identities, recorded and undoable', async () => {
  const lib = new CastLibrary(ws);
  assert.deepEqual(await lib.autoAssign('show-s01e02', applyLabel), []);
  await lib.setAutoAssign('show', { enabled: true, threshold: 0.4, min_margin: 0.05 });
  const made = await lib.autoAssign('show-s01e02', applyLabel);
  // identity-00001 had Elton rejected; identity-00004 is locked; identity-00003 is a stranger.
  assert.deepEqual(made.map((m) => [m.identity_id, m.person_id]), [['identity-00002', 'madonna']]);
  let doc = await readIdentities('show-s01e02');
  assert.equal(doc.identities[1].labels.name, 'Madonna');
  assert.deepEqual(doc.identities[3].labels, {}, 'locked identity untouched');
  // An unconfirmed auto-label does not teach the library.
  assert.equal((await lib.syncEpisode('show-s01e02')).references, 0);

  const undone = await lib.undoAutoAssignment('show-s01e02', 'identity-00002', applyLabel);
  assert.ok(undone.undone_at);
  doc = await readIdentities('show-s01e02');
  assert.deepEqual(doc.identities[1].labels, {});
  assert.equal((await lib.autoAssignments('show-s01e02'))[0].undone_at, undone.undone_at);
  // Undo rejects the person, so a second run does not re-apply it.
  assert.deepEqual(await lib.autoAssign('show-s01e02', applyLabel), []);
});

test('cast list import/export; bad lists are refused with the field named', async () => {
  const lib = new CastLibrary(ws);
  const r = await lib.importCastList('show', [{ name: 'Mindy Kaling' }, { person_id: 'madonna', name: 'Madonna Ciccone' }]);
  assert.deepEqual(r, { added: 1, renamed: 1 });
  const list = await lib.exportCastList('show');
  assert.deepEqual(list.find((p) => p.person_id === 'mindy-kaling'), { person_id: 'mindy-kaling', name: 'Mindy Kaling' });
  assert.equal(list.find((p) => p.person_id === 'madonna')!.name, 'Madonna Ciccone');
  await assert.rejects(lib.importCastList('show', [{ person_id: 'Bad Id', name: 'X' }]), /0\.person_id: person_id must be a lower-case slug/);
  // A person from the list with no references yet is never suggested.
  const s = await lib.suggestions('show-s01e02');
  assert.ok(!Object.values(s).flat().some((x) => x.person_id === 'mindy-kaling'));
});

test('a cast_embeddings.npy that disagrees with cast.json (an interrupted save) is repaired: previous npy, else the episodes', async () => {
  const lib = new CastLibrary(ws);
  await lib.syncEpisode('show-s01e01');
  const good = await lib.load('show');
  const flat = (st: { embeddings: Float32Array[] }) => Buffer.concat(st.embeddings.map((e) => Buffer.from(e.buffer, e.byteOffset, e.byteLength)));
  const paths = castPaths('show');
  const check = async (from: RegExp) => {
    // A save cut between its two renames: a new npy (here one foreign row) beside the old cast.json.
    await writeNpy(ws.abs(paths.npy), new Float32Array(pack.embedder.dim).fill(0.5), [1, pack.embedder.dim]);
    const read = await readCastPair(ws, 'show');
    const st = await lib.load('show');
    assert.match(read.repaired ?? '', from);
    assert.deepEqual(st.doc.references, good.doc.references);
    assert.ok(flat(st).equals(flat(good)), 'the rows the json was written with');
    assert.equal((await readCastPair(ws, 'show')).repaired, null, 'the repaired pair was written back');
    assert.equal((await lib.exportCastList('show')).length, good.doc.people.length);
  };
  await check(/has shape \(1, \d+\) but cast\.json expects \(6, \d+\) \(an interrupted save\); took data\/cast\/show\/cast_embeddings\.prev\.npy/);
  await rm(ws.abs(paths.prevNpy), { force: true });
  await check(/rebuilt 6 of 6 reference rows from the episodes' track embeddings/);
});
