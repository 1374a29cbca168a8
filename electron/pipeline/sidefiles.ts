// Side files of the pipeline (the spec fixes the manifests; anything else a later stage or a resumed
// run needs lives here, beside them in data/manifests/{ep_id}/):
//
// detect_meta.json — written by the detect stage with detections.jsonl:
//   video {path, width, height, duration_sec, fps}, analysed frames as [frame_idx, ts_s] pairs (the
//   tracker must step on frames without detections too), scene_cuts [{frame_idx, ts_s, score, ratio}],
//   detector model id/family, device, and wall-clock seconds of the stage. Read on every frame and
//   video request of the review app, so it stays small.
// shot_thumbs.json — written by the detect stage before detect_meta.json: each shot's first analysed
//   frame and mean picture, for the same-setup links (shot-thumbs.ts); only the cluster stage and
//   cleanup's re-cluster read it. Episodes analysed before it have none (then no links).
// track_samples.json — written by the track stage with tracks.jsonl: the tracks as the tracker made
//   them, the faces chosen for harvest (per track, spacing + cap applied, plus the faces after each box
//   jump) and the tracker half of track_metrics.json. The harvest reads its tracks, not tracks.jsonl,
//   which it rewrites when it cuts a track at a change of person.
// track_remap.json — written by the track stage when it replaces the tracks of an episode whose
//   identities.json has locked or labeled identities: their old track ids → the matching new ones,
//   and the tracks left without a match (schema and rules: remap.ts).
// review_constraints.json — the reviewer's must-link / cannot-link / excluded facts about tracks
//   (schema and rules: shared/schema/constraints.ts), kept by every recomputation.
// run_state.json — the orchestrator's resume record, one entry per finished stage:
//   {stage: {fingerprint, settings, inputs: {path: hash}, finished_at, elapsed_sec}}. `fingerprint`
//   is sha256 over the stage name, the settings that stage reads and the input hashes; a stage whose
//   fingerprint matches and whose outputs exist and validate is skipped.
import { z } from 'zod';
import { episodePaths } from '../../shared/layout';
import { trackSchema } from '../../shared/schema/tracks';
import { bboxSchema, finite, landmarksSchema, nonNegInt, trackIdSchema, unit } from '../../shared/schema/common';

export const sidePaths = (epId: string) => {
  const p = episodePaths(epId);
  return { detectMeta: p.detectMeta, shotThumbs: p.shotThumbs, trackSamples: p.trackSamples, runState: p.runState };
};

export const sceneCutSchema = z.strictObject({
  frame_idx: nonNegInt,
  ts_s: finite,
  score: finite,
  ratio: finite,
});

export const detectMetaSchema = z.strictObject({
  ep_id: z.string(),
  video: z.strictObject({
    path: z.string(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    duration_sec: finite,
    fps: finite,
  }),
  stride: z.number().int().min(1),
  frames: z.array(z.tuple([nonNegInt, finite])),
  /** Analysed frames of static shots the detector skipped (settings.staticShotMotion); not in `frames`. */
  static_skipped: nonNegInt.optional(),
  scene_cuts: z.array(sceneCutSchema),
  model_id: z.string().min(1),
  detector: z.string().min(1),
  device: z.string().min(1),
  detections: nonNegInt,
  decode_detect_sec: finite,
});
export type DetectMeta = z.infer<typeof detectMetaSchema>;

/** shot_thumbs.json: each shot's first analysed frame and mean picture (shot-thumbs.ts; base64 of 32×18 RGB). */
export const shotThumbsSchema = z.strictObject({
  ep_id: z.string(),
  shots: z.array(z.strictObject({ start_frame: nonNegInt, thumb: z.string().min(1) })),
});
export type ShotThumbsDoc = z.infer<typeof shotThumbsSchema>;

/** Every analysed frame: the detected ones (`frames`) and the static ones the detector skipped. */
export const analysedFrames = (meta: DetectMeta): number => meta.frames.length + (meta.static_skipped ?? 0);

export const sampleSchema = z.strictObject({
  track_id: trackIdSchema,
  frame_idx: nonNegInt,
  ts_s: finite,
  bbox: bboxSchema,
  landmarks: landmarksSchema,
  conf: unit,
  /** The track's box jumped to this face (track.ts jumpStarts): the harvest may cut the track here. */
  jump: z.literal(true).optional(),
  /** Sampled only for the appearance check after a jump: the harvest keeps its face only in a track it cuts. */
  probe: z.literal(true).optional(),
});
export type Sample = z.infer<typeof sampleSchema>;

export const trackerMetricsSchema = z.strictObject({
  tracks_born: nonNegInt,
  tracks_lost: nonNegInt,
  longest_tracks: z.array(z.strictObject({ track_id: trackIdSchema, length: nonNegInt })).max(5),
  avg_tracks_per_frame: finite,
  tracks_per_minute: finite,
  short_track_fraction: unit,
  total_frames: nonNegInt,
  scene_cuts: nonNegInt,
  track_sec: finite,
});
export type TrackerMetrics = z.infer<typeof trackerMetricsSchema>;

export const trackSamplesSchema = z.strictObject({
  ep_id: z.string(),
  /** The tracks as the tracker made them, before the harvest cut any (absent in files of older runs: tracks.jsonl then). */
  tracks: z.array(trackSchema).optional(),
  samples: z.array(sampleSchema),
  metrics: trackerMetricsSchema,
});
export type TrackSamples = z.infer<typeof trackSamplesSchema>;

export const stageRecordSchema = z.strictObject({
  fingerprint: z.string(),
  settings: z.record(z.string(), z.unknown()),
  inputs: z.record(z.string(), z.string()),
  finished_at: z.string(),
  elapsed_sec: finite,
});
export type StageRecord = z.infer<typeof stageRecordSchema>;

export const runStateSchema = z.strictObject({
  ep_id: z.string(),
  stages: z.record(z.string(), stageRecordSchema),
});
export type RunState = z.infer<typeof runStateSchema>;
