// "Same person?" questions: pairs of identities that are probably one person, for a reviewer to answer
// y (merge) or n (a cannot-link, never asked again).
//
// Similarity of two identities = cosine of their centroids (the normalised means of their pooled
// track embeddings). A pair is asked about when it is at least `minSimilarity` — the app asks from
// `questionFloor`, well below the clustering's own same-person bound (identities.json
// metadata.cluster_thresh, calibrated per model pack): the splits the clustering leaves are mostly one
// person's turned and frontal tracks, which the embedder scores below that bound, so a list that
// stopped at it would never reach them — and nothing already settles it: a reviewer cannot-link
// between their tracks, a pair the reviewer already answered, two locked identities labeled as
// different people. Most similar first, so the likely pairs come first and the reviewer stops when
// the answers turn to "no".
//
// Identities on screen at the same time are NOT left out: on the labeled sitcom clips the true pairs
// above the bound overlap in time (an identity holding one wrong track, or two tracks of one face),
// and leaving out overlapping pairs dropped every true pair (scripts/eval-real/same-person.test.ts).
import type { ReviewConstraints } from '../schema/constraints';
import { dotAt } from '../vec';
import { embeddingStats } from './pooling';

export interface SamePersonIdentity {
  identity_id: string;
  track_ids: readonly string[];
  locked?: boolean;
  labels?: { person_id?: string; name?: string };
}

export interface SamePersonInput {
  identities: readonly SamePersonIdentity[];
  /** Pooled track embeddings, row-major, unit rows: row i is track `trackOrder[i]`. */
  vectors: Float32Array;
  dim: number;
  trackOrder: readonly string[];
  constraints?: ReviewConstraints;
  /** Identity pairs already answered (either order). */
  answered?: ReadonlyArray<readonly [string, string]>;
  /** Pairs less similar than this are not asked about: the episode's cluster_thresh. */
  minSimilarity: number;
  /** At most this many pairs (the most similar). */
  limit?: number;
}

export interface SamePersonPair {
  /** The identity with more tracks (the natural merge target), then the other. */
  a: string;
  b: string;
  /** Cosine of the two centroids. */
  similarity: number;
}

/**
 * The lowest similarity asked about, as a fraction of the episode's cluster_thresh. Measured by a
 * reviewer answering the questions in order on the two labeled sitcom clips (scripts/eval-real/
 * review-sim.ts, docs/DECISIONS.md "Same person? questions below the cluster threshold").
 */
export const QUESTION_FLOOR = 0.3;

export const questionFloor = (clusterThresh: number) => QUESTION_FLOOR * clusterThresh;

const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/** Identity pairs (keys) that a cannot-link separates: one side's track in each. */
function cannotLinked(c: ReviewConstraints | undefined, owner: ReadonlyMap<string, string>): Set<string> {
  const out = new Set<string>();
  for (const [left, right] of c?.cannot_link ?? []) {
    const l = new Set(left.map((t) => owner.get(t)).filter((x): x is string => !!x));
    const r = new Set(right.map((t) => owner.get(t)).filter((x): x is string => !!x));
    for (const x of l) for (const y of r) if (x !== y) out.add(pairKey(x, y));
  }
  return out;
}

const confirmedApart = (x: SamePersonIdentity, y: SamePersonIdentity) => {
  const px = x.labels?.person_id, py = y.labels?.person_id;
  return !!x.locked && !!y.locked && !!px && !!py && px !== py;
};

/** The pairs to ask about, most similar first (ties: by ids). Pure. */
export function samePersonCandidates(input: SamePersonInput): SamePersonPair[] {
  const row = new Map(input.trackOrder.map((t, i) => [t, i]));
  const owner = new Map<string, string>();
  for (const i of input.identities) for (const t of i.track_ids) owner.set(t, i.identity_id);
  const skip = cannotLinked(input.constraints, owner);
  for (const [a, b] of input.answered ?? []) skip.add(pairKey(a, b));
  const withVec = input.identities
    .map((ident) => ({ ident, rows: ident.track_ids.map((t) => row.get(t)).filter((r): r is number => r !== undefined) }))
    .filter((x) => x.rows.length > 0);
  // Centroids packed end to end: the all-pairs loop is the hot one (2,000 identities = 2 M dot products).
  const dim = input.dim, centroids = new Float32Array(withVec.length * dim);
  withVec.forEach((x, i) => centroids.set(embeddingStats(input.vectors, dim, x.rows).centroid, i * dim));
  const pairs: SamePersonPair[] = [];
  for (let i = 0; i < withVec.length; i++) {
    for (let j = i + 1; j < withVec.length; j++) {
      const x = withVec[i], y = withVec[j];
      const similarity = dotAt(centroids, i * dim, centroids, j * dim, dim);
      if (!(similarity >= input.minSimilarity)) continue;
      if (skip.has(pairKey(x.ident.identity_id, y.ident.identity_id)) || confirmedApart(x.ident, y.ident)) continue;
      const [a, b] = x.ident.track_ids.length >= y.ident.track_ids.length ? [x.ident, y.ident] : [y.ident, x.ident];
      pairs.push({ a: a.identity_id, b: b.identity_id, similarity });
    }
  }
  pairs.sort((p, q) => q.similarity - p.similarity || (p.a + p.b).localeCompare(q.a + q.b));
  return input.limit !== undefined ? pairs.slice(0, input.limit) : pairs;
}

/** Faces a question shows per identity: enough to see a face from a few angles, few enough to stay large. */
export const QUESTION_FACES = 6;

/**
 * Up to `n` faces to show an identity by in a question: its cover, then one face of each track in
 * turn (tracks with the most faces first), so the side shows the range of its tracks' looks.
 */
export function questionFaces(cover: string, perTrack: readonly (readonly string[])[], n: number): string[] {
  const tracks = perTrack.filter((c) => c.length > 0).sort((x, y) => y.length - x.length);
  const out = cover ? [cover] : [];
  for (let round = 0; out.length < n && tracks.some((c) => c.length > round); round++) {
    for (const c of tracks) if (c[round] && !out.includes(c[round]) && out.length < n) out.push(c[round]);
  }
  return out;
}
