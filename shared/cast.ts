// Label suggestions from a show's cast library. Pure: embeddings in, ranked people out.
//
// Score of a person for an identity = mean of the top-k cosine similarities over all pairs
// (identity track embedding, person reference embedding). k = 1 would be "best single match", which
// one lucky look-alike frame can win; the mean over all pairs punishes people whose references span
// many looks (lighting, age, make-up). Top-k (k = 3) sits between the two, as k-NN face ID does.
import { dotAt, unitCopy } from './vec';

export interface CastPersonRefs {
  person_id: string;
  name: string;
  /** Unit-norm reference embeddings (may be empty: a cast-list entry nobody has labeled yet). */
  embeddings: ArrayLike<number>[];
}

export interface Suggestion {
  person_id: string;
  name: string;
  score: number;
  references: number;
}

export interface SuggestOptions {
  /** Pairs averaged per person (fewer when fewer exist). */
  topK?: number;
  /** Longest list returned. */
  limit?: number;
  /** Suggestions scoring below this are dropped. */
  minScore?: number;
  /** person_ids never to suggest (rejected for this identity, or its current label). */
  exclude?: ReadonlySet<string>;
}

export const DEFAULT_TOP_K = 3;
export const DEFAULT_SUGGESTION_LIMIT = 5;


/** Mean of the k largest values (all of them when there are fewer than k). */
export function meanTopK(values: readonly number[], k: number): number {
  if (values.length === 0) return Number.NEGATIVE_INFINITY;
  const top = [...values].sort((a, b) => b - a).slice(0, Math.max(1, k));
  return top.reduce((s, v) => s + v, 0) / top.length;
}



/** Inserts `v` into `top` (descending, `filled` used of `k`); returns the new fill. */
export function pushTop(top: Float64Array, filled: number, k: number, v: number): number {
  if (filled === k && v <= top[k - 1]) return filled;
  let j = filled < k ? filled : k - 1;
  while (j > 0 && top[j - 1] < v) {
    top[j] = top[j - 1];
    j--;
  }
  top[j] = v;
  return filled < k ? filled + 1 : filled;
}

/** Cast with unit-normalised references, made once and reused for every track of an episode. */
export interface PreparedCast {
  dim: number;
  /** `refs` holds `count` unit-norm rows of `dim`, end to end. */
  people: { person_id: string; name: string; count: number; refs: Float32Array }[];
}

export function prepareCast(cast: readonly CastPersonRefs[]): PreparedCast {
  let dim = -1;
  const people = cast.map((p) => {
    for (const e of p.embeddings) {
      if (dim >= 0 && e.length !== dim) throw new Error(`embedding dimensions differ: ${dim} vs ${e.length}`);
      dim = e.length;
    }
    const refs = new Float32Array(p.embeddings.length * Math.max(dim, 0));
    p.embeddings.forEach((e, i) => refs.set(unitCopy(e), i * dim));
    return { person_id: p.person_id, name: p.name, count: p.embeddings.length, refs };
  });
  return { dim, people };
}

/** person_id → the k best similarities (descending) of one track to that person's references. */
export type TrackTopK = Map<string, number[]>;

/**
 * Per-track part of the score. An identity's top-k over all its (track, reference) pairs is the top-k
 * of its tracks' top-k lists, so these can be cached per track and merged cheaply after every edit
 * (merges and moves change which tracks form an identity, not the tracks themselves).
 */
export function trackTopK(embedding: ArrayLike<number>, cast: PreparedCast, topK = DEFAULT_TOP_K): TrackTopK {
  const k = Math.max(1, topK);
  if (cast.dim >= 0 && embedding.length !== cast.dim) throw new Error(`embedding dimensions differ: ${embedding.length} vs ${cast.dim}`);
  const q = unitCopy(embedding);
  const out: TrackTopK = new Map();
  const top = new Float64Array(k);
  for (const p of cast.people) {
    if (p.count === 0) continue;
    let filled = 0;
    for (let r = 0; r < p.count; r++) filled = pushTop(top, filled, k, dotAt(q, 0, p.refs, r * cast.dim, q.length));
    out.set(p.person_id, Array.from(top.subarray(0, filled)));
  }
  return out;
}

/** Ranks people for one identity from its tracks' TrackTopK maps. */
export function rankFromTrackTopK(
  tracks: readonly TrackTopK[],
  cast: PreparedCast,
  opts: SuggestOptions = {},
): Suggestion[] {
  const k = Math.max(1, opts.topK ?? DEFAULT_TOP_K);
  const limit = opts.limit ?? DEFAULT_SUGGESTION_LIMIT;
  const minScore = opts.minScore ?? Number.NEGATIVE_INFINITY;
  if (tracks.length === 0) return [];
  const out: Suggestion[] = [];
  const top = new Float64Array(k);
  for (const p of cast.people) {
    if (opts.exclude?.has(p.person_id) || p.count === 0) continue;
    let filled = 0;
    for (const t of tracks) for (const v of t.get(p.person_id) ?? []) filled = pushTop(top, filled, k, v);
    if (filled === 0) continue;
    let sum = 0;
    for (let j = 0; j < filled; j++) sum += top[j];
    const score = sum / filled;
    if (score >= minScore) out.push({ person_id: p.person_id, name: p.name, score, references: p.count });
  }
  out.sort((a, b) => b.score - a.score || a.person_id.localeCompare(b.person_id));
  return out.slice(0, limit);
}

