import { z } from 'zod';
import { epIdSchema, finite, identityIdSchema, isoTimestamp, nonNegInt, trackIdSchema } from './common';

/*
 * Cast library of one show (cast_v1): data/cast/<show>/cast.json + data/cast/<show>/cast_embeddings.npy.
 *
 * cast_embeddings.npy is float32 (R, D), unit-norm rows; row i is the embedding of references[i]
 * (the pooled track embedding of a labeled track, copied from that episode's track_embeddings.npy).
 * The pair is written npy first, then json naming the sha256 of the npy rows (`embeddings_sha256`);
 * the npy it replaces stays as cast_embeddings.prev.npy. A reader that finds the two disagreeing (an
 * interrupted save) uses the previous npy, or rebuilds the rows from the episodes' track embeddings
 * (electron/service/cast-store.ts).
 *
 * | field              | meaning                                                                          |
 * |--------------------|----------------------------------------------------------------------------------|
 * | schema_version     | "cast_v1"                                                                        |
 * | show               | show slug (the ep_id prefix)                                                     |
 * | model_id / embedding_dim | embedder of the reference rows (null until the first reference); episodes |
 * |                    | embedded with another model get no suggestions rather than wrong ones            |
 * | embeddings_rows    | = references.length = rows of cast_embeddings.npy                                |
 * | embeddings_sha256  | sha256 of the npy's float32 rows (little-endian bytes); absent in older files    |
 * | people[]           | {person_id, name, added_at}: the cast (from labels or an imported cast list)     |
 * | references[]       | {person_id, ep_id, identity_id, track_id, added_at, face_crop?, faces?}: source  |
 * |                    | of each npy row: the unit mean of that track's faces consistent with its locked  |
 * |                    | identity (shared/cast.ts consistentReferences); face_crop = its best face's crop |
 * | removed_references[] | {person_id, ep_id, track_id, removed_at}: removed by the reviewer, never re-added |
 * | rejections[]       | {ep_id, identity_id, person_id, rejected_at}: never suggest that person again    |
 * |                    | for that identity of that episode                                                |
 * | auto_assign        | {enabled (default false), threshold, min_margin}: label unlabeled, unlocked      |
 * |                    | identities whose best score ≥ threshold and beats the runner-up by ≥ min_margin  |
 * | auto_assignments[] | every auto-assignment: {ep_id, identity_id, person_id, name, score,              |
 * |                    | previous_labels, assigned_at, undone_at|null}; undo restores previous_labels     |
 * | updated_at         | last write                                                                       |
 */

/** Same slug rule as the review `label` command's person_id. */
export const personIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'person_id must be a lower-case slug like "lisa-vanderpump"');
export const personNameSchema = z.string().trim().min(1, 'name must not be empty').max(200);
export const showSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'show must be the lower-case ep_id prefix, e.g. "rhobh"');

export const castPersonSchema = z.strictObject({
  person_id: personIdSchema,
  name: personNameSchema,
  added_at: isoTimestamp,
});

export const castReferenceSchema = z.strictObject({
  person_id: personIdSchema,
  ep_id: epIdSchema,
  identity_id: identityIdSchema,
  track_id: trackIdSchema,
  added_at: isoTimestamp,
  /** The reference's picture: crop of its face closest to the identity's centre (manifest ref in ep_id). */
  face_crop: z.string().optional(),
  /** Faces of the track pooled into the reference (the consistent ones). */
  faces: nonNegInt.optional(),
});
/** A reference the reviewer removed: that track never feeds that person again. */
export const removedReferenceSchema = z.strictObject({
  person_id: personIdSchema,
  ep_id: epIdSchema,
  track_id: trackIdSchema,
  removed_at: isoTimestamp,
});
export type CastReference = z.infer<typeof castReferenceSchema>;

export const castRejectionSchema = z.strictObject({
  ep_id: epIdSchema,
  identity_id: identityIdSchema,
  person_id: personIdSchema,
  rejected_at: isoTimestamp,
});

