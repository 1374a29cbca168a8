// Label suggestions from a show's cast library (issue #7). Pure: embeddings in, ranked people out.
//
// Score of a person for an identity = mean of the top-k cosine similarities over all pairs
// (identity track embedding, person reference embedding). k = 1 would be "best single match", which
// one lucky look-alike frame can win; the mean over all pairs punishes people whose references span
// many looks (lighting, age, make-up). Top-k (k = 3) sits between the two, as k-NN face ID does.

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

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`embedding dimensions differ: ${a.length} vs ${b.length}`);
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** Mean of the k largest values (all of them when there are fewer than k). */
export function meanTopK(values: readonly number[], k: number): number {
  if (values.length === 0) return Number.NEGATIVE_INFINITY;
  const top = [...values].sort((a, b) => b - a).slice(0, Math.max(1, k));
  return top.reduce((s, v) => s + v, 0) / top.length;
}

/** People ranked by score for one identity (its track embeddings), best first. */
export function rankSuggestions(
  identityEmbeddings: readonly ArrayLike<number>[],
  cast: readonly CastPersonRefs[],
  opts: SuggestOptions = {},
): Suggestion[] {
  const topK = opts.topK ?? DEFAULT_TOP_K;
  const limit = opts.limit ?? DEFAULT_SUGGESTION_LIMIT;
  const minScore = opts.minScore ?? Number.NEGATIVE_INFINITY;
  if (identityEmbeddings.length === 0) return [];
  const out: Suggestion[] = [];
  for (const person of cast) {
    if (opts.exclude?.has(person.person_id) || person.embeddings.length === 0) continue;
    const sims: number[] = [];
    for (const q of identityEmbeddings) for (const r of person.embeddings) sims.push(cosine(q, r));
    const score = meanTopK(sims, topK);
    if (score >= minScore) out.push({ person_id: person.person_id, name: person.name, score, references: person.embeddings.length });
  }
  out.sort((a, b) => b.score - a.score || a.person_id.localeCompare(b.person_id));
  return out.slice(0, limit);
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
