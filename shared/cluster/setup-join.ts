// What the cluster plan does with the same-setup links (setup-links.ts), after the clustering: a link
// joins the two clusters its tracks are in; when that join is refused — the two clusters hold tracks
// on screen at once, so one of them holds someone else — the linked track moves on its own instead,
// out of the larger cluster (where a stray track sits) into the other, if it fits there. Nothing moves
// or joins across a reviewer's cannot-link or two names, and a pinned track (excluded by the reviewer,
// or in a reviewer's must-link group) stays where it is, and an excluded track's cluster joins nothing.
import { spansOverlap, type FrameSpan } from './constraints';
import { joinByLinks } from './setup-links';

export interface SetupJoinInput {
  /** Clusters as track indices. */
  groups: readonly (readonly number[])[];
  /** Track index → id and frame span. */
  trackIds: readonly string[];
  spans: readonly FrameSpan[];
  links: ReadonlyArray<readonly [string, string]>;
  /** Two tracks that may not be one person (a reviewer's cannot-link, two names). */
  apart: (a: number, b: number) => boolean;
  /** A track the reviewer excluded: its cluster joins nothing. */
  excluded: (t: number) => boolean;
  /** A track that must stay in its cluster (excluded, or in a reviewer's must-link group). */
  pinned: (t: number) => boolean;
}

export interface SetupJoinResult {
  /** The clusters after the joins and moves (every track once). */
  groups: number[][];
  joins: number;
  moves: number;
}

export function joinBySetup(input: SetupJoinInput): SetupJoinResult {
  const { groups, trackIds, spans, apart, excluded, pinned } = input;
  const fits = (t: number, members: readonly number[]) => members.every((m) => m === t || (!spansOverlap(spans[t], spans[m]) && !apart(t, m)));
  const tracksOf = (gs: readonly number[]) => gs.flatMap((g) => groups[g]);
  const groupOfTrack = new Map<string, number>();
  groups.forEach((g, gi) => g.forEach((t) => groupOfTrack.set(trackIds[t], gi)));
  const canJoin = (a: readonly number[], b: readonly number[]) => {
    const ta = tracksOf(a), tb = tracksOf(b);
    return !ta.some(excluded) && !tb.some(excluded) && ta.every((t) => fits(t, tb));
  };
  const { parts, refused } = joinByLinks(groups.length, groupOfTrack, input.links, canJoin);
  // Current clusters (after the joins) and where each track is.
  const out = parts.map((p) => tracksOf(p));
  const where = new Map<number, number>();
  out.forEach((g, gi) => g.forEach((t) => where.set(t, gi)));
  const index = new Map(trackIds.map((id, i) => [id, i]));
  let moves = 0;
  for (const [x, y] of refused) {
    const tx = index.get(x)!, ty = index.get(y)!;
    const gx = where.get(tx), gy = where.get(ty);
    if (gx === undefined || gy === undefined || gx === gy) continue;
    // The track of the larger cluster moves first (ties: the link's first track).
    const order: Array<[number, number, number]> = out[gx].length >= out[gy].length ? [[tx, gx, gy], [ty, gy, gx]] : [[ty, gy, gx], [tx, gx, gy]];
    for (const [t, src, dst] of order) {
      if (pinned(t) || out[src].length < 2 || !fits(t, out[dst])) continue;
      out[src] = out[src].filter((m) => m !== t);
      out[dst] = [...out[dst], t];
      where.set(t, dst);
      moves++;
      break;
    }
  }
  return { groups: out.filter((g) => g.length).map((g) => [...g].sort((a, b) => a - b)), joins: groups.length - parts.length, moves };
}
