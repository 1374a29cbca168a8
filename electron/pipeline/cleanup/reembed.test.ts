// reembed on real faces: re-embedding from the saved crops reproduces harvest's embeddings (so the crop
// geometry is right, also for a face clipped at the frame border), a faces.npy row that disagrees with
// faces.jsonl is repaired, the stricter gate and the in-track outlier check reject the right faces.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEvalPack } from '../../models/eval-pack';
import type { LoadedPack } from '../../models/types';
import { loadFaceLibrary, type FaceCutout } from '../../../scripts/synth/faces';
import { buildEpisode, FRAME, readFacesAndRows, type Fixture, type FixtureFace } from '../../../test-support/cleanup-episodes';
import { reembedFaces, type ReembedOptions } from './reembed';

const P1 = 'deepface-p01', P2 = 'deepface-p02';
const EP = 'reemb-s01e01';
let pack: LoadedPack;
let lib: Map<string, FaceCutout[]>;
let dir: string;
let fx: Fixture;

before(async () => {
  pack = await loadEvalPack();
  lib = await loadFaceLibrary(pack.detector, [P1, P2], 6);
  dir = mkdtempSync(join(tmpdir(), 'h9-reembed-'));
  const f = (person: string, photo: number, extra: Partial<FixtureFace> = {}): FixtureFace => ({ person, photo, ...extra });
  fx = await buildEpisode(dir, EP, pack, lib, [
    // A face near the corner: its crop square is clipped by the frame.
    { startFrame: 0, faces: [f(P1, 0), f(P1, 1, { at: [50, 60] }), f(P1, 2, { side: 24 }), f(P1, 3)] },
    // p02 for one sampled face in the middle of a p01 track (too short a stretch to split).
    { startFrame: 50, faces: [f(P1, 4), f(P1, 5), f(P2, 0), f(P1, 0), f(P1, 1)] },
    { startFrame: 100, faces: [f(P2, 1), f(P2, 2), f(P2, 3)] },
  ]);
});

after(async () => {
  await pack?.detector.dispose();
  await pack?.embedder.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cos = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
};

function options(extra: Partial<ReembedOptions> = {}): ReembedOptions {
  return {
    strictGate: 0.45,
    outlierCosine: 0.3,
    protectedTracks: new Set(),
    modelId: pack.embedder.modelId,
    pack,
    workspace: fx.ws,
    epId: EP,
    videoSize: { width: FRAME, height: FRAME },
    signal: new AbortController().signal,
    log: () => {},
    ...extra,
  };
}

test('a model change re-embeds every face from its crop, reproducing harvest (same model: cosine ≈ 1)', async () => {
  const { faces, rows, dim } = await readFacesAndRows(fx.ws, EP);
  const r = await reembedFaces(faces, rows, dim, fx.tracks, options({ modelId: 'some-other-model' }));
  assert.equal(r.reembedded.length, faces.length);
  assert.equal(r.modelId, pack.embedder.modelId);
  r.faces.forEach((f, i) => {
    const c = cos(r.rows.subarray(i * dim, (i + 1) * dim), faces[i].embedding);
    // The crop is a JPEG (q90) of the frame, so a small face loses a little; other people score ≈ 0.05.
    assert.ok(c > (i === 2 ? 0.85 : 0.95), `${f.face_id}: cosine to the harvest embedding ${c.toFixed(3)}`);
    assert.ok(Math.abs(f.quality_score - faces[i].quality_score) < 0.08, `${f.face_id}: quality ${f.quality_score} vs ${faces[i].quality_score}`);
    assert.deepEqual(Array.from(r.rows.subarray(i * dim, (i + 1) * dim)), f.embedding.map(Math.fround), 'row i ↔ line i');
  });
});

test('a faces.npy row that disagrees with faces.jsonl is re-embedded from the crop, or taken from faces.jsonl without a pack', async () => {
  const { faces, rows, dim } = await readFacesAndRows(fx.ws, EP);
  const broken = rows.slice();
  broken.set(rows.subarray(10 * dim, 11 * dim), 1 * dim); // row 1 now holds face 10's embedding
  const r = await reembedFaces(faces, broken, dim, fx.tracks, options());
  assert.deepEqual(r.reembedded, [faces[1].face_id]);
  assert.ok(cos(r.rows.subarray(1 * dim, 2 * dim), faces[1].embedding) > 0.95);
  assert.deepEqual(r.rows.subarray(2 * dim), rows.subarray(2 * dim), 'other rows kept as they were');

  const logs: string[] = [];
  const noPack = await reembedFaces(faces, broken, dim, fx.tracks, options({ pack: undefined, log: (m) => logs.push(m) }));
  assert.deepEqual(noPack.reembedded, []);
  assert.deepEqual(Array.from(noPack.rows.subarray(1 * dim, 2 * dim)), faces[1].embedding.map(Math.fround));
  assert.match(logs.join('\n'), /face-00002: faces\.npy row 1 differs from faces\.jsonl; no pack or crop/);

  await assert.rejects(
    reembedFaces(faces, rows, dim, fx.tracks, options({ modelId: 'some-other-model', videoSize: null })),
    /every face must be re-embedded from its crop, but faces\.jsonl line 1 \(face-00001\) cannot be located in its crop: detect_meta\.json/,
  );
});

test('stricter gate and in-track outliers: the small face and the stray p02 face are rejected; protected tracks are not', async () => {
  const { faces, rows, dim } = await readFacesAndRows(fx.ws, EP);
  const small = 2, stray = 6;
  assert.equal(fx.personOfFace[stray], P2);
  assert.ok(faces[small].quality_score < 0.45 && !faces[small].rejection_reason, `small face quality ${faces[small].quality_score}`);
  const r = await reembedFaces(faces, rows, dim, fx.tracks, options());
  const rejected = r.faces.map((f, i) => [i, f.rejection_reason]).filter(([, why]) => why);
  assert.deepEqual(rejected, [[small, 'low_quality'], [stray, 'track_outlier']]);
  assert.equal(r.summary.faces_rejected, 2);
  assert.ok(r.summary.mean_quality_after > r.summary.mean_quality_before);
  assert.deepEqual(r.reembedded, [], 'nothing needed re-embedding');

  const guarded = await reembedFaces(faces, rows, dim, fx.tracks, options({ protectedTracks: new Set(['track-00001', 'track-00002']) }));
  assert.equal(guarded.summary.faces_rejected, 0);
});
