// split_tracks on real faces: photos of deepface-p01 and -p02 (eval/faces) embedded by the eval pack's
// MobileFaceNet, one track holding 6 faces of each. The cut must fall exactly between them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cropRef } from '../../../shared/layout';
import { cleanupReportSchema, trackSchema } from '../../../shared/schema';
import { loadEvalPack } from '../../models/eval-pack';
import type { LoadedPack } from '../../models/types';
import { readJson } from '../../store/json';
import { readJsonl } from '../../store/jsonl';
import { readNpy } from '../../store/npy';
import { validateEpisode, formatReport } from '../../store/validate';
import { loadFaceLibrary, type FaceCutout } from '../../../scripts/synth/faces';
import { buildEpisode, hashTree, readFacesAndRows, type FixtureFace } from '../../../test-support/cleanup-episodes';
import { changePoints, splitTracks } from './split-tracks';
import { runCleanup } from './cleanup';

const P1 = 'deepface-p01', P2 = 'deepface-p02', P3 = 'deepface-p03';
let pack: LoadedPack;
let lib: Map<string, FaceCutout[]>;
const dirs: string[] = [];

before(async () => {
  pack = await loadEvalPack();
  lib = await loadFaceLibrary(pack.detector, [P1, P2, P3], 8);
  for (const p of [P1, P2, P3]) assert.ok(lib.get(p)!.length >= 7, `${p}: ${lib.get(p)!.length} usable photos`);
});

after(async () => {
  await pack?.detector.dispose();
  await pack?.embedder.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const faces = (person: string, photos: number[]): FixtureFace[] => photos.map((photo) => ({ person, photo }));
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'h9-split-'));
  dirs.push(d);
  return d;
};

test('a track holding p01 then p02 is split exactly between them; faces, rows and other tracks stay consistent', async () => {
  const dir = tmp();
  const EP = 'split-s01e01';
  const fx = await buildEpisode(dir, EP, pack, lib, [
    { startFrame: 0, faces: [...faces(P1, [0, 1, 2, 3, 4, 5]), ...faces(P2, [0, 1, 2, 3, 4, 5])] },
    { startFrame: 100, faces: faces(P3, [0, 1, 2, 3, 4, 5]) },
    { startFrame: 200, faces: faces(P1, [6, 7, 0, 1]) },
  ]);
  const paths = fx.ws.paths(EP);
  const npyBefore = await readNpy(fx.ws.abs(paths.facesNpy));

  // Dry run: the same answer, nothing written.
  const hashes = hashTree(dir);
  const dry = await runCleanup({ workspace: fx.ws, epId: EP, actions: ['split_tracks'], dryRun: true });
  assert.deepEqual(hashTree(dir), hashes, 'a dry run writes nothing');
  assert.equal(dry.backup, null);
  assert.deepEqual(dry.report.split_tracks_summary, { tracks_split: 1, new_tracks_created: 2 });

  const r = await runCleanup({ workspace: fx.ws, epId: EP, actions: ['split_tracks'] });
  assert.deepEqual(r.splits.map((s) => [s.from, s.into]), [['track-00001', ['track-00004', 'track-00005']]]);
  // Faces 0–5 are p01 (frames 0…25), 6–11 p02 (frames 30…55): the cut is at the midpoint, frame 28.
  assert.deepEqual(r.splits[0].cutFrames, [28]);
  assert.ok(r.splits[0].cosines[0] < 0.3, `the two halves are different people: cosine ${r.splits[0].cosines[0]}`);

  const tracks = await readJsonl(fx.ws.abs(paths.tracks), trackSchema);
  assert.deepEqual(tracks.map((t) => t.track_id), ['track-00004', 'track-00005', 'track-00002', 'track-00003']);
  const [a, b] = tracks;
  assert.deepEqual([a.frame_span, b.frame_span], [[0, 27], [28, fx.tracks[0].frame_span[1]]]);
  assert.equal(a.start_s, fx.tracks[0].start_s);
  assert.equal(b.end_s, fx.tracks[0].end_s);
  assert.ok(a.end_s < b.start_s);
  assert.equal(a.stats.detections + b.stats.detections, fx.tracks[0].stats.detections);
  assert.deepEqual(tracks.slice(2), fx.tracks.slice(1), 'tracks without a change point are untouched');

  const after = await readFacesAndRows(fx.ws, EP);
  after.faces.forEach((f, i) => {
    const expected = i < 6 ? 'track-00004' : i < 12 ? 'track-00005' : fx.faces[i].track_id;
    assert.equal(f.track_id, expected, `face ${i} (${fx.personOfFace[i]})`);
    // Only track_id changes, and the crop moves with it to the new track's folder (cropRef layout).
    assert.deepEqual({ ...f, track_id: '', crop_path: '' }, { ...fx.faces[i], track_id: '', crop_path: '' });
    assert.equal(f.crop_path, cropRef(f.track_id, f.frame_idx));
    assert.ok(existsSync(fx.ws.resolveManifestRef(EP, f.crop_path)), f.crop_path);
  });
  assert.deepEqual(after.rows, npyBefore.data, 'faces.npy rows stay where they were');
  assert.equal(existsSync(fx.ws.abs(`${paths.cropsDir}/track-00001`)), false, 'the split track\'s crop folder is gone');
  assert.deepEqual([a.sample_thumbs, b.sample_thumbs], [[cropRef('track-00004', 0)], [cropRef('track-00005', 55)]]);
  const report = await validateEpisode(fx.ws, EP);
  assert.ok(report.ok, formatReport(report));
  const onDisk = await readJson(fx.ws.abs(paths.cleanupReport), cleanupReportSchema);
  assert.deepEqual(onDisk.split_tracks_summary, { tracks_split: 1, new_tracks_created: 2 });
  assert.deepEqual([onDisk.before.num_tracks, onDisk.after.num_tracks], [3, 4]);
  // numpy reads the pooled track matrix: one row per track, the split halves far apart.
  const out = JSON.parse(execFileSync('python3', ['-c', `
import json, numpy as np
a = np.load(${JSON.stringify(fx.ws.abs(paths.trackEmbeddingsNpy))})
print(json.dumps({"shape": list(a.shape), "cos01": float(a[0] @ a[1]), "cos03": float(a[0] @ a[3])}))
`]).toString());
  assert.deepEqual(out.shape, [4, pack.embedder.dim]);
  assert.ok(out.cos01 < 0.3, `p01 half vs p02 half: ${out.cos01}`);
  assert.ok(out.cos03 > 0.5, `p01 half vs the other p01 track: ${out.cos03}`);
});

