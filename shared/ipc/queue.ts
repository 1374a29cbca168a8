// Queue channels: the episode queue (BullMQ on Redis; the worker farm is electron/queue/). A workspace
// "names a queue" when its queue settings file exists (written by `screenalytics queue add`); without
// one, queue:status answers configured=false and the Episodes view shows nothing more than today.
import { z } from 'zod';
import { epIdSchema, nonNegInt } from '../schema/common';
import type { ContractTable } from './core';

export const queueJobStateSchema = z.enum(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children', 'unknown']);

/** One episode's job as `screenalytics queue status` and the Episodes view show it. */
export const queueJobRowSchema = z.strictObject({
  ep_id: epIdSchema,
  state: queueJobStateSchema,
  /** Worker name (host:pid) that runs or ran it; null while queued. */
  worker: z.string().nullable(),
  /** Device that worker runs models on, and whether the job asked for a GPU worker. */
  device: z.string().nullable(),
  gpu: z.boolean(),
  stage: z.string().nullable(),
  /** Whole-episode progress in [0, 100] (stage weights, see electron/queue/jobs.ts). */
  percent: z.number().min(0).max(100),
  /** Seconds left for the episode; null when unknown. */
  eta: z.number().nullable(),
  error: z.string().nullable(),
  attempts: nonNegInt,
  video: z.string(),
});
export type QueueJobRow = z.infer<typeof queueJobRowSchema>;

export const queueContract = {
  queueStatus: {
    channel: 'queue:status',
    request: z.strictObject({}),
    response: z.strictObject({
      configured: z.boolean(),
      queue: z.string().nullable(),
      /** Set when the queue is configured but Redis cannot be reached. */
      error: z.string().nullable(),
      jobs: z.array(queueJobRowSchema),
    }),
  },
  queueAdd: {
    channel: 'queue:add',
    request: z.strictObject({
      /** Absolute paths of videos as the workers see them (the shared mount). */
      videos: z.array(z.string().min(1)).min(1),
      show: z.string().min(1).optional(),
      season: nonNegInt.optional(),
      ep_id: epIdSchema.optional(),
      gpu: z.boolean().default(false),
      force: z.boolean().default(false),
    }),
    response: z.strictObject({
      added: z.array(epIdSchema),
      /** Already queued, running or done (re-add with force to run again). */
      skipped: z.array(z.strictObject({ ep_id: epIdSchema, state: queueJobStateSchema })),
    }),
  },
  queueRetry: {
    channel: 'queue:retry',
    request: z.strictObject({ ep_id: epIdSchema }),
    response: z.strictObject({ ep_id: epIdSchema, state: queueJobStateSchema }),
  },
} as const satisfies ContractTable;
