// Pooling face embeddings into one vector per track, and per-identity embedding statistics.

/** The pooling rule, recorded in embeddings_meta.json `pooling`. */
export const POOLING_RULE = 'quality_weighted_mean_renorm;no_accepted_face=best_rejected_face;no_face=excluded';

/** What pooling needs to know about one row of faces.jsonl / faces.npy. */
export interface PoolFace {
  track_id: string;
  quality_score: number;
  rejection_reason?: string;
}

export interface PooledTracks {
  /** Row-major (trackOrder.length × dim), each row unit-norm. */
  vectors: Float32Array;
  trackOrder: string[];
  dim: number;
  /** Tracks with no accepted face whose vector is their best (highest-quality) rejected face. */
  fallbackTracks: string[];
  /** Tracks asked for that have no face row at all (not in `trackOrder`; they become singletons). */
  missingTracks: string[];
  /** Faces per track that went into its vector. */
  facesUsed: Map<string, number>;
}

// Quality 0 must not zero out a track whose faces are all scored 0 (e.g. a model without quality head).
const MIN_WEIGHT = 1e-3;

/**
 * Quality-weighted mean of each track's accepted faces (no rejection_reason), re-normalised to unit
 * length. A track whose faces are all rejected is represented by its best rejected face rather than
 * dropped: the reviewer still has to see it, and a single face clusters better than nothing.
 * `faceRows` is row i of faces.npy ↔ faces[i]; `trackIds` fixes the output row order.
 */
export function poolTracks(faces: readonly PoolFace[], faceRows: Float32Array, dim: number, trackIds: readonly string[]): PooledTracks {
  if (faceRows.length !== faces.length * dim) {
    throw new Error(`poolTracks: faces.npy has ${faceRows.length / dim} rows of ${dim}, faces.jsonl has ${faces.length} lines`);
  }
  const byTrack = new Map<string, number[]>();
  faces.forEach((f, i) => {
    let list = byTrack.get(f.track_id);
    if (!list) byTrack.set(f.track_id, (list = []));
    list.push(i);
  });
  const trackOrder: string[] = [];
  const fallbackTracks: string[] = [];
  const missingTracks: string[] = [];
  const facesUsed = new Map<string, number>();
  const out: Float32Array[] = [];
  for (const t of trackIds) {
    const rows = byTrack.get(t);
    if (!rows || rows.length === 0) {
      missingTracks.push(t);
      continue;
    }
    let use = rows.filter((r) => !faces[r].rejection_reason);
    if (use.length === 0) {
      let best = rows[0];
      for (const r of rows) if (faces[r].quality_score > faces[best].quality_score) best = r;
      use = [best];
      fallbackTracks.push(t);
    }
    const acc = new Float64Array(dim);
    for (const r of use) {
      const w = Math.max(faces[r].quality_score, MIN_WEIGHT);
      const o = r * dim;
      for (let k = 0; k < dim; k++) acc[k] += w * faceRows[o + k];
    }
    out.push(normalise(acc, `track ${t}`));
    trackOrder.push(t);
    facesUsed.set(t, use.length);
  }
  const vectors = new Float32Array(out.length * dim);
  out.forEach((v, i) => vectors.set(v, i * dim));
  return { vectors, trackOrder, dim, fallbackTracks, missingTracks, facesUsed };
}

function normalise(acc: Float64Array, what: string): Float32Array {
  let s = 0;
  for (let k = 0; k < acc.length; k++) s += acc[k] * acc[k];
  const norm = Math.sqrt(s);
  if (!(norm > 0) || !Number.isFinite(norm)) throw new Error(`pooling: ${what} has a zero or non-finite pooled embedding`);
  const v = new Float32Array(acc.length);
  for (let k = 0; k < acc.length; k++) v[k] = acc[k] / norm;
  return v;
}

export interface EmbeddingStats {
  /** Norm of the mean of the member vectors, before re-normalising (1 = all identical). */
  centroidNorm: number;
  /** Mean squared Euclidean distance of the members to the unit-norm centroid. */
  variance: number;
  /** Unit-norm centroid (all zeros when there are no members). */
  centroid: Float32Array;
}

/** Statistics of the rows `members` of a row-major vector matrix. */
export function embeddingStats(vectors: Float32Array, dim: number, members: readonly number[]): EmbeddingStats {
  const mean = new Float64Array(dim);
  for (const m of members) {
    const o = m * dim;
    for (let k = 0; k < dim; k++) mean[k] += vectors[o + k];
  }
  if (members.length === 0) return { centroidNorm: 0, variance: 0, centroid: new Float32Array(dim) };
  let s = 0;
  for (let k = 0; k < dim; k++) {
    mean[k] /= members.length;
    s += mean[k] * mean[k];
  }
  const centroidNorm = Math.sqrt(s);
  const centroid = new Float32Array(dim);
  if (centroidNorm > 0) for (let k = 0; k < dim; k++) centroid[k] = mean[k] / centroidNorm;
  let variance = 0;
  for (const m of members) {
    const o = m * dim;
    for (let k = 0; k < dim; k++) {
      const diff = vectors[o + k] - centroid[k];
      variance += diff * diff;
    }
  }
  return { centroidNorm, variance: variance / members.length, centroid };
}

