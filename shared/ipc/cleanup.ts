// Cleanup channels. The service side is electron/service/review-cleanup.ts (the cleanup runs in a
// worker thread, electron/pipeline/cleanup/worker.ts). A cleanup is also one step of the review
// undo/redo ('review:undo' / 'review:redo' restore its backup / its post-cleanup snapshot).
import { z } from 'zod';
import { CLEANUP_STEPS, cleanupActionSchema, cleanupReportSchema, DEFAULT_CLEANUP_ACTIONS } from '../schema/cleanup';
import { epIdSchema, identityIdSchema, nonNegInt, trackIdSchema } from '../schema/common';
import type { ContractTable } from './core';


/**
 * What a cleanup does to one identity of the current document (listed only when it changes): where
 * most of its tracks end up, the tracks that identity gains from elsewhere and the ones it loses
 * (a track split by the cleanup counts by its halves), and whether the name stays on it.
 */
export const identityChangeSchema = z.strictObject({
  identity_id: identityIdSchema,
  name: z.string().nullable(),
  locked: z.boolean(),
  tracks_before: nonNegInt,
  /** The identity after the cleanup that holds most of its tracks (null: none left). */
  becomes: identityIdSchema.nullable(),
  tracks_after: nonNegInt,
  gained: z.array(trackIdSchema),
  lost: z.array(trackIdSchema),
  /** null when it had no name. */
  label_kept: z.boolean().nullable(),
});
export type IdentityChange = z.infer<typeof identityChangeSchema>;

export const cleanupRunResponseSchema = z.strictObject({
  ep_id: epIdSchema,
  dry_run: z.boolean(),
  report: cleanupReportSchema,
  /** Each split track and the tracks it became (time order). */
  splits: z.array(z.strictObject({ from: trackIdSchema, into: z.array(trackIdSchema) })),
  faces_rejected: z.array(z.string()),
  /** Per identity, what changes (the preview lists them before Apply). */
  changes: z.array(identityChangeSchema),
  /** Workspace-relative backup folder; null for a dry run. */
  backup: z.string().nullable(),
});
export type CleanupRunResponse = z.infer<typeof cleanupRunResponseSchema>;

export const cleanupContract = {
  runCleanup: {
    channel: 'cleanup:run',
    request: z.strictObject({
      ep_id: epIdSchema,
      actions: z.array(cleanupActionSchema).min(1).default(DEFAULT_CLEANUP_ACTIONS),
      dry_run: z.boolean().default(false),
    }),
    response: cleanupRunResponseSchema,
  },
  undoCleanup: {
    channel: 'cleanup:undo',
    request: z.strictObject({ ep_id: epIdSchema, force: z.boolean().default(false) }),
    response: z.strictObject({ ep_id: epIdSchema, backup: z.string(), restored: nonNegInt, removed: z.array(z.string()) }),
  },
  /** Cancels the episode's running cleanup (it runs in a worker thread); the episode is left as it was. */
  cancelCleanup: {
    channel: 'cleanup:cancel',
    request: z.strictObject({ ep_id: epIdSchema }),
    response: z.strictObject({ cancelled: z.boolean() }),
  },
} as const satisfies ContractTable;

/** Main → renderer: where a running cleanup is (steps in order: read, split_tracks, reembed, recluster, backup, write, validate). */
export const cleanupProgressSchema = z.strictObject({
  ep_id: epIdSchema,
  step: z.enum(CLEANUP_STEPS),
  done: nonNegInt,
  total: nonNegInt,
});
