import { z } from 'zod';
import { epIdSchema, finite, identityIdSchema, isoTimestamp, nonNegInt, optionalManifestRefSchema, trackIdSchema, unit } from './common';

/** Human labels; the spec allows more keys than person_id and name ("etc."), so unknown keys pass through. */
export const labelsSchema = z.looseObject({
  person_id: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
});
export type Labels = z.infer<typeof labelsSchema>;

export const identitySchema = z.strictObject({
  identity_id: identityIdSchema,
  cluster_id: z.number().int().nonnegative().nullable(),
  track_ids: z.array(trackIdSchema).min(1, 'an identity needs at least one track'),
  /** Manifest-relative thumbnail reference (usually thumbs/<identity_id>/rep.jpg); "" before thumbs exist. */
  canonical_face_path: optionalManifestRefSchema,
  embedding_stats: z.strictObject({
    centroid_norm: finite.refine((v) => v >= 0, { message: 'must be ≥ 0' }),
    variance: finite.refine((v) => v >= 0, { message: 'must be ≥ 0' }),
    num_tracks: nonNegInt,
    num_faces_total: nonNegInt,
  }),
  labels: labelsSchema.default({}),
  locked: z.boolean(),
  created_at: isoTimestamp,
  updated_at: isoTimestamp,
});
export type Identity = z.infer<typeof identitySchema>;

export const identitiesMetadataSchema = z.looseObject({
  ep_id: epIdSchema,
  num_tracks: nonNegInt,
  num_clusters: nonNegInt,
  num_singletons: nonNegInt,
  singleton_fraction: unit,
  largest_cluster_size: nonNegInt,
  largest_cluster_fraction: unit,
  cluster_thresh: finite,
  min_cluster_size: z.number().int().min(1),
  algorithm: z.string().min(1),
  linkage: z.enum(['average', 'complete', 'ward', 'single']),
  created_at: isoTimestamp,
  /** Extra (allowed by the metadata block): model pack id and embedding dimension used. */
  model_id: z.string().optional(),
  embedding_dim: z.number().int().positive().optional(),
  /** Extra: monotonically increasing document revision, for conflict detection between editors. */
  revision: nonNegInt.optional(),
});
export type IdentitiesMetadata = z.infer<typeof identitiesMetadataSchema>;

/** identities.json — spec §7. */
export const identitiesDocSchema = z
  .strictObject({
    identities: z.array(identitySchema),
    metadata: identitiesMetadataSchema,
  })
  .superRefine((doc, ctx) => {
    const seenIdentity = new Set<string>();
    const trackOwner = new Map<string, string>();
    doc.identities.forEach((ident, i) => {
      if (seenIdentity.has(ident.identity_id)) {
        ctx.addIssue({ code: 'custom', path: ['identities', i, 'identity_id'], message: `duplicate identity_id ${ident.identity_id}` });
      }
      seenIdentity.add(ident.identity_id);
      ident.track_ids.forEach((t, j) => {
        const owner = trackOwner.get(t);
        if (owner) {
          ctx.addIssue({ code: 'custom', path: ['identities', i, 'track_ids', j], message: `track ${t} is already in ${owner}` });
        }
        trackOwner.set(t, ident.identity_id);
      });
    });
  });
export type IdentitiesDoc = z.infer<typeof identitiesDocSchema>;
