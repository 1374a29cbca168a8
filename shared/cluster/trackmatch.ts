// Matches the tracks of a previous run to the tracks of a new run of the same episode (different
// stride or tracker settings renumber and reshape tracks), so human work on old track ids can follow
// the person. Two tracks "share" a frame when one of them has a box there, the other covers it (a box
// on that frame or one interpolated between its neighbouring boxes — old tracks are often known only
// by sparse samples) and the two boxes overlap with IoU ≥ minIou; both tracks' box frames are checked.
// A pair qualifies when it shares ≥ min(minShared, boxes of both) frames and at least minSharedFrac of
// the checked frames that either track covers of the other.
//
// Assignment: an optimal one-to-one assignment (linear-sum-assignment, Jonker–Volgenant, maximising
// shared frames) per connected component of qualifying pairs — components are small (tracks only
// compete with tracks at the same place and time), which keeps thousands of tracks cheap — then every
// still unassigned new track joins the old track it shares the most frames with, if any qualifies
// (a track the new settings broke into fragments maps to all of them). Each new track maps to at most
// one old track; an old track may map to several new ones, or none (lost).
import { linearSumAssignment } from 'linear-sum-assignment';
import { iou, type Box } from '../geometry';

export type { Box };

export interface TrackBoxes {
  track_id: string;
  /** Boxes of the track in frame order (any consistent coordinate space, e.g. normalised). */
  boxes: ReadonlyArray<{ frame_idx: number; bbox: Box }>;
}

export interface MatchOptions {
  minIou?: number;
  minShared?: number;
  minSharedFrac?: number;
  /** Longest gap (frames) between two boxes of a new track across which its box is interpolated. */
  maxGapFrames?: number;
}

export interface TrackMatch {
  /** Old track id → new track ids (frame order of their first box), only for matched old tracks. */
  oldToNew: Map<string, string[]>;
  newToOld: Map<string, string>;
  /** Old track ids with no new track. */
  lost: string[];
  /** Shared frames of every assigned (old, new) pair, for reports and tests. */
  shared: Map<string, number>;
}


/** Box of a track at `frame`: exact, linearly interpolated across a gap ≤ maxGap, or undefined. */
export function boxAt(track: TrackBoxes, frame: number, maxGap: number): Box | undefined {
  const b = track.boxes;
  let lo = 0, hi = b.length - 1;
  if (hi < 0 || frame < b[0].frame_idx || frame > b[hi].frame_idx) return undefined;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (b[mid].frame_idx <= frame) lo = mid;
    else hi = mid - 1;
  }
  const p = b[lo];
  if (p.frame_idx === frame) return p.bbox;
  const n = b[lo + 1];
  if (n.frame_idx - p.frame_idx > maxGap) return undefined;
  const t = (frame - p.frame_idx) / (n.frame_idx - p.frame_idx);
  return [0, 1, 2, 3].map((k) => p.bbox[k] + t * (n.bbox[k] - p.bbox[k])) as unknown as Box;
}

function oneWay(a: TrackBoxes, b: TrackBoxes, minIou: number, maxGap: number): { shared: number; inside: number } {
  let shared = 0, inside = 0;
  for (const o of a.boxes) {
    const nb = boxAt(b, o.frame_idx, maxGap);
    if (!nb) continue;
    inside++;
    if (iou(o.bbox, nb) >= minIou) shared++;
  }
  return { shared, inside };
}

/** Shared frames of one (old, new) pair, and how many box frames of each fall inside the other. */
export function sharedFrames(old: TrackBoxes, next: TrackBoxes, minIou: number, maxGap: number): { shared: number; inside: number } {
  const a = oneWay(old, next, minIou, maxGap);
  const b = oneWay(next, old, minIou, maxGap);
  return { shared: a.shared + b.shared, inside: a.inside + b.inside };
}

const span = (t: TrackBoxes): [number, number] => [t.boxes[0].frame_idx, t.boxes[t.boxes.length - 1].frame_idx];

