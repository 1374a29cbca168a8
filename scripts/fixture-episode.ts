// Generates a valid review-ready episode (every manifest written and validated by the store writers)
// for tests, e2e and benches. Crops are real face photos from /work/shared/eval/faces (resized with
// sharp); embeddings cluster by person (per-person random unit centroid + track and face noise, giving
// same-person track cosines around 0.7 and other pairs around 0, like a real face embedder).
//
// Time layout: track j of identity k is global track g = j·identities + k, and tracks g = 2s, 2s+1 share
// time slot s. So identities k and k+1 (k even, 0-based) have tracks on screen together (merging them
// is refused as overlapping), while one identity's own tracks never overlap.
//
// CLI: tsx scripts/fixture-episode.ts <workspace> <ep_id> [identities] [tracksPerIdentity] [facesPerTrack]
import { copyFile, link, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { computeCounts } from '../shared/commands/apply';
import { parseEpId } from '../shared/episode';
import { cropRef, identityThumbRef, manifestRefToWorkspacePath } from '../shared/layout';
import {
  detectionSchema,
  embeddingsMetaSchema,
  faceSchema,
  formatFaceId,
  formatIdentityId,
  formatTrackId,
  identitiesDocSchema,
  trackMetricsSchema,
  trackSchema,
  type Detection,
  type Face,
  type Identity,
  type Track,
} from '../shared/schema';
import { writeFileAtomic } from '../electron/store/atomic';
import { writeJson } from '../electron/store/json';
import { writeJsonl } from '../electron/store/jsonl';
import { writeNpy } from '../electron/store/npy';
import { Workspace } from '../electron/store/workspace';

export const EVAL_FACES = process.env.SCREENALYTICS_EVAL_FACES ?? join(import.meta.dirname, '..', '..', 'shared', 'eval', 'faces');

export interface FixtureOptions {
  workspace: string;
  epId: string;
  identities: number;
  tracksPerIdentity: number;
  /** Total tracks, dealt round-robin over the identities (overrides tracksPerIdentity; ≥ identities). */
  tracks?: number;
  facesPerTrack: number;
  /** Write crop/thumb JPEGs (and reference them); false leaves crop_path "" and no thumbs. */
  withImages?: boolean;
  /** Names for the first identities (null = unlabelled); a named identity gets person_id = slug. */
  names?: (string | null)[];
  /** 0-based indexes of identities to lock. */
  locked?: number[];
  seed?: number;
  fps?: number;
  /** Crop side in pixels. */
  cropSize?: number;
  /** Distinct crop files in the pool (tracks share them through hard links). */
  poolSize?: number;
  dim?: number;
}

export interface FixtureEpisode {
  epId: string;
  trackIds: string[];
  identityIds: string[];
  /** Track ids of each identity, in identity order. */
  tracksOf: string[][];
  numFaces: number;
  createdAt: string;
}

/** mulberry32: small seeded PRNG so fixtures are reproducible. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  return { next, gauss };
}

function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.sqrt(s) || 1;
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

/** Face photos grouped by person folder (sorted, so the mapping is stable). */
export async function evalFacePhotos(): Promise<{ person: string; files: string[] }[]> {
  const people = (await readdir(EVAL_FACES)).sort();
  return Promise.all(
    people.map(async (person) => ({
      person,
      files: (await readdir(join(EVAL_FACES, person))).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().map((f) => join(EVAL_FACES, person, f)),
    })),
  );
}

/** Hard link (one file on disk for many refs); copy when the pool is on another file system. */
async function linkOrCopy(src: string, dst: string): Promise<void> {
  try {
    await link(src, dst);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code === 'EXDEV' || code === 'EPERM') await copyFile(src, dst);
    else throw err;
  }
}

let timing: (label: string) => void = () => undefined;

