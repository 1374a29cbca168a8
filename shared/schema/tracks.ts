import { z } from 'zod';
import { epIdSchema, finite, manifestRefSchema, nonNegInt, trackIdSchema, unit } from './common';

/** tracks.jsonl (track_v1) — spec §3. */
export const trackSchema = z
  .strictObject({
    track_id: trackIdSchema,
    ep_id: epIdSchema,
    start_s: finite.refine((v) => v >= 0, { message: 'must be ≥ 0' }),
    end_s: finite,
    frame_span: z.tuple([nonNegInt, nonNegInt]),
    /** Manifest-relative crop references (see shared/episode.ts); empty when crops are not saved. */
    sample_thumbs: z.array(manifestRefSchema).default([]),
    stats: z.strictObject({
      detections: z.number().int().min(1, 'stats.detections must be ≥ 1'),
      avg_conf: unit,
    }),
    schema_version: z.literal('track_v1'),
  })
  .refine((t) => t.start_s <= t.end_s, { message: 'start_s must be ≤ end_s', path: ['end_s'] })
  .refine((t) => t.frame_span[0] <= t.frame_span[1], {
    message: 'frame_span[0] must be ≤ frame_span[1]',
    path: ['frame_span'],
  });
export type Track = z.infer<typeof trackSchema>;

/** track_metrics.json — spec §4. */
export const trackMetricsSchema = z.strictObject({
  ep_id: epIdSchema,
  tracks_born: nonNegInt,
  tracks_lost: nonNegInt,
  /**
   * Changes of person inside the tracker's tracks, each found and cut by the harvest (the stretches of
   * ≥ 2 faces either side below the same-person bar; definition: electron/pipeline/track-cuts.ts).
   */
  id_switches: nonNegInt,
  longest_tracks: z.array(z.strictObject({ track_id: trackIdSchema, length: nonNegInt })).max(5),
  avg_tracks_per_frame: finite.refine((v) => v >= 0, { message: 'must be ≥ 0' }),
  tracks_per_minute: finite.refine((v) => v >= 0, { message: 'must be ≥ 0' }),
  short_track_fraction: unit,
  total_frames: nonNegInt,
  analyzed_fps: finite.refine((v) => v >= 0, { message: 'must be ≥ 0' }),
  elapsed_sec: finite.refine((v) => v >= 0, { message: 'must be ≥ 0' }),
  device: z.string().min(1),
  detector: z.string().min(1),
  tracker: z.string().min(1),
  scene_cuts: nonNegInt,
});
export type TrackMetrics = z.infer<typeof trackMetricsSchema>;