export function matchTracks(oldTracks: readonly TrackBoxes[], newTracks: readonly TrackBoxes[], opts: MatchOptions = {}): TrackMatch {
  const minIou = opts.minIou ?? 0.5;
  const minShared = opts.minShared ?? 2;
  const minFrac = opts.minSharedFrac ?? 0.5;
  const maxGap = opts.maxGapFrames ?? 48;
  const olds = oldTracks.filter((t) => t.boxes.length);
  const news = newTracks.filter((t) => t.boxes.length);

  // Qualifying pairs, found by a sweep over new spans sorted by start (only time-overlapping pairs are scored).
  const pairs: Array<{ o: number; n: number; shared: number }> = [];
  const newOrder = news.map((_, i) => i).sort((a, b) => span(news[a])[0] - span(news[b])[0]);
  const newStarts = newOrder.map((i) => span(news[i])[0]);
  for (let o = 0; o < olds.length; o++) {
    const [os, oe] = span(olds[o]);
    for (let k = 0; k < newOrder.length && newStarts[k] <= oe; k++) {
      const n = newOrder[k];
      if (span(news[n])[1] < os) continue;
      const { shared, inside } = sharedFrames(olds[o], news[n], minIou, maxGap);
      if (shared > 0 && shared >= Math.min(minShared, olds[o].boxes.length + news[n].boxes.length) && shared >= minFrac * inside) pairs.push({ o, n, shared });
    }
  }

  // Connected components of the bipartite pair graph (union-find over old ids 0..O-1 and new ids O..).
  const parent = Array.from({ length: olds.length + news.length }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  for (const p of pairs) parent[find(p.o)] = find(olds.length + p.n);
  const comps = new Map<number, typeof pairs>();
  for (const p of pairs) {
    const r = find(p.o);
    const l = comps.get(r);
    if (l) l.push(p);
    else comps.set(r, [p]);
  }

  const newToOld = new Map<number, number>();
  const sharedOf = new Map<string, number>();
  for (const comp of comps.values()) {
    const rows = [...new Set(comp.map((p) => p.o))];
    const cols = [...new Set(comp.map((p) => p.n))];
    const score = rows.map(() => cols.map(() => 0));
    for (const p of comp) score[rows.indexOf(p.o)][cols.indexOf(p.n)] = p.shared;
    const { rowAssignments } = linearSumAssignment(score, { maximaze: true });
    rows.forEach((o, r) => {
      const c = rowAssignments[r];
      if (c >= 0 && score[r][c] > 0) newToOld.set(cols[c], o);
    });
    // Fragments: unassigned new tracks join their best old track.
    cols.forEach((n, c) => {
      if (newToOld.has(n)) return;
      let best = -1;
      rows.forEach((_, r) => {
        if (score[r][c] > 0 && (best < 0 || score[r][c] > score[best][c])) best = r;
      });
      if (best >= 0) newToOld.set(n, rows[best]);
    });
    for (const p of comp) if (newToOld.get(p.n) === p.o) sharedOf.set(`${olds[p.o].track_id}→${news[p.n].track_id}`, p.shared);
  }

  const oldToNew = new Map<string, string[]>(olds.flatMap((o, i) => ([...newToOld.values()].includes(i) ? [[o.track_id, []]] : [])));
  const byStart = [...newToOld.entries()].sort((a, b) => span(news[a[0]])[0] - span(news[b[0]])[0] || a[0] - b[0]);
  for (const [n, o] of byStart) {
    const id = olds[o].track_id;
    oldToNew.get(id)!.push(news[n].track_id);
  }
  const resultNewToOld = new Map([...newToOld].map(([n, o]) => [news[n].track_id, olds[o].track_id]));
  const lost = oldTracks.map((t) => t.track_id).filter((id) => !oldToNew.has(id));
  return { oldToNew, newToOld: resultNewToOld, lost, shared: sharedOf };
}
