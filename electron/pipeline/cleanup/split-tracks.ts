// Cleanup action "split_tracks": a track that holds two people (the tracker followed a box across a face
// swap, a missed cut, two faces crossing) is cut where its face embeddings change.
//
// Change points: bottom-up segmentation of the track's accepted faces in time order. Every face starts
// as its own segment; the most similar pair of neighbouring segments (cosine of their mean directions)
// is merged while that cosine is ≥ splitCosine (by default the clustering threshold: two stretches that
// clustering would not join are two people). Means get cleaner as segments grow, so a blurred face of
// the same person still joins its neighbours, and A-B-A tracks end as three segments (a top-down
// binary split would not see A-B-A: either side of any single cut mixes A and B). A segment needs
// MIN_SEGMENT faces unless an abrupt box jump between consecutive sampled faces sets it apart; at a
// jump the cosine bar is also raised by JUMP_COSINE_BONUS. Hand-written: no maintained JS change-point
// library works on vector series.
//
// With the tracker's jumps (`candidates`: frames where a track's box jumped, track_samples.json `jump`),
// a track is cut only at those frames: the segments start as the stretches between jumps, merge while
// they look like one person, and a stretch needs MIN_SEGMENT faces to stand alone (faces not rejected for
// their pose: motion blur after a pan must not hide a new person). This is how
// the harvest (electron/pipeline/harvest.ts) and cleanup both cut: one face of a person in profile can
// sit at cosine 0.1 to their frontal faces with the default embedder, so change points anywhere along a
// continuous box cut healthy tracks at head turns, while a box that jumps (a pan, a re-found track) is
// where the tracker can have moved to another face. Without candidates (episodes tracked before the
// track stage recorded its jumps), every face may start a segment, as described above.
//
// Output: every split track is replaced (in place, in tracks.jsonl order) by one new track per segment,
// ids continuing after the largest existing track id (the first segment keeps the parent's id with
// `keepFirstId`); faces move to the new ids (rows of faces.jsonl / faces.npy stay where they are);
// crops stay where they are (crop_path is a reference, not an owner).
import { formatTrackId, trackIdNumber, type Face, type Track } from '../../../shared/schema';
import { cosine, norm } from '../../../shared/vec';
import { frameIdxOfRef } from '../../../shared/layout';
import { POSE_REJECTION } from '../quality';

/**
 * The cut bound at the tracker's jumps, as a fraction of the pack's clustering threshold. That threshold
 * is where pooled tracks of two people stop merging (about their 99th percentile); a cut rests on a few
 * faces after a pan and clustering does not undo it, so it asks for a clearly larger distance. On the
 * labeled real clips (default pack, threshold 0.33 → bound 0.21) the two faces after a change of person
 * sit at cosine 0.07 and 0.20 to the stretch before, and every healthy track survives; at 0.5 × the
 * threshold the Ross → Joey pan stays uncut (docs/DECISIONS.md).
 */
export const CUT_BOUND_FRACTION = 0.65;
/**
 * The bar between two jumps, as the same fraction: appearance alone must be more decisive there (a face
 * swapped in place, a missed scene cut). On the labeled real clips no healthy track is cut between jumps
 * even at 1.0 × the threshold (docs/DECISIONS.md).
 */
export const STEADY_CUT_FRACTION = 0.5;

export const MIN_SEGMENT = 2;
export const JUMP_COSINE_BONUS = 0.15;
/** A box jump: centre displacement between consecutive sampled faces > this × the mean box side. */
export const JUMP_RATIO = 1.5;

export interface SplitOptions {
  /** Cosine between segment means below which a cut is two people. */
  splitCosine: number;
  /** Tracks never split (tracks of locked identities). */
  protectedTracks: ReadonlySet<string>;
  /**
   * A reviewer's split instead of change points: track id → first frame of its second part. Only
   * these tracks are cut (each at that frame, every face from it on going to the second part).
   */
  forced?: ReadonlyMap<string, number>;
  /**
   * The tracker's view: track id → frames where its box jumped (jumpFrames). A track is then cut below
   * splitCosine at those frames and only below `steadyCosine` elsewhere.
   */
  candidates?: ReadonlyMap<string, readonly number[]>;
  /** The bar between two jumps (with `candidates`); lower than splitCosine. */
  steadyCosine?: number;
  /** The first segment of a split track keeps the track's id (the pipeline: reviewed identities name it). */
  keepFirstId?: boolean;
}

type Sampled = { track_id: string; frame_idx: number; bbox: readonly number[] };

