// Same camera setup, same place: a sitcom films a scene from a few fixed setups and cuts back and
// forth between them, and people stay in their seats — so a face in shot A and a face in shot B of the
// same setup, at the same place and size in the frame, are almost always one person, however turned
// or dark (where the embedder cannot tell). Shots are compared by their mean picture (a 32×18 RGB
// thumbnail averaged over the shot's analysed frames); within a pair of shots alike enough, each face
// track is linked to its nearest counterpart, both ways. The cluster plan then joins the identities a
// link connects, unless their tracks share a frame or a reviewer has said they are different people.
// Measured on the labeled clips: docs/DECISIONS.md "Same setup, same place".

/** Side of the shot thumbnail: 32 × 18 cells, RGB, 0…255 (the mean picture of the shot). */
export const SHOT_THUMB_W = 32;
export const SHOT_THUMB_H = 18;

export const SETUP_LINK = {
  /** Shots of one setup: mean absolute difference of their thumbnails' values below this (0…255). */
  maxBackground: 16,
  /** The two faces' mean box centres at most this far apart, in frame widths / heights. */
  maxCentre: 0.1,
  /** Their mean box heights at most this ratio apart. */
  maxSizeRatio: 1.5,
} as const;

export interface ShotThumb {
  /** First analysed frame of the shot. */
  start_frame: number;
  /** SHOT_THUMB_W × SHOT_THUMB_H × 3 values, row-major RGB. */
  thumb: Uint8Array;
}

export interface TrackPlace {
  track_id: string;
  /** First frame of the track (its shot). */
  start_frame: number;
  /** Mean box centre (normalised) and mean box height (normalised) of its faces. */
  cx: number;
  cy: number;
  h: number;
}

/** Mean absolute difference of two thumbnails. */
export function thumbDistance(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`thumbDistance: ${a.length} vs ${b.length} values`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

/** Index of the shot a frame is in (shots sorted by start_frame; frames before the first are in it). */
function shotIndex(shots: readonly ShotThumb[], frame: number): number {
  let lo = 0, hi = shots.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (shots[mid].start_frame <= frame) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Track pairs (different shots of one setup, same place and size), each pair once. */
export function setupLinks(shots: readonly ShotThumb[], places: readonly TrackPlace[], opts: { maxBackground?: number; maxCentre?: number; maxSizeRatio?: number } = {}): [string, string][] {
  const maxBg = opts.maxBackground ?? SETUP_LINK.maxBackground;
  const maxC = opts.maxCentre ?? SETUP_LINK.maxCentre;
  const maxR = opts.maxSizeRatio ?? SETUP_LINK.maxSizeRatio;
  if (shots.length < 2) return [];
  const byShot = new Map<number, TrackPlace[]>();
  for (const p of places) {
    const s = shotIndex(shots, p.start_frame);
    (byShot.get(s) ?? byShot.set(s, []).get(s)!).push(p);
  }
  const dist = (a: TrackPlace, b: TrackPlace) => Math.hypot(a.cx - b.cx, a.cy - b.cy);
  const fits = (a: TrackPlace, b: TrackPlace) => dist(a, b) < maxC && Math.max(a.h, b.h) / Math.max(1e-9, Math.min(a.h, b.h)) < maxR;
  const nearest = (a: TrackPlace, among: readonly TrackPlace[]) => {
    let best: TrackPlace | undefined;
    for (const b of among) if (fits(a, b) && (!best || dist(a, b) < dist(a, best))) best = b;
    return best;
  };
  const withTracks = [...byShot.keys()].sort((x, y) => x - y);
  const links: [string, string][] = [];
  for (let i = 0; i < withTracks.length; i++) {
    for (let j = i + 1; j < withTracks.length; j++) {
      const [s1, s2] = [withTracks[i], withTracks[j]];
      if (thumbDistance(shots[s1].thumb, shots[s2].thumb) >= maxBg) continue;
      const A = byShot.get(s1)!, B = byShot.get(s2)!;
      for (const a of A) {
        const b = nearest(a, B);
        if (b && nearest(b, A) === a) links.push([a.track_id, b.track_id]);
      }
    }
  }
  return links;
}

/** Where each track's faces sit: mean box centre and height over its faces (normalised boxes). */
export function trackPlaces(tracks: ReadonlyArray<{ track_id: string; frame_span: readonly [number, number] | readonly number[] }>, faces: ReadonlyArray<{ track_id: string; bbox: readonly number[] }>): TrackPlace[] {
  const acc = new Map<string, { cx: number; cy: number; h: number; n: number }>();
  for (const f of faces) {
    const a = acc.get(f.track_id) ?? { cx: 0, cy: 0, h: 0, n: 0 };
    a.cx += (f.bbox[0] + f.bbox[2]) / 2;
    a.cy += (f.bbox[1] + f.bbox[3]) / 2;
    a.h += f.bbox[3] - f.bbox[1];
    a.n++;
    acc.set(f.track_id, a);
  }
  const out: TrackPlace[] = [];
  for (const t of tracks) {
    const a = acc.get(t.track_id);
    if (a) out.push({ track_id: t.track_id, start_frame: t.frame_span[0], cx: a.cx / a.n, cy: a.cy / a.n, h: a.h / a.n });
  }
  return out;
}

/**
 * Which groups (of tracks) the links join: a partition of the group indices, and the links whose join
 * was refused. Links are taken in order; one joins the two groups its tracks are in unless `canJoin`
 * refuses the two (current, already joined) sets of groups. Links naming a track in no group are skipped.
 */
export function joinByLinks(groupCount: number, groupOfTrack: ReadonlyMap<string, number>, links: ReadonlyArray<readonly [string, string]>, canJoin: (a: readonly number[], b: readonly number[]) => boolean): { parts: number[][]; refused: Array<readonly [string, string]> } {
  const members = Array.from({ length: groupCount }, (_, i) => [i]);
  const root = Int32Array.from({ length: groupCount }, (_, i) => i);
  const find = (i: number): number => (root[i] === i ? i : (root[i] = find(root[i])));
  const refused: Array<readonly [string, string]> = [];
  for (const link of links) {
    const gx = groupOfTrack.get(link[0]), gy = groupOfTrack.get(link[1]);
    if (gx === undefined || gy === undefined) continue;
    const rx = find(gx), ry = find(gy);
    if (rx === ry) continue;
    if (!canJoin(members[rx], members[ry])) {
      refused.push(link);
      continue;
    }
    const [keep, gone] = rx < ry ? [rx, ry] : [ry, rx];
    root[gone] = keep;
    members[keep] = [...members[keep], ...members[gone]];
    members[gone] = [];
  }
  return { parts: members.filter((m, i) => m.length && find(i) === i), refused };
}
