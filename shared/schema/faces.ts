import { z } from 'zod';
import {
  EMBEDDING_NORM_TOLERANCE,
  bboxSchema,
  epIdSchema,
  faceIdSchema,
  isoTimestamp,
  finite,
  l2norm,
  landmarksSchema,
  nonNegInt,
  optionalManifestRefSchema,
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
    crop_path: optionalManifestRefSchema.default(''),
    rejection_reason: z.string().min(1).optional(),
  });
export type Face = z.infer<ReturnType<typeof faceSchema>>;

/**
 * embeddings_meta.json (side file beside faces.npy): what a reader needs to check the .npy files
 * (spec §9 names track_embeddings.npy without fixing its row order, so the order is recorded here).
 */
export const embeddingsMetaSchema = z.strictObject({
  ep_id: epIdSchema,
  model_id: z.string().min(1),
  embedding_dim: z.number().int().positive(),
  faces_rows: nonNegInt,
  /** Row i of track_embeddings.npy is the pooled embedding of track_order[i]. */
  track_order: z.array(trackIdSchema),
  pooling: z.string().min(1),
  created_at: isoTimestamp,
});
export type EmbeddingsMeta = z.infer<typeof embeddingsMetaSchema>;

export { finite };

/**
 * faces.npy and track_embeddings.npy as decoded by the store: float32, shape (rows, dim), C order,
 * every value finite and every row unit-norm (±EMBEDDING_NORM_TOLERANCE). Issues point at `rows[i]`.
 */
export const embeddingMatrixSchema = (dim: number = DEFAULT_EMBEDDING_DIM, rows?: number) =>
  z
    .strictObject({
      shape: z.tuple([nonNegInt, z.literal(dim, { message: `must be ${dim} (the model's embedding dimension)` })]),
      data: z.instanceof(Float32Array),
    })
    .superRefine(({ shape, data }, ctx) => {
      if (rows !== undefined && shape[0] !== rows) {
        ctx.addIssue({ code: 'custom', path: ['shape', 0], message: `has ${shape[0]} rows, expected ${rows}` });
      }
      if (data.length !== shape[0] * dim) {
        ctx.addIssue({ code: 'custom', path: ['data'], message: `holds ${data.length} values, shape needs ${shape[0] * dim}` });
        return;
      }
      let reported = 0;
      for (let r = 0; r < shape[0] && reported < 20; r++) {
        const row = data.subarray(r * dim, (r + 1) * dim);
        const bad = row.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) {
          reported++;
          ctx.addIssue({ code: 'custom', path: ['rows', r], message: `column ${bad} is ${row[bad]}, not a finite number` });
        } else if (Math.abs(l2norm(row) - 1) > EMBEDDING_NORM_TOLERANCE) {
          reported++;
          ctx.addIssue({ code: 'custom', path: ['rows', r], message: `norm ${l2norm(row).toFixed(4)} is not 1 ± ${EMBEDDING_NORM_TOLERANCE}` });
        }
      }
    });
export type EmbeddingMatrix = z.infer<ReturnType<typeof embeddingMatrixSchema>>;