/**
 * Track id → frames of its samples flagged as jumps (track_samples.json), in the samples' order. With
 * `faces`, each jump goes to the track its face is in now (the harvest or a cleanup may have cut the
 * track it was sampled for since); a jump without a face is left out.
 */
export function jumpFrames(samples: ReadonlyArray<Sampled & { jump?: boolean }>, faces?: readonly Sampled[]): Map<string, number[]> {
  const key = (f: Sampled) => `${f.frame_idx}@${f.bbox.join(',')}`;
  const now = faces && new Map(faces.map((f) => [key(f), f.track_id]));
  const out = new Map<string, number[]>();
  for (const smp of samples) {
    const track = now ? now.get(key(smp)) : smp.track_id;
    if (smp.jump && track) out.set(track, [...(out.get(track) ?? []), smp.frame_idx]);
  }
  return out;
}

export interface TrackSplit {
  from: string;
  /** New track ids, in time order. */
  into: string[];
  /** Frame where each new segment after the first begins. */
  cutFrames: number[];
  /** Cosine between the means of the two sides at each cut. */
  cosines: number[];
}

export interface SplitResult {
  tracks: Track[];
  /** Same rows and order as the input; track_id changed where the track was split. */
  faces: Face[];
  splits: TrackSplit[];
  summary: { tracks_split: number; new_tracks_created: number };
}

type Box = readonly number[];

function boxJump(a: Box, b: Box): boolean {
  const side = ((a[2] - a[0] + a[3] - a[1]) / 2 + (b[2] - b[0] + b[3] - b[1]) / 2) / 2;
  const dx = (a[0] + a[2]) / 2 - (b[0] + b[2]) / 2;
  const dy = (a[1] + a[3]) / 2 - (b[1] + b[3]) / 2;
  return side > 0 && Math.hypot(dx, dy) > JUMP_RATIO * side;
}

/** Cosine of two segments' summed embeddings; an empty segment counts as the same look (no cut). */
const segmentCosine = (a: Float64Array, b: Float64Array) => (norm(a) > 0 && norm(b) > 0 ? cosine(a, b) : 1);

/**
 * Indices (into `vectors`) where a new segment starts, sorted, with the cosine between the means of the
 * two segments at each cut. `vectors[i]` are unit-norm, in time order; `boxes[i]` the matching boxes.
 * `tracker`: the indices where the tracker's box jumped; two neighbouring segments then stay apart
 * below `splitCosine` at a jump and only below `steadyCosine` elsewhere, and a segment shorter than
 * MIN_SEGMENT always joins a neighbour.
 */
export function changePoints(vectors: readonly Float32Array[], boxes: readonly Box[], splitCosine: number, tracker?: { jumps: readonly number[]; steadyCosine: number }): { at: number[]; cosines: number[] } {
  const n = vectors.length;
  const dim = n ? vectors[0].length : 0;
  const jumps = new Set<number>();
  if (!tracker) for (let i = 1; i < n; i++) if (boxJump(boxes[i - 1], boxes[i])) jumps.add(i);
  const trackerJumps = new Set(tracker?.jumps);
  // Segments as [start, end) with the sum of their vectors; start with one face each.
  let segs = vectors.map((v, i) => ({ start: i, end: i + 1, sum: Float64Array.from(v) }));
  const barAt = (start: number) => (tracker ? (trackerJumps.has(start) ? splitCosine : tracker.steadyCosine) : splitCosine + (jumps.has(start) ? JUMP_COSINE_BONUS : 0));
  const merge = (j: number) => {
    const a = segs[j], b = segs[j + 1];
    const sum = new Float64Array(dim);
    for (let k = 0; k < dim; k++) sum[k] = a.sum[k] + b.sum[k];
    segs = [...segs.slice(0, j), { start: a.start, end: b.end, sum }, ...segs.slice(j + 2)];
  };
  // Merge the most similar neighbours while they look like one person.
  for (;;) {
    let best = -1, bestCos = -Infinity;
    for (let j = 0; j + 1 < segs.length; j++) {
      const c = segmentCosine(segs[j].sum, segs[j + 1].sum);
      if (c >= barAt(segs[j + 1].start) && c > bestCos) [best, bestCos] = [j, c];
    }
    if (best < 0) break;
    merge(best);
  }
  // Too-short segments join their more similar neighbour unless a box jump sets them apart; one between
  // two neighbours that look alike is a blip (a blurred or odd face) and joins both.
  const isShort = (s: { start: number; end: number }, idx: number) => s.end - s.start < MIN_SEGMENT && !((idx === 0 || jumps.has(s.start)) && (idx === segs.length - 1 || jumps.has(s.end)));
  for (;;) {
    const blip = segs.findIndex((s, idx) => idx > 0 && idx + 1 < segs.length && isShort(s, idx) && segmentCosine(segs[idx - 1].sum, segs[idx + 1].sum) >= barAt(segs[idx + 1].start));
    if (blip >= 0) {
      merge(blip);
      merge(blip - 1);
      continue;
    }
    const j = segs.findIndex(isShort);
    if (j < 0 || segs.length < 2) break;
    const left = j > 0 ? segmentCosine(segs[j - 1].sum, segs[j].sum) : -Infinity;
    const right = j + 1 < segs.length ? segmentCosine(segs[j].sum, segs[j + 1].sum) : -Infinity;
    merge(left >= right ? j - 1 : j);
  }
  return {
    at: segs.slice(1).map((s) => s.start),
    cosines: segs.slice(1).map((s, j) => segmentCosine(segs[j].sum, s.sum)),
  };
}

