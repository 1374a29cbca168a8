import { z } from 'zod';
import { epIdSchema, finite, isoTimestamp, nonNegInt, unit } from './common';

const snapshot = z.strictObject({
  num_tracks: nonNegInt,
  num_faces: nonNegInt,
  num_clusters: nonNegInt,
  singleton_fraction: unit,
});

/** The cleanup actions, in the order a cleanup runs them. */
export const CLEANUP_ACTIONS = ['split_tracks', 'reembed', 'recluster'] as const;
export const cleanupActionSchema = z.enum(CLEANUP_ACTIONS);
export type CleanupAction = (typeof CLEANUP_ACTIONS)[number];
/** The steps a cleanup reports progress on: reading, each action, then backup, write-back and validation. */
export const CLEANUP_STEPS = ['read', ...CLEANUP_ACTIONS, 'backup', 'write', 'validate'] as const;
/** What Clean up runs unless asked otherwise. reembed is opt-in: its stricter quality gate and in-track
 *  outlier rejections cost identity accuracy on labeled video (docs/DECISIONS.md, "Cleanup defaults"). */
export const DEFAULT_CLEANUP_ACTIONS: CleanupAction[] = ['split_tracks', 'recluster'];

/** cleanup_report.json — spec §8. */
export const cleanupReportSchema = z.strictObject({
  ep_id: epIdSchema,
  actions_run: z
    .array(cleanupActionSchema)
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