export async function makeFixtureEpisode(o: FixtureOptions): Promise<FixtureEpisode> {
  const ws = new Workspace(o.workspace);
  const ep = parseEpId(o.epId);
  const paths = ws.paths(ep);
  const dim = o.dim ?? 512;
  const fps = o.fps ?? 24;
  const side = o.cropSize ?? 96;
  const withImages = o.withImages ?? true;
  const r = rng(o.seed ?? 1);
  const createdAt = '2026-01-01T00:00:00.000Z';
  const nIdent = o.identities;
  const nTracks = o.tracks ?? nIdent * o.tracksPerIdentity;
  if (nTracks < nIdent) throw new Error(`fixture: ${nTracks} tracks cannot fill ${nIdent} identities (each needs one)`);

  // Crop pool: per identity, the photos of one eval person (people reused round-robin when more identities than people).
  const photos = await evalFacePhotos();
  const poolSize = Math.max(1, o.poolSize ?? 300);
  // The resized pool is cached per size under the OS temp dir (resizing 200 photos costs seconds).
  const poolDir = join(tmpdir(), `screenalytics-fixture-pool-${side}`);
  const poolOf: string[][] = []; // per eval person: pooled crop files
  if (withImages) {
    await mkdir(poolDir, { recursive: true });
    const perPerson = Math.max(1, Math.floor(poolSize / Math.min(photos.length, nIdent)));
    for (let p = 0; p < Math.min(photos.length, nIdent); p++) {
      const files = photos[p].files.slice(0, perPerson);
      poolOf[p] = await Promise.all(
        files.map(async (src, i) => {
          const dst = join(poolDir, `${photos[p].person}-${i}.jpg`);
          if (await stat(dst).then((st) => st.size > 0, () => false)) return dst;
          // 'attention' picks the most salient region (skin tones, contrast): the face, in these portraits.
          const jpeg = await sharp(src).resize(side, side, { fit: 'cover', position: sharp.strategy.attention }).jpeg({ quality: 80 }).toBuffer();
          await writeFileAtomic(dst, jpeg);
          return dst;
        }),
      );
    }
  }

  const centroids = Array.from({ length: nIdent }, () => normalise(Float32Array.from({ length: dim }, () => r.gauss())));
  const tracks: Track[] = [];
  const faces: Omit<Face, 'embedding'>[] = [];
  const detections: Detection[] = [];
  const faceRows = new Float32Array(nTracks * o.facesPerTrack * dim);
  const trackRows = new Float32Array(nTracks * dim);
  const tracksOf: string[][] = Array.from({ length: nIdent }, () => []);
  const links: [string, string][] = [];
  // Refs are built here (lexically checked by manifestRefToWorkspacePath); confining the root once
  // avoids a realpath walk per face.
  const root = ws.root;
  const slotLen = Math.max(48, o.facesPerTrack * 2 + 12);
  const trackOrder: string[] = [];

  for (let g = 0; g < nTracks; g++) {
    const k = g % nIdent;
    const trackId = formatTrackId(g + 1);
    tracksOf[k].push(trackId);
    trackOrder.push(trackId);
    const slot = Math.floor(g / 2);
    const start = slot * slotLen;
    const end = start + (o.facesPerTrack - 1) * 2;
    const trackNoise = Float32Array.from({ length: dim }, (_, i) => centroids[k][i] + 0.03 * r.gauss());
    const thumbs: string[] = [];
    const pool = poolOf[k % Math.max(1, poolOf.length)] ?? [];
    const x0 = (g % 2) * 0.5 + 0.1;
    for (let f = 0; f < o.facesPerTrack; f++) {
      const frame = start + f * 2;
      const idx = faces.length;
      // Uniform face noise (σ ≈ 0.03) is much cheaper than Gaussian at 50M draws. Values are rounded to 4
      // decimals (faces.jsonl ~2.5× smaller, still unit-norm within the spec's ±0.01); faces.npy holds the same values.
      const off = idx * dim;
      let ss = 0;
      for (let i = 0; i < dim; i++) {
        const v = trackNoise[i] + 0.052 * (2 * r.next() - 1);
        faceRows[off + i] = v;
        ss += v * v;
      }
      const inv = 1 / Math.sqrt(ss);
      for (let i = 0; i < dim; i++) {
        const v = Math.round(faceRows[off + i] * inv * 1e4) / 1e4;
        faceRows[off + i] = v;
        trackRows[g * dim + i] += v;
      }
      const bbox: [number, number, number, number] = [x0, 0.2, x0 + 0.2, 0.5];
      const landmarks = [x0 + 0.06, 0.3, x0 + 0.14, 0.3, x0 + 0.1, 0.35, x0 + 0.07, 0.42, x0 + 0.13, 0.42];
      const ref = withImages && pool.length ? cropRef(trackId, frame) : '';
      if (ref) {
        links.push([pool[(g + f) % pool.length], join(root, manifestRefToWorkspacePath(ep, ref))]);
        if (f === 0 || f === o.facesPerTrack - 1 || f === Math.floor(o.facesPerTrack / 2)) thumbs.push(ref);
      }
      const conf = 0.8 + 0.19 * r.next();
      faces.push({ face_id: formatFaceId(idx + 1), track_id: trackId, frame_idx: frame, bbox, landmarks, quality_score: 0.5 + 0.5 * r.next(), crop_path: ref });
      detections.push({ ep_id: o.epId, frame_idx: frame, ts_s: frame / fps, bbox, landmarks, conf, model_id: 'fixture', schema_version: 'det_v1' });
    }
    normalise(trackRows.subarray(g * dim, (g + 1) * dim));
    tracks.push({
      track_id: trackId,
      ep_id: o.epId,
      start_s: start / fps,
      end_s: end / fps,
      frame_span: [start, end],
      sample_thumbs: [...new Set(thumbs)],
      stats: { detections: o.facesPerTrack, avg_conf: 0.9 },
      schema_version: 'track_v1',
    });
  }

  timing('embeddings');
  const locked = new Set(o.locked ?? []);
  const identities: Identity[] = tracksOf.map((tids, k) => {
    const id = formatIdentityId(k + 1);
    const name = o.names?.[k] ?? null;
    const thumb = withImages && poolOf.length ? identityThumbRef(id) : '';
    if (thumb) links.push([poolOf[k % poolOf.length][0], join(root, manifestRefToWorkspacePath(ep, thumb))]);
    return {
      identity_id: id,
      cluster_id: tids.length > 1 ? k + 1 : null,
      track_ids: tids,
      canonical_face_path: thumb,
      embedding_stats: { centroid_norm: 0.98, variance: 0.02, num_tracks: tids.length, num_faces_total: tids.length * o.facesPerTrack },
      labels: name ? { person_id: name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''), name } : {},
      locked: locked.has(k),
      created_at: createdAt,
      updated_at: createdAt,
    };
  });

  // Hard links: one small file on disk per pool entry, however many faces reference it.
  const dirs = new Set(links.map(([, dst]) => dirname(dst)));
  await Promise.all([...dirs].map((d) => mkdir(d, { recursive: true })));
  for (let i = 0; i < links.length; i += 256) {
    await Promise.all(links.slice(i, i + 256).map(([src, dst]) => linkOrCopy(src, dst)));
  }

  timing('links');
  await mkdir(ws.abs(paths.manifestsDir), { recursive: true });
  await writeJsonl(ws.abs(paths.detections), detections, detectionSchema);
  await writeJsonl(ws.abs(paths.tracks), tracks, trackSchema);
  timing('detections+tracks');
  // A generator: 100k rows × 512 numbers are only materialised one at a time.
  function* faceRowsWithEmbeddings(): Generator<Face> {
    for (let k = 0; k < faces.length; k++) {
      const embedding = new Array<number>(dim);
      for (let i = 0; i < dim; i++) embedding[i] = Math.round(faceRows[k * dim + i] * 1e4) / 1e4;
      yield { ...faces[k], embedding };
    }
  }
  await writeJsonl(ws.abs(paths.faces), faceRowsWithEmbeddings(), faceSchema(dim));
  timing('faces.jsonl');
  await writeNpy(ws.abs(paths.facesNpy), faceRows, [faces.length, dim]);
  await writeNpy(ws.abs(paths.trackEmbeddingsNpy), trackRows, [nTracks, dim]);
  await writeJson(
    ws.abs(paths.embeddingsMeta),
    { ep_id: o.epId, model_id: 'fixture', embedding_dim: dim, faces_rows: faces.length, track_order: trackOrder, pooling: 'mean_renorm', created_at: createdAt },
    embeddingsMetaSchema,
  );
  const lastFrame = tracks.reduce((m, t) => Math.max(m, t.frame_span[1]), 0);
  await writeJson(
    ws.abs(paths.trackMetrics),
    {
      ep_id: o.epId,
      tracks_born: nTracks,
      tracks_lost: nTracks,
      id_switches: 0,
      longest_tracks: tracks.slice(0, 5).map((t) => ({ track_id: t.track_id, length: t.frame_span[1] - t.frame_span[0] + 1 })),
      avg_tracks_per_frame: 2,
      tracks_per_minute: nTracks / Math.max(1 / 60, lastFrame / fps / 60),
      short_track_fraction: 0,
      total_frames: lastFrame + 1,
      analyzed_fps: fps,
      elapsed_sec: 0,
      device: 'cpu',
      detector: 'fixture',
      tracker: 'fixture',
      scene_cuts: 0,
    },
    trackMetricsSchema,
  );
  await writeJson(
    ws.abs(paths.identities),
    {
      identities,
      metadata: { ep_id: o.epId, ...computeCounts(identities), cluster_thresh: 0.58, min_cluster_size: 2, algorithm: 'agglomerative', linkage: 'average', created_at: createdAt },
    },
    identitiesDocSchema,
  );
  return { epId: o.epId, trackIds: trackOrder, identityIds: identities.map((i) => i.identity_id), tracksOf, numFaces: faces.length, createdAt };
}

if (process.argv[1]?.endsWith('fixture-episode.ts')) {
  const [workspace, epId, a = '12', b = '4', c = '6'] = process.argv.slice(2);
  if (!workspace || !epId) {
    console.error('usage: tsx scripts/fixture-episode.ts <workspace> <ep_id> [identities] [tracksPerIdentity] [facesPerTrack]');
    process.exit(2);
  }
  const t0 = Date.now();
  if (process.env.FIXTURE_TIMING) timing = (label) => console.log(`  ${label}: ${Date.now() - t0} ms`);
  const res = await makeFixtureEpisode({ workspace, epId, identities: Number(a), tracksPerIdentity: Number(b), facesPerTrack: Number(c) });
  await writeFile(join(workspace, '.fixture.json'), JSON.stringify({ epId, identities: res.identityIds.length }, null, 2));
  console.log(`${epId}: ${res.identityIds.length} identities, ${res.trackIds.length} tracks, ${res.numFaces} faces in ${Date.now() - t0} ms`);
}
