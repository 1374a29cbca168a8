// Stage "cluster": pooled track embeddings → identities.json + identity thumbnails, keeping human work
// (locked identities verbatim, labels carried over; see shared/cluster/plan.ts).
import { existsSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { cosineSimilarityMatrix, type Linkage } from '../../shared/cluster/agglomerative';
import { planIdentities } from '../../shared/cluster/plan';
import { readPackManifest } from '../models/manifest';
import { similarityModel } from '../models/onnx-graph';
import { resolveManifestPath } from '../models/pack';
import { defaultThreads } from '../models/providers';
import { checkAborted, type StageContext, type SettingKey } from './context';
import { staleCovers } from './cover';
import { readIdentities, writeIdentities, writeIdentityThumbs } from './identities';
import { loadOrPool, readEpisodeFaces, readTracks } from './pool';
import { applyTrackRemap, readTrackRemap } from './remap';
import { embeddingStats } from '../../shared/cluster/pooling';
import { settlePendingReviewEdits } from '../store/review';
import { isEmptyConstraints, restrictConstraints, translateConstraints } from '../../shared/cluster/reviewer-constraints';
import { readConstraints, writeConstraints } from '../store/constraints';
import { readSetupLinks } from './shot-thumbs';

export interface ClusterOptions {
  clusterThresh?: number;
  minClusterSize?: number;
  linkage?: Linkage;
}

/** Used only when neither the run, the settings nor a readable pack manifest give a threshold. */
export const FALLBACK_CLUSTER_THRESH = 0.58;

/** Threshold precedence: explicit option → settings → loaded pack → the pack manifest on disk → fallback. */
export function resolveClusterThresh(ctx: StageContext, explicit?: number): number {
  if (explicit !== undefined) return explicit;
  if (ctx.settings.clusterThresh !== undefined) return ctx.settings.clusterThresh;
  if (ctx.pack) return ctx.pack.defaultClusterThresh;
  try {
    const manifestPath = resolveManifestPath({ packId: ctx.settings.packId });
    if (existsSync(manifestPath)) return readPackManifest(manifestPath).defaultClusterThresh;
  } catch (err) {
    ctx.log('warn', `cluster: cannot read pack "${ctx.settings.packId}" for its threshold (${(err as Error).message})`);
  }
  ctx.log('warn', `cluster: using fallback cluster_thresh ${FALLBACK_CLUSTER_THRESH}`);
  return FALLBACK_CLUSTER_THRESH;
}

// X·Xᵀ through onnxruntime: its multithreaded SGEMM computes the n² cosine
// similarities several times faster than the JS loop (5,000 × 512: see bench/cluster.bench.ts).
let matmulModel: Uint8Array | null = null;
function selfSimilarityModel(): Uint8Array {
  matmulModel ??= similarityModel('self_similarity', { name: 'x', rows: 'n' });
  return matmulModel;
}

/** Row-major n×n Gram matrix of unit row vectors (= cosine similarities) with onnxruntime on CPU. */
export async function similarityMatrixOrt(vectors: Float32Array, n: number, dim: number): Promise<Float32Array> {
  if (vectors.length !== n * dim) throw new Error(`similarityMatrixOrt: expected ${n}×${dim} values, got ${vectors.length}`);
  const session = await ort.InferenceSession.create(selfSimilarityModel(), { executionProviders: ['cpu'], intraOpNumThreads: defaultThreads() });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', vectors, [n, dim]) });
    const s = out.s.data as Float32Array;
    if (s.length !== n * n) throw new Error(`similarityMatrixOrt: got ${s.length} values, expected ${n * n}`);
    return s;
  } finally {
    await session.release();
  }
}

/** Below this many tracks the JS loop is as fast as starting a session. */
const ORT_MIN_TRACKS = 300;

async function similarityFor(ctx: StageContext, vectors: Float32Array, n: number, dim: number): Promise<Float32Array> {
  if (n < ORT_MIN_TRACKS) return cosineSimilarityMatrix(vectors, n, dim);
  try {
    return await similarityMatrixOrt(vectors, n, dim);
  } catch (err) {
    ctx.log('warn', `cluster: onnxruntime similarity failed (${(err as Error).message}); computing it in JS`);
    return cosineSimilarityMatrix(vectors, n, dim);
  }
}

/** Settings the cluster stage reads (packId: the pack's calibrated threshold when clusterThresh is unset). */
export const reads = ['clusterThresh', 'minClusterSize', 'linkage', 'packId', 'sameSetupLinks'] as const satisfies readonly SettingKey[];

