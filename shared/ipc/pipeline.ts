// Pipeline channels: start a run on a video, cancel it; its progress arrives as pipeline:progress.
import { z } from 'zod';
import { epIdSchema, nonNegInt } from '../schema/common';
import type { ContractTable } from './core';
import { settingsPatchSchema } from './workspace';

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
    }),
    response: z.strictObject({ run_id: z.string() }),
  },
  cancelPipeline: { channel: 'pipeline:cancel', request: z.strictObject({ run_id: z.string() }), response: z.strictObject({ cancelled: z.boolean() }) },
} as const satisfies ContractTable;
