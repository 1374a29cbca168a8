import { z } from 'zod';
import { epIdSchema, finite, isoTimestamp, nonNegInt, unit } from './common';

const snapshot = z.strictObject({
  num_tracks: nonNegInt,
  num_faces: nonNegInt,
  num_clusters: nonNegInt,
  singleton_fraction: unit,
});

/** cleanup_report.json — spec §8. */
export const cleanupReportSchema = z.strictObject({
  ep_id: epIdSchema,
  actions_run: z
    .array(z.enum(['split_tracks', 'reembed', 'recluster']))
    .min(1, 'a cleanup runs at least one action')
    .refine((a) => new Set(a).size === a.length, { message: 'an action is listed twice' }),
  before: snapshot,
  after: snapshot,
  split_tracks_summary: z
    .strictObject({ tracks_split: nonNegInt, new_tracks_created: nonNegInt })
    .refine((s) => s.new_tracks_created >= 2 * s.tracks_split, { message: 'each split track becomes at least two new tracks', path: ['new_tracks_created'] }),
  reembed_summary: z.strictObject({
    faces_rejected: nonNegInt,
    mean_quality_before: unit,
    mean_quality_after: unit,
  }),
  recluster_summary: z.strictObject({ clusters_merged: nonNegInt }),
  elapsed_sec: finite.refine((v) => v >= 0, { message: 'must be ≥ 0' }),
  created_at: isoTimestamp,
});
export type CleanupReport = z.infer<typeof cleanupReportSchema>;