export async function clusterEpisode(ctx: StageContext, opts: ClusterOptions = {}): Promise<void> {
  checkAborted(ctx.signal);
  const clusterThresh = resolveClusterThresh(ctx, opts.clusterThresh);
  const minClusterSize = opts.minClusterSize ?? ctx.settings.minClusterSize;
  const linkage = opts.linkage ?? ctx.settings.linkage;
  if (!Number.isFinite(clusterThresh) || clusterThresh < -1 || clusterThresh > 1) throw new Error(`cluster_thresh must be in [-1, 1], got ${clusterThresh}`);
  if (!Number.isInteger(minClusterSize) || minClusterSize < 1) throw new Error(`min_cluster_size must be an integer ≥ 1, got ${minClusterSize}`);

  // A re-cluster must start from every review edit, including one journaled just before a crash.
  const settled = await settlePendingReviewEdits(ctx.workspace, ctx.epId);
  if (settled) ctx.log('info', `replayed ${settled} journaled review edit(s) into identities.json before clustering`);
  let previous = await readIdentities(ctx);
  // The reviewer's merges, moves, splits and removals, in the document's track ids.
  let constraints = await readConstraints(ctx.workspace, ctx.epId);
  const { meta, vectors } = await loadOrPool(ctx);
  const [tracks, { faces }] = await Promise.all([readTracks(ctx), readEpisodeFaces(ctx)]);
  ctx.progress({ stage: 'cluster', done: 0, total: tracks.length });
  checkAborted(ctx.signal);

  const facesPerTrack = new Map<string, number>();
  for (const f of faces) facesPerTrack.set(f.track_id, (facesPerTrack.get(f.track_id) ?? 0) + 1);
  const now = new Date().toISOString();
  // Tracks regenerated since `previous` was written: move its human work onto the new track ids.
  const remap = previous ? await readTrackRemap(ctx) : null;
  if (previous && remap && remap.identities_created_at === previous.metadata.created_at) {
    const applied = applyTrackRemap(previous, remap, now);
    for (const w of applied.warnings) ctx.log('warn', `cluster: ${w}`);
    const row = new Map(meta.track_order.map((t, i) => [t, i]));
    for (const ident of applied.doc.identities) {
      if (!ident.locked || !applied.changed.has(ident.identity_id)) continue;
      const s = embeddingStats(vectors, meta.embedding_dim, ident.track_ids.flatMap((t) => (row.has(t) ? [row.get(t)!] : [])));
      ident.embedding_stats = {
        centroid_norm: s.centroidNorm,
        variance: s.variance,
        num_tracks: ident.track_ids.length,
        num_faces_total: ident.track_ids.reduce((a, t) => a + (facesPerTrack.get(t) ?? 0), 0),
      };
    }
    ctx.log('info', `cluster: reviewed identities moved to the re-run's tracks (${applied.changed.size} changed)`);
    previous = applied.doc;
    // Every constrained track is in old_to_new (remap.ts); one that is not names another track now.
    constraints = translateConstraints(constraints, (t) => remap.old_to_new[t] ?? []);
  }
  constraints = restrictConstraints(constraints, new Set(tracks.map((t) => t.track_id)));
  const setupLinks = ctx.settings.sameSetupLinks ? await readSetupLinks(ctx, tracks, faces) : [];
  const plan = planIdentities({
    epId: ctx.epId,
    tracks,
    vectors,
    vectorTrackOrder: meta.track_order,
    dim: meta.embedding_dim,
    similarity: await similarityFor(ctx, vectors, meta.track_order.length, meta.embedding_dim),
    facesPerTrack,
    previous,
    clusterThresh,
    minClusterSize,
    linkage,
    modelId: meta.model_id,
    now,
    constraints,
    setupLinks,
  });
  for (const w of plan.warnings) ctx.log('warn', `cluster: ${w}`);
  if (plan.carried.size) ctx.log('info', `cluster: labels carried over for ${[...plan.carried].join(', ')}`);
  for (const [id, trackIds] of staleCovers(plan.doc.identities, faces)) plan.needThumbs.set(id, trackIds);
  checkAborted(ctx.signal);
  await writeIdentityThumbs(ctx, plan.doc, plan.needThumbs, faces);
  checkAborted(ctx.signal);
  await writeIdentities(ctx, plan.doc);
  if (!isEmptyConstraints(constraints) || existsSync(ctx.workspace.abs(ctx.paths.reviewConstraints))) await writeConstraints(ctx.workspace, ctx.epId, constraints);
  const m = plan.doc.metadata;
  ctx.log('info', `cluster: ${m.num_tracks} tracks → ${plan.doc.identities.length} identities (${m.num_clusters} clusters, ${m.num_singletons} singleton tracks), ${linkage} linkage, thresh ${clusterThresh}, ${setupLinks.length} same-setup links`);
  ctx.progress({ stage: 'cluster', done: tracks.length, total: tracks.length });
}
