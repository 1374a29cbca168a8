// Pure rules of a safe merge: which identity is kept, when a candidate may be preselected, and what a
// merge would lose. The merge and move dialogs read them; tests run them under Node.
import type { Identity } from '../../../shared/schema';

/**
 * A candidate is "clearly the same person" — and only then preselected — when its centroid cosine
 * is at least CLEAR_MATCH_MIN and beats the runner-up by CLEAR_MATCH_MARGIN. Measured on the Friends
 * clip (default pack, 15 tracks, 6 people): every wrong nearest neighbour scored ≤ 0.551, and the
 * Joey → Chandler case (0.344) led its runner-up by 0.219, so a margin alone would have preselected
 * it; right nearest neighbours reach 0.693–0.777. A runner-up within 0.1 (two Ross tracks at 0.777
 * and 0.742) means two look-alikes: the reviewer chooses.
 */
export const CLEAR_MATCH_MIN = 0.6;
export const CLEAR_MATCH_MARGIN = 0.1;

export interface Ranked {
  identity_id: string;
  similarity: number;
}

/** The candidate to preselect, or null when none is clearly the same person. */
export function clearMatch(ranked: readonly Ranked[]): string | null {
  const [best, second] = [...ranked].sort((a, b) => b.similarity - a.similarity);
  if (!best || best.similarity < CLEAR_MATCH_MIN) return null;
  if (second && best.similarity - second.similarity < CLEAR_MATCH_MARGIN) return null;
  return best.identity_id;
}

const faces = (i: Identity) => i.embedding_stats.num_faces_total;

/** Kept-first order: labeled, then locked, then more tracks, more faces, lower id. */
export function keptFirst(identities: readonly Identity[]): Identity[] {
  return [...identities].sort(
    (a, b) =>
      Number(!!b.labels.name) - Number(!!a.labels.name) ||
      Number(b.locked) - Number(a.locked) ||
      b.track_ids.length - a.track_ids.length ||
      faces(b) - faces(a) ||
      a.identity_id.localeCompare(b.identity_id),
  );
}

export interface MergeOutcome {
  /** Name of the merged identity (null = unlabeled). */
  name: string | null;
  /** The label to apply after the merge (the target had none and a source's carries over). */
  carried: { name: string; person_id?: string } | null;
  locked: boolean;
  /** What the reviewer loses, one sentence each; non-empty → the confirm button is not the default. */
  losses: string[];
}

export function mergeOutcome(target: Identity, sources: readonly Identity[], carryName: boolean): MergeOutcome {
  const named = sources.find((s) => s.labels.name);
  const carried = !target.labels.name && carryName && named?.labels.name ? { name: named.labels.name, person_id: named.labels.person_id } : null;
  const name = target.labels.name ?? carried?.name ?? null;
  const losses: string[] = [];
  for (const s of sources) {
    if (s.labels.name && s.labels.name !== name) losses.push(`the name "${s.labels.name}" of ${s.identity_id}`);
    if (s.locked && !target.locked) losses.push(`the lock of ${s.identity_id}`);
  }
  return { name, carried, locked: target.locked, losses };
}

/** Case-insensitive match on name, person id or identity id (what a reviewer types). */
export function matchesQuery(i: Identity, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [i.labels.name ?? '', i.labels.person_id ?? '', i.identity_id].some((f) => f.toLowerCase().includes(q));
}