/** Indices into `frames` (a track's accepted faces, time order) of the first face at or after each jump frame, inside the track. */
function candidateStarts(jumps: readonly number[] | undefined, frames: readonly number[]): number[] {
  const out = new Set<number>();
  for (const j of jumps ?? []) {
    const k = frames.findIndex((f) => f >= j);
    if (k > 0) out.add(k);
  }
  return [...out].sort((a, b) => a - b);
}

/** Linear time within a track, from its frame_span and start_s/end_s (exact at both ends). */
function timeOf(t: Track, frame: number): number {
  const [f0, f1] = t.frame_span;
  if (f1 === f0) return t.start_s;
  return t.start_s + ((frame - f0) * (t.end_s - t.start_s)) / (f1 - f0);
}

const thumbFrame = frameIdxOfRef;

/** The cut of a reviewer's split: before the first face at or after `frame`, at least one face on each side. */
function forcedCut(trackId: string, frame: number, frames: number[]): { at: number[]; cosines: number[] } {
  const k = frames.findIndex((f) => f >= frame);
  if (k <= 0) throw new Error(`${trackId}: splitting at frame ${frame} must leave a face on each side (faces at frames ${frames.join(', ')})`);
  return { at: [k], cosines: [0] };
}

/**
 * Every face of the track (rejected ones too) to a segment; `bounds` cut `accepted` into segments.
 * With a reviewer's cut (`forcedAt`), a face goes by its frame alone.
 */
function segmentMembers(faces: readonly Face[], members: number[], accepted: number[], bounds: number[], forcedAt: number | undefined): number[][] {
  const segOfAccepted = new Map<number, number>();
  for (let s = 0; s + 1 < bounds.length; s++) for (let j = bounds[s]; j < bounds[s + 1]; j++) segOfAccepted.set(accepted[j], s);
  const segFirst = (s: number) => faces[accepted[bounds[s]]].frame_idx;
  const segLast = (s: number) => faces[accepted[bounds[s + 1] - 1]].frame_idx;
  const nSeg = bounds.length - 1;
  const segments: number[][] = Array.from({ length: nSeg }, () => []);
  for (const i of members) {
    let s = forcedAt === undefined ? segOfAccepted.get(i) : Number(faces[i].frame_idx >= forcedAt);
    if (s === undefined) {
      // A rejected face belongs to the segment whose accepted faces surround it; between two
      // segments, to the nearer one in time (its embedding is the unreliable part).
      const f = faces[i].frame_idx;
      s = 0;
      while (s + 1 < nSeg && f >= segFirst(s + 1)) s++;
      if (s + 1 < nSeg && f > segLast(s) && segFirst(s + 1) - f < f - segLast(s)) s++;
    }
    segments[s].push(i);
  }
  return segments;
}

/** Frame spans: cut halfway between the last face of one segment and the first of the next. */
function segmentSpans(track: Track, segments: number[][], faces: readonly Face[]): Array<[number, number]> {
  const nSeg = segments.length;
  const spans: Array<[number, number]> = [];
  let start = track.frame_span[0];
  for (let s = 0; s < nSeg; s++) {
    const end = s + 1 < nSeg ? Math.floor((Math.max(...segments[s].map((i) => faces[i].frame_idx)) + Math.min(...segments[s + 1].map((i) => faces[i].frame_idx))) / 2) : track.frame_span[1];
    spans.push([start, end]);
    start = end + 1;
  }
  return spans;
}