/** People ranked by score for one identity (its track embeddings), best first. */
export function rankSuggestions(
  identityEmbeddings: readonly ArrayLike<number>[],
  cast: readonly CastPersonRefs[],
  opts: SuggestOptions = {},
): Suggestion[] {
  const prepared = prepareCast(cast);
  return rankFromTrackTopK(identityEmbeddings.map((e) => trackTopK(e, prepared, opts.topK)), prepared, opts);
}

export interface AutoAssignCandidate {
  identity_id: string;
  locked: boolean;
  labels?: { person_id?: string; name?: string };
  suggestions: readonly Suggestion[];
}

export interface PlannedAssignment {
  identity_id: string;
  person_id: string;
  name: string;
  score: number;
}

/**
 * Which identities auto-assign would label: unlocked, unlabeled ones whose best suggestion reaches
 * `threshold` and beats the runner-up by `minMargin` (two look-alikes close together are left to a
 * person). Locked identities are never touched: a lock is a human's final word.
 */
export function planAutoAssign(
  candidates: readonly AutoAssignCandidate[],
  opts: { threshold: number; minMargin: number },
): PlannedAssignment[] {
  const out: PlannedAssignment[] = [];
  for (const c of candidates) {
    if (c.locked || c.labels?.person_id || c.labels?.name) continue;
    const [best, second] = c.suggestions;
    if (!best || best.score < opts.threshold) continue;
    if (second && best.score - second.score < opts.minMargin) continue;
    out.push({ identity_id: c.identity_id, person_id: best.person_id, name: best.name, score: best.score });
  }
  return out;
}

/**
 * A face teaches the cast library only when its cosine to its identity's robust centre reaches this.
 * Measured on the Friends clip, identities as a reviewer would lock them (faces judged by eye):
 * - default pack of 9b40f6d (73 faces, judged by eye): 88% of a person's own faces reach 0.3, 4.4% of (other person's face,
 *   centre) pairs do; the Ross face and the blurred mid-pan face inside Joey's switching track score
 *   0.03 and 0.04. Joey's references built this way score 0.05 against Ross's tracks (top-3 mean),
 *   against 0.35 for the pooled tracks they replace.
 * - eval pack (94 faces): 95% own faces kept, 3.2% foreign pairs pass; Ross's face in the switching
 *   track scores 0.08; Joey against Ross's tracks 0.12 instead of 0.37.
 * - default pack of a8bf7b8 (UltraFace + 68 landmarks; faces named by the eval labels): 86% own kept,
 *   9.4% foreign pairs pass; Ross's face in the switching track scores 0.16.
 * Near-profile faces of the right person (≈ 0–0.1 with the default pack) are left out too: a
 * reference must be a face the reviewer's identity clearly is.
 */
export const REFERENCE_MIN_COSINE = 0.3;

/**
 * The identity's centre, robust to a minority of foreign faces: the mean of the half of its faces
 * closest to the plain mean (so up to half can be another person without moving it).
 */
export function robustCentre(faces: readonly ArrayLike<number>[]): Float32Array {
  if (faces.length === 0) return new Float32Array(0);
  const dim = faces[0].length;
  const meanOf = (rows: readonly ArrayLike<number>[]) => {
    const m = new Float32Array(dim);
    for (const r of rows) for (let j = 0; j < dim; j++) m[j] += r[j];
    return unitCopy(m);
  };
  const first = meanOf(faces);
  const cos = faces.map((f) => dotAt(first, 0, unitCopy(f), 0, first.length));
  const median = [...cos].sort((a, b) => a - b)[Math.floor((cos.length - 1) / 2)];
  return meanOf(faces.filter((_, i) => cos[i] >= median));
}

export interface ReferenceFace {
  track_id: string;
  embedding: ArrayLike<number>;
}

export interface TrackReference {
  track_id: string;
  /** Unit mean of the track's consistent faces. */
  embedding: Float32Array;
  /** How many of the track's faces were consistent. */
  faces: number;
  /** Index (into the faces given) of the track's face closest to the centre: its picture. */
  best: number;
}

/**
 * One reference per track of a confirmed identity, pooled from its faces consistent with the
 * identity (cosine to the robust centre ≥ minCosine); tracks with no such face give none. A track
 * the tracker let drift onto another person thus teaches only its right faces.
 */
export function consistentReferences(faces: readonly ReferenceFace[], minCosine = REFERENCE_MIN_COSINE): TrackReference[] {
  if (faces.length === 0) return [];
  const centre = robustCentre(faces.map((f) => f.embedding));
  const byTrack = new Map<string, { rows: number[]; best: number; bestCos: number }>();
  faces.forEach((f, i) => {
    const c = dotAt(centre, 0, unitCopy(f.embedding), 0, centre.length);
    if (c < minCosine) return;
    const t = byTrack.get(f.track_id) ?? { rows: [], best: i, bestCos: -2 };
    t.rows.push(i);
    if (c > t.bestCos) Object.assign(t, { best: i, bestCos: c });
    byTrack.set(f.track_id, t);
  });
  return [...byTrack].map(([track_id, t]) => {
    const m = new Float32Array(centre.length);
    for (const i of t.rows) {
      const u = unitCopy(faces[i].embedding);
      for (let j = 0; j < m.length; j++) m[j] += u[j];
    }
    return { track_id, embedding: unitCopy(m), faces: t.rows.length, best: t.best };
  });
}
