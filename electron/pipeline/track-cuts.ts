// The harvest's appearance check: a track whose faces change person where its box jumped (a camera pan,
// a lost track found again on someone else) is cut there, so no track leaves the pipeline carrying two
// people. The cutting rule is cleanup's split_tracks restricted to the tracker's jumps (one home:
// cleanup/split-tracks.ts); the bound is a fixed fraction of the pack's calibrated clustering threshold,
// so it follows whichever embedder the pack has.
//
// The faces sampled only for this check (track_samples.json `probe`) stay in faces.jsonl only in the
// parts cut off a track (they are the evidence, and a short new part may have no other face): every
// track the tracker made, or its first part, is pooled from exactly the faces it had without the check.
import type { Face } from '../../shared/schema/faces';
import type { Track } from '../../shared/schema/tracks';
import { formatFaceId } from '../../shared/schema/common';
import { CUT_BOUND_FRACTION, STEADY_CUT_FRACTION, splitTracks, type TrackSplit } from './cleanup/split-tracks';
import type { TrackerMetrics } from './sidefiles';
import { longestTracks, SHORT_TRACK_SEC } from './track';


export interface CutInput {
  /** The tracks as the tracker made them. */
  tracks: readonly Track[];
  /** Every harvested face, sorted by track then frame; embeddings[i] and probe[i] belong to faces[i]. */
  faces: readonly Face[];
  embeddings: readonly Float32Array[];
  probe: readonly boolean[];
  /** Track id → frames where its box jumped. */
  jumps: ReadonlyMap<string, readonly number[]>;
  /** The pack's calibrated clustering threshold. */
  clusterThresh: number;
}

export interface TrackCuts {
  tracks: Track[];
  /** The faces kept, with their final track ids, sorted by track then frame, face_ids renumbered in that order. */
  faces: Face[];
  /** faces[i] was input face order[i] (so embeddings and crops follow). */
  order: number[];
  /** Input faces left out: probes outside the parts cut off a track. */
  dropped: number[];
  splits: TrackSplit[];
}

/**
 * Cuts the tracks where their faces change person at a jump: cosine between the mean embeddings of the
 * stretches on either side below CUT_BOUND_FRACTION × clusterThresh, each stretch holding at least two
 * faces not rejected for pose (one blurred face does not cut a track). The first part keeps the track's
 * id; later parts take ids after the largest. sample_thumbs follow the faces kept.
 */
export function cutAtPersonChanges(input: CutInput): TrackCuts {
  const { faces, embeddings } = input;
  const dim = embeddings[0]?.length ?? 0;
  const rows = new Float32Array(faces.length * dim);
  embeddings.forEach((e, i) => rows.set(e, i * dim));
  const bound = CUT_BOUND_FRACTION * input.clusterThresh;
  const r = splitTracks(input.tracks, faces, rows, dim, { splitCosine: bound, steadyCosine: STEADY_CUT_FRACTION * input.clusterThresh, protectedTracks: new Set(), candidates: input.jumps, keepFirstId: true });
  // A probe stays only in a part cut off a track (a new id): the evidence of the new person, and
  // often its only faces. Every track as the tracker made it keeps exactly its spaced faces.
  const before = new Set(input.tracks.map((t) => t.track_id));
  const keep = (i: number) => !input.probe[i] || !before.has(r.faces[i].track_id);
  const order = r.faces.flatMap((_, i) => (keep(i) ? [i] : [])).sort((a, b) => {
    const fa = r.faces[a], fb = r.faces[b];
    return fa.track_id < fb.track_id ? -1 : fa.track_id > fb.track_id ? 1 : fa.frame_idx - fb.frame_idx;
  });
  const kept = order.map((i, k) => ({ ...r.faces[i], face_id: formatFaceId(k + 1) }));
  const thumbs = new Map<string, string[]>();
  for (const f of kept) if (f.crop_path) thumbs.set(f.track_id, [...(thumbs.get(f.track_id) ?? []), f.crop_path]);
  const tracks = r.tracks.map((t) => (t.sample_thumbs.length || thumbs.has(t.track_id) ? { ...t, sample_thumbs: thumbs.get(t.track_id) ?? [] } : t));
  return { tracks, faces: kept, order, dropped: faces.flatMap((_, i) => (keep(i) ? [] : [i])), splits: r.splits };
}


/** Person changes cut inside tracks (each split of a track into n parts is n − 1 of them). */
export const cutCount = (splits: readonly TrackSplit[]) => splits.reduce((n, s) => n + s.into.length - 1, 0);

/** The tracker's metrics over the cut tracks: each cut ends one track and starts another. */
export function metricsAfterCuts<M extends Omit<TrackerMetrics, 'track_sec'>>(m: M, tracks: readonly Track[], splits: readonly TrackSplit[], durationSec: number): M {
  if (!splits.length) return m;
  const short = tracks.filter((t) => t.end_s - t.start_s < SHORT_TRACK_SEC).length;
  return {
    ...m,
    tracks_born: tracks.length,
    tracks_lost: m.tracks_lost + cutCount(splits),
    longest_tracks: longestTracks(tracks),
    tracks_per_minute: durationSec > 0 ? tracks.length / (durationSec / 60) : 0,
    short_track_fraction: tracks.length ? short / tracks.length : 0,
  };
}
