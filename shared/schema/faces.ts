import { z } from 'zod';
import {
  EMBEDDING_NORM_TOLERANCE,
  bboxSchema,
  faceIdSchema,
  finite,
  l2norm,
  landmarksSchema,
  nonNegInt,
  trackIdSchema,
  unit,
} from './common';

/** Default embedding dimension (ArcFace-style packs). Readers check against the pack's dim from embeddings_meta.json. */
export const DEFAULT_EMBEDDING_DIM = 512;

export const embeddingSchema = (dim: number = DEFAULT_EMBEDDING_DIM) =>
  z
    .array(finite)
    .length(dim, `embedding must have ${dim} numbers`)
    .refine((v) => Math.abs(l2norm(v) - 1) <= EMBEDDING_NORM_TOLERANCE, {
      message: `embedding must be unit-norm (±${EMBEDDING_NORM_TOLERANCE})`,
    });

/** faces.jsonl — spec §5. */
export const faceSchema = (dim: number = DEFAULT_EMBEDDING_DIM) =>
  z.strictObject({
    face_id: faceIdSchema,
    track_id: trackIdSchema,
    frame_idx: nonNegInt,
    bbox: bboxSchema,
    landmarks: landmarksSchema,
    embedding: embeddingSchema(dim),
    quality_score: unit,
    /** Manifest-relative crop reference; "" when crops are not saved. */
    crop_path: z.string().default(''),
    rejection_reason: z.string().min(1).optional(),
  });
export type Face = z.infer<ReturnType<typeof faceSchema>>;

/**
 * embeddings_meta.json (side file beside faces.npy): what a reader needs to check the .npy files
 * (spec §9 names track_embeddings.npy without fixing its row order, so the order is recorded here).
 */
export const embeddingsMetaSchema = z.strictObject({
  ep_id: z.string(),
  model_id: z.string().min(1),
  embedding_dim: z.number().int().positive(),
  faces_rows: nonNegInt,
  /** Row i of track_embeddings.npy is the pooled embedding of track_order[i]. */
  track_order: z.array(trackIdSchema),
  pooling: z.string().min(1),
  created_at: z.iso.datetime({ offset: true }),
});
export type EmbeddingsMeta = z.infer<typeof embeddingsMetaSchema>;

export { finite };
