// Pure rules of a safe merge: which identity is kept, when a candidate may be preselected, and what a
// merge would lose. The merge and move dialogs read them; tests run them under Node.
import type { Identity } from '../../../shared/schema';

/**
 * A candidate is "clearly the same person" — and only then preselected — when its centroid cosine
 * is at least CLEAR_MATCH_MIN and beats the runner-up by CLEAR_MATCH_MARGIN, and the reviewer has not
 * separated the two (separations.ts). Measured on the Friends clip, people judged by the eval labels:
 * - default pack of 9b40f6d: wrong nearest neighbours up to 0.551; Joey → Chandler (0.344) led its
 *   runner-up by 0.219, so a margin alone would have preselected it; right ones 0.69–0.78;
 * - default pack of a8bf7b8 (UltraFace + 68 landmarks): Monica's profile track scores 0.716 with Joey's
 *   (track to track) and 0.748 with Joey's identity once split out of it, 0.377 ahead of the
 *   runner-up; right nearest neighbours reach 0.787.
 * No score below 0.8 is trusted, then: on these clips nothing is preselected, which is the point —
 * the embedder is not sure enough for Enter to decide. A runner-up within 0.1 means look-alikes.
 */
export const CLEAR_MATCH_MIN = 0.8;
export const CLEAR_MATCH_MARGIN = 0.1;

export interface Ranked {
  identity_id: string;
  similarity: number;
}

/** The candidate to preselect, or null when none is clearly the same person. */
export function clearMatch(ranked: readonly Ranked[], separated: ReadonlySet<string> = new Set()): string | null {
  const [best, second] = [...ranked].sort((a, b) => b.similarity - a.similarity);
  if (!best || best.similarity < CLEAR_MATCH_MIN || separated.has(best.identity_id)) return null;
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
