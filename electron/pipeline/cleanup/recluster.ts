// Cleanup action "recluster": pools the (cleaned) faces and clusters again with the pipeline's own code
// (shared/cluster/pooling poolTracks + shared/cluster/plan planIdentities), so locked identities are
// copied verbatim with their tracks kept out of clustering, and labels carry over to the matching new
// identity. Also: the identities document after a split when no recluster runs (both halves stay in
// the parent's identity), and the before/after figures of the report.
import { poolTracks, type PooledTracks } from '../../../shared/cluster/pooling';
import { planIdentities, type PlanResult } from '../../../shared/cluster/plan';
import type { Linkage } from '../../../shared/cluster/agglomerative';
import type { Face, IdentitiesDoc, ReviewConstraints, Track } from '../../../shared/schema';
import { similarityMatrixOrt } from '../cluster';

/** From this many pooled tracks the similarity matrix is one onnxruntime MatMul, as in the cluster stage. */
const ORT_MIN_TRACKS = 300;

export interface ReclusterInput {
  epId: string;
  tracks: readonly Track[];
  faces: readonly Face[];
  rows: Float32Array;
  dim: number;
  previous: IdentitiesDoc | null;
  clusterThresh: number;
  minClusterSize: number;
  linkage: Linkage;
  modelId: string;
  /** Parent track of each track created by split_tracks (so merges are counted against the old identities). */
  parentOf: ReadonlyMap<string, string>;
  now: string;
  /** The reviewer's facts in the cleaned tracks' ids. */
  constraints?: ReviewConstraints;
  /** Same-setup track links (shared/cluster/setup-links.ts) of the cleaned tracks. */
  setupLinks?: ReadonlyArray<readonly [string, string]>;
}

export interface ReclusterResult {
  pooled: PooledTracks;
  plan: PlanResult;
  summary: { clusters_merged: number };
}

export function pool(tracks: readonly Track[], faces: readonly Face[], rows: Float32Array, dim: number): PooledTracks {
  return poolTracks(faces, rows, dim, tracks.map((t) => t.track_id));
}

/**
 * clusters_merged: for every new unlocked identity, the number of distinct previous identities its
 * tracks came from, minus one (0 when it draws from one or none). Tracks made by a split count as their
 * parent's. With no previous document nothing can have merged.
 */
export function countMerges(previous: IdentitiesDoc | null, next: IdentitiesDoc, parentOf: ReadonlyMap<string, string>): number {
  if (!previous) return 0;
  const oldOwner = new Map<string, string>();
  for (const ident of previous.identities) for (const t of ident.track_ids) oldOwner.set(t, ident.identity_id);
  let merged = 0;
  for (const ident of next.identities) {
    if (ident.locked) continue;
    const sources = new Set<string>();
    for (const t of ident.track_ids) {
      const owner = oldOwner.get(parentOf.get(t) ?? t);
      if (owner) sources.add(owner);
    }
    merged += Math.max(0, sources.size - 1);
  }
  return merged;
}

export async function reclusterEpisode(input: ReclusterInput): Promise<ReclusterResult> {
  const pooled = pool(input.tracks, input.faces, input.rows, input.dim);
  const n = pooled.trackOrder.length;
  // Failing onnxruntime is not fatal: planIdentities then computes the matrix in JS.
  const similarity = n >= ORT_MIN_TRACKS ? await similarityMatrixOrt(pooled.vectors, n, input.dim).catch(() => undefined) : undefined;
  const facesPerTrack = new Map<string, number>();
  for (const f of input.faces) facesPerTrack.set(f.track_id, (facesPerTrack.get(f.track_id) ?? 0) + 1);
  const plan = planIdentities({
    epId: input.epId,
    tracks: input.tracks,
    vectors: pooled.vectors,
    vectorTrackOrder: pooled.trackOrder,
    dim: input.dim,
    ...(similarity ? { similarity } : {}),
    facesPerTrack,
    previous: input.previous,
    clusterThresh: input.clusterThresh,
    minClusterSize: input.minClusterSize,
    linkage: input.linkage,
    modelId: input.modelId,
    now: input.now,
    constraints: input.constraints,
    setupLinks: input.setupLinks,
  });
  return { pooled, plan, summary: { clusters_merged: countMerges(input.previous, plan.doc, input.parentOf) } };
}

/** Metadata counts of an identities document recomputed from its identities (as planIdentities does). */
export function recount(doc: IdentitiesDoc): IdentitiesDoc {
  const numTracks = doc.identities.reduce((a, i) => a + i.track_ids.length, 0);
  const singletons = doc.identities.filter((i) => i.cluster_id === null).reduce((a, i) => a + i.track_ids.length, 0);
  const largest = doc.identities.reduce((m, i) => Math.max(m, i.track_ids.length), 0);
  return {
    ...doc,
    metadata: {
      ...doc.metadata,
      num_tracks: numTracks,
      num_clusters: doc.identities.filter((i) => i.cluster_id !== null).length,
      num_singletons: singletons,
      singleton_fraction: numTracks ? singletons / numTracks : 0,
      largest_cluster_size: largest,
      largest_cluster_fraction: numTracks ? largest / numTracks : 0,
    },
  };
}

/**
 * Identities after split_tracks without recluster: each split track is replaced, in its own identity,
 * by the tracks it became (locked identities never hold a split track). Faces per identity are
 * unchanged, so only track lists, num_tracks, updated_at and the metadata counts change.
 */
export function applySplitsToIdentities(doc: IdentitiesDoc, into: ReadonlyMap<string, readonly string[]>, now: string): IdentitiesDoc {
  const identities = doc.identities.map((ident) => {
    if (!ident.track_ids.some((t) => into.has(t))) return ident;
    if (ident.locked) throw new Error(`split_tracks: ${ident.identity_id} is locked but one of its tracks was split`);
    const trackIds = ident.track_ids.flatMap((t) => into.get(t) ?? [t]);
    return { ...ident, track_ids: trackIds, embedding_stats: { ...ident.embedding_stats, num_tracks: trackIds.length }, updated_at: now };
  });
  // A new created_at starts a new base for the review journal (electron/store/review), as a
  // re-cluster does, so edits journaled against the old track lists are not replayed onto this one.
  const metadata = { ...doc.metadata, created_at: now, ...(doc.metadata.revision !== undefined ? { revision: doc.metadata.revision + 1 } : {}) };
  return recount({ ...doc, identities, metadata });
}