export const autoAssignSettingsSchema = z.strictObject({
  enabled: z.boolean().default(false),
  threshold: z.number().min(-1).max(1).default(0.7),
  min_margin: z.number().min(0).max(2).default(0.05),
});
export type AutoAssignSettings = z.infer<typeof autoAssignSettingsSchema>;

export const autoAssignmentSchema = z.strictObject({
  ep_id: epIdSchema,
  identity_id: identityIdSchema,
  person_id: personIdSchema,
  name: personNameSchema,
  score: finite,
  /** Labels the identity had before (restored on undo). */
  previous_labels: z.looseObject({ person_id: z.string().optional(), name: z.string().optional() }),
  assigned_at: isoTimestamp,
  undone_at: isoTimestamp.nullable(),
});
export type AutoAssignment = z.infer<typeof autoAssignmentSchema>;

export const castLibrarySchema = z
  .strictObject({
    schema_version: z.literal('cast_v1'),
    show: showSchema,
    model_id: z.string().min(1).nullable(),
    embedding_dim: z.number().int().positive().nullable(),
    embeddings_rows: nonNegInt,
    embeddings_sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    people: z.array(castPersonSchema),
    references: z.array(castReferenceSchema),
    rejections: z.array(castRejectionSchema),
    auto_assign: autoAssignSettingsSchema.default({ enabled: false, threshold: 0.7, min_margin: 0.05 }),
    auto_assignments: z.array(autoAssignmentSchema),
    removed_references: z.array(removedReferenceSchema).default([]),
    updated_at: isoTimestamp,
  })
  .superRefine((doc, ctx) => {
    if (doc.embeddings_rows !== doc.references.length) {
      ctx.addIssue({ code: 'custom', path: ['embeddings_rows'], message: `must equal references.length (${doc.references.length})` });
    }
    const people = new Set<string>();
    doc.people.forEach((p, i) => {
      if (people.has(p.person_id)) ctx.addIssue({ code: 'custom', path: ['people', i, 'person_id'], message: `duplicate person_id ${p.person_id}` });
      people.add(p.person_id);
    });
    doc.references.forEach((r, i) => {
      if (!people.has(r.person_id)) ctx.addIssue({ code: 'custom', path: ['references', i, 'person_id'], message: `unknown person_id ${r.person_id}` });
      if (!r.ep_id.startsWith(`${doc.show}-`)) ctx.addIssue({ code: 'custom', path: ['references', i, 'ep_id'], message: `episode ${r.ep_id} is not of show ${doc.show}` });
    });
    if (doc.references.length > 0 && (doc.model_id === null || doc.embedding_dim === null)) {
      ctx.addIssue({ code: 'custom', path: ['model_id'], message: 'model_id and embedding_dim are required once there are references' });
    }
  });
export type CastLibraryDoc = z.infer<typeof castLibrarySchema>;

/**
 * Cast list (import/export to start a show): a JSON array of {person_id, name}. On import person_id
 * may be left out; it is then the slug of the name (as the label command derives it).
 */
export const castListEntrySchema = z.strictObject({
  person_id: personIdSchema.optional(),
  name: personNameSchema,
});
export const castListSchema = z.array(castListEntrySchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((e, i) => {
    if (e.person_id && seen.has(e.person_id)) ctx.addIssue({ code: 'custom', path: [i, 'person_id'], message: `duplicate person_id ${e.person_id}` });
    if (e.person_id) seen.add(e.person_id);
  });
});
export type CastList = z.infer<typeof castListSchema>;
/** What export writes: person_id always present. */
export const castListExportSchema = z.array(z.strictObject({ person_id: personIdSchema, name: personNameSchema }));

/** One ranked suggestion: "Lisa Vanderpump — 0.81". */
export const castSuggestionSchema = z.strictObject({
  person_id: personIdSchema,
  name: z.string(),
  score: finite,
  /** Reference embeddings of that person the score was computed from. */
  references: nonNegInt,
  /** A few of that person's reference faces (crop refs of their episodes), shown beside the candidate. */
  reference_faces: z.array(z.strictObject({ ep_id: epIdSchema, crop: z.string() })).default([]),
});
export type CastSuggestionDoc = z.infer<typeof castSuggestionSchema>;
