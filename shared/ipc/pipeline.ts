// Pipeline channels: start a run on a video, cancel it, delete a half-made episode; its progress
// arrives as pipeline:progress.
import { z } from 'zod';
import { epIdSchema, nonNegInt } from '../schema/common';
import type { ContractTable } from './core';
import { settingsPatchSchema } from './workspace';

/**
 * The stages a pipeline run reports, in the order it runs them (electron/pipeline/orchestrator.ts:
 * detect covers decoding and scene cuts, streamed). A resumed run skips completed stages silently, so
 * every stage before the one reporting is done.
 */
export const PIPELINE_STAGES = ['detect', 'track', 'harvest', 'pool', 'cluster'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

export const pipelineProgressSchema = z.strictObject({
  run_id: z.string(),
  ep_id: epIdSchema,
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  stage: z.string(),
  done: nonNegInt,
  total: nonNegInt,
  /** Items per second, and seconds left (null when unknown). */
  rate: z.number().nullable(),
  eta: z.number().nullable(),
  /** Seconds left for the whole run (this stage and the ones after it); null until measurable. */
  run_eta: z.number().nullable().optional(),
  /** Share of the whole run done, 0–1 (stages weighted by their measured cost). */
  run_fraction: z.number().min(0).max(1).optional(),
  message: z.string().optional(),
});
export type PipelineProgress = z.infer<typeof pipelineProgressSchema>;

export const pipelineContract = {
  startPipeline: {
    channel: 'pipeline:start',
    request: z.strictObject({
      ep_id: epIdSchema,
      /** Absolute path of the video (the user picked it; the service checks it exists). */
      video_path: z.string().min(1),
      /** Overrides of the saved settings for this run. */
      settings: settingsPatchSchema.optional(),
      /**
       * 'new': refuse an ep_id that already has an episode; 'rerun': the episode may exist, the run
       * resumes from its completed stages. Absent: either. A refusal names the field it is about in
       * `reason` ('video_path' | 'ep_id'), so the run dialog can show it next to that field.
       */
      mode: z.enum(['new', 'rerun']).optional(),
    }),
    response: z.strictObject({ run_id: z.string() }),
  },
  cancelPipeline: { channel: 'pipeline:cancel', request: z.strictObject({ run_id: z.string() }), response: z.strictObject({ cancelled: z.boolean() }) },
  /**
   * Removes every folder of an episode (manifests, embeddings, crops, thumbnails, frames). An episode
   * with reviewer edits (journal entries, reviewer constraints, locked or labeled identities) is
   * refused ('conflict', reason 'has_edits') unless `force`; one being run is refused (reason 'running').
   */
  deleteEpisode: {
    channel: 'episode:delete',
    request: z.strictObject({ ep_id: epIdSchema, force: z.boolean().optional() }),
    response: z.strictObject({ deleted: z.literal(true), had_edits: z.boolean() }),
  },
} as const satisfies ContractTable;
