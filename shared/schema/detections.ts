import { z } from 'zod';
import { bboxSchema, epIdSchema, finite, landmarksSchema, nonNegInt, unit } from './common';

/** detections.jsonl (det_v1) — spec §2. One object per line. */
export const detectionSchema = z.strictObject({
  ep_id: epIdSchema,
  frame_idx: nonNegInt,
  ts_s: finite.refine((v) => v >= 0, { message: 'must be ≥ 0' }),
  bbox: bboxSchema,
  landmarks: landmarksSchema,
  conf: unit,
  model_id: z.string().min(1),
  schema_version: z.literal('det_v1'),
});
export type Detection = z.infer<typeof detectionSchema>;