/** Frames a..b of `track` as track `id` with `detections` of its detections; times are the parent's at its ends. */
function childTrack(track: Track, id: string, a: number, b: number, first: boolean, last: boolean, detections: number): Track {
  return {
    ...track,
    track_id: id,
    start_s: first ? track.start_s : timeOf(track, a),
    end_s: last ? track.end_s : timeOf(track, b),
    frame_span: [a, b],
    sample_thumbs: track.sample_thumbs.filter((ref) => {
      const f = thumbFrame(ref);
      return f !== null && f >= a && f <= b;
    }),
    stats: { detections, avg_conf: track.stats.avg_conf },
  };
}

/**
 * Finds and applies the splits. `rows` is faces.npy (row i ↔ faces[i]), `dim` its width.
 */
export function splitTracks(tracks: readonly Track[], faces: readonly Face[], rows: Float32Array, dim: number, opts: SplitOptions): SplitResult {
  const facesOf = new Map<string, number[]>();
  faces.forEach((f, i) => {
    let l = facesOf.get(f.track_id);
    if (!l) facesOf.set(f.track_id, (l = []));
    l.push(i);
  });
  let nextId = tracks.reduce((m, t) => Math.max(m, trackIdNumber(t.track_id)), 0) + 1;
  const row = (i: number) => rows.subarray(i * dim, (i + 1) * dim);
  const outTracks: Track[] = [];
  const outFaces = faces.map((f) => ({ ...f }));
  const splits: TrackSplit[] = [];

  for (const track of tracks) {
    const members = (facesOf.get(track.track_id) ?? []).slice().sort((a, b) => faces[a].frame_idx - faces[b].frame_idx || a - b);
    const forcedAt = opts.forced?.get(track.track_id);
    // A reviewer's cut judges every face (they saw them all); change points only the accepted ones, or
    // at the tracker's jumps every face not rejected for its pose (faces after a pan are often blurred).
    const counts = (f: Face) => (forcedAt !== undefined ? true : opts.candidates ? f.rejection_reason !== POSE_REJECTION : !f.rejection_reason);
    const accepted = members.filter((i) => counts(faces[i]));
    if (opts.forced ? forcedAt === undefined : opts.protectedTracks.has(track.track_id) || accepted.length < 2) {
      outTracks.push(track);
      continue;
    }
    const tracker = opts.candidates && { jumps: candidateStarts(opts.candidates.get(track.track_id), accepted.map((i) => faces[i].frame_idx)), steadyCosine: opts.steadyCosine ?? -1 };
    const cp = forcedAt === undefined ? changePoints(accepted.map(row), accepted.map((i) => faces[i].bbox), opts.splitCosine, tracker) : forcedCut(track.track_id, forcedAt, accepted.map((i) => faces[i].frame_idx));
    if (cp.at.length === 0) {
      outTracks.push(track);
      continue;
    }
    // Segments of accepted faces, then every face (rejected ones too) to a segment.
    const segments = segmentMembers(faces, members, accepted, [0, ...cp.at, accepted.length], forcedAt);
    const spans = segmentSpans(track, segments, faces);
    const nSeg = segments.length;
    const totalFrames = track.frame_span[1] - track.frame_span[0] + 1;
    let detLeft = track.stats.detections;
    const into: string[] = [];
    spans.forEach(([a, b], s) => {
      const id = s === 0 && opts.keepFirstId ? track.track_id : formatTrackId(nextId++);
      into.push(id);
      // The tracker's per-detection list is not kept, so detections are shared out by span length
      // (each ≥ 1, summing to the original) and avg_conf is the parent's.
      const remainingSegs = nSeg - s - 1;
      const share = Math.max(1, s === nSeg - 1 ? detLeft : Math.min(detLeft - remainingSegs, Math.round((track.stats.detections * (b - a + 1)) / totalFrames)));
      detLeft -= share;
      outTracks.push(childTrack(track, id, a, b, s === 0, s === nSeg - 1, share));
      for (const i of segments[s]) outFaces[i].track_id = id;
    });
    splits.push({ from: track.track_id, into, cutFrames: spans.slice(1).map(([a]) => a), cosines: cp.cosines });
  }
  const created = splits.reduce((n, s) => n + s.into.length, 0);
  return { tracks: outTracks, faces: outFaces, splits, summary: { tracks_split: splits.length, new_tracks_created: created } };
}