test('A-B-A is cut twice; a same-person track is not cut; protected tracks are never cut', async () => {
  const dir = tmp();
  const EP = 'split-s01e02';
  const fx = await buildEpisode(dir, EP, pack, lib, [
    { startFrame: 0, faces: [...faces(P1, [0, 1, 2, 3]), ...faces(P2, [0, 1, 2, 3]), ...faces(P1, [4, 5, 6, 7])] },
    { startFrame: 100, faces: faces(P3, [0, 1, 2, 3, 4, 5, 6]) },
    { startFrame: 200, faces: [...faces(P2, [4, 5, 6]), ...faces(P3, [4, 5, 6])] },
  ]);
  const { faces: fs, rows, dim } = await readFacesAndRows(fx.ws, EP);
  const r = splitTracks(fx.tracks, fs, rows, dim, { splitCosine: 0.3, protectedTracks: new Set(['track-00003']) });
  assert.deepEqual(r.splits.map((s) => [s.from, s.into.length, s.cutFrames]), [['track-00001', 3, [18, 38]]]);
  assert.deepEqual(r.tracks.map((t) => t.track_id), ['track-00004', 'track-00005', 'track-00006', 'track-00002', 'track-00003']);
  // The person of every face agrees with its new track.
  const personOf = new Map<string, Set<string>>();
  r.faces.forEach((f, i) => personOf.set(f.track_id, (personOf.get(f.track_id) ?? new Set()).add(fx.personOfFace[i])));
  for (const t of ['track-00004', 'track-00005', 'track-00006', 'track-00002']) assert.equal(personOf.get(t)!.size, 1, `${t}: ${[...personOf.get(t)!]}`);
  assert.equal(personOf.get('track-00003')!.size, 2, 'the protected track keeps both people');
  // Unprotected, the third track is split too.
  const free = splitTracks(fx.tracks, fs, rows, dim, { splitCosine: 0.3, protectedTracks: new Set() });
  assert.deepEqual(free.splits.map((s) => s.from), ['track-00001', 'track-00003']);
});

test('changePoints: a box jump lets a single face be cut off', () => {
  const e = (k: number) => Float32Array.from({ length: 4 }, (_, i) => (i === k ? 1 : 0));
  const still = [0.4, 0.4, 0.6, 0.6];
  const moved = [0.0, 0.0, 0.2, 0.2];
  // Without a jump a one-face segment is not allowed; with one it is.
  assert.deepEqual(changePoints([e(0), e(0), e(0), e(1)], [still, still, still, still], 0.3).at, []);
  assert.deepEqual(changePoints([e(0), e(0), e(0), e(1)], [still, still, still, moved], 0.3).at, [3]);
});

test('at the tracker\'s jumps only: a change of person on two faces is cut, a head turn or one odd face is not', () => {
  const unit = (...v: number[]) => { const n = Math.hypot(...v); return Float32Array.from(v.map((x) => x / n)); };
  const A = unit(1, 0, 0), A2 = unit(0.8, 0.6, 0), B = unit(0, 0, 1);
  const box = [0, 0, 0.1, 0.1];
  // A A A2 | B B with the jump at index 3: cut there, cosine between the stretches below the bar.
  assert.deepEqual(changePoints([A, A, A2, B, B], [box, box, box, box, box], 0.2, { jumps: [3], steadyCosine: -1 }).at, [3]);
  // The same faces with the jump at index 2 (the head turn): A2 joins its side, B B is not a jump stretch.
  assert.deepEqual(changePoints([A, A, A2, B, B], [box, box, box, box, box], 0.2, { jumps: [2], steadyCosine: -1 }).at, []);
  // One odd face after a jump does not stand alone.
  assert.deepEqual(changePoints([A, A, A, B], [box, box, box, box], 0.2, { jumps: [3], steadyCosine: -1 }).at, []);
});
