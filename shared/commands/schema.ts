// Review commands: the user's edits to identities.json, as data (journalled, sent over IPC, undone).
import { z } from 'zod';
import { faceIdSchema, identityIdSchema, identitySchema, manifestRefSchema, nonNegInt, reviewConstraintsSchema, trackIdSchema, unit, type ReviewConstraints } from '../schema';

const force = z.boolean().optional();

/** Lock (confirm) or unlock an identity. Always allowed: it is the explicit way to change protection. */
export const lockCommandSchema = z.strictObject({
  op: z.literal('lock'),
  identity_id: identityIdSchema,
  locked: z.boolean(),
});

/** Name an identity; `name: null` clears person_id and name. person_id defaults to a slug of the name. */
export const labelCommandSchema = z.strictObject({
  op: z.literal('label'),
  identity_id: identityIdSchema,
  name: z.string().trim().min(1, 'name must not be empty').max(200).nullable(),
  person_id: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'person_id must be a lower-case slug like "lisa-vanderpump"')
    .optional(),
  force,
});

/**
 * target ← sources. Target keeps its id, label and lock. A locked source needs `force`; tracks that
 * share frames with the target's tracks (two faces on screen at once cannot be one person) need
 * `allow_overlap` — kept apart from `force` so confirming "merge a locked identity" never also
 * waves through a physically impossible merge.
 */
export const mergeCommandSchema = z.strictObject({
  op: z.literal('merge'),
  target_id: identityIdSchema,
  source_ids: z.array(identityIdSchema).min(1, 'merge needs at least one source identity'),
  force,
  allow_overlap: z.boolean().optional(),
});

/** Selected tracks of one identity → a new identity (id = max existing + 1). */
export const splitCommandSchema = z.strictObject({
  op: z.literal('split'),
  identity_id: identityIdSchema,
  track_ids: z.array(trackIdSchema).min(1, 'split needs at least one track'),
  force,
});

/** Tracks (from any identities) → an existing identity; identities left empty disappear. */
export const moveTracksCommandSchema = z.strictObject({
  op: z.literal('moveTracks'),
  track_ids: z.array(trackIdSchema).min(1, 'moveTracks needs at least one track'),
  to_identity_id: identityIdSchema,
  force,
  allow_overlap: z.boolean().optional(),
});

/** One track → a new singleton identity (cluster_id null). */
export const removeTrackCommandSchema = z.strictObject({
  op: z.literal('removeTrack'),
  track_id: trackIdSchema,
  force,
});

/**
 * The identity's cover (canonical_face_path) := the crop of one of its own faces
 * (`crops/<track_id>/frame_NNNNNN.jpg`, a track of the identity). Membership does not change, so a
 * locked identity needs no `force`; the inverse puts the previous cover back.
 */
export const setCoverCommandSchema = z.strictObject({
  op: z.literal('setCover'),
  identity_id: identityIdSchema,
  crop_path: manifestRefSchema.refine((ref) => /^crops\/track-\d{5}\/[^/]+\.jpg$/.test(ref), {
    message: 'a cover must be a face crop: crops/<track_id>/<file>.jpg',
  }),
});

/**
 * "Not the same person" — the reviewer's answer to a same-person question (shared/cluster/same-person.ts):
 * the identities stay as they are and a cannot-link between their track sets is recorded, so the
 * question is never asked again and no recomputation puts them together. Undo takes the fact back.
 */
export const notSamePersonCommandSchema = z.strictObject({
  op: z.literal('notSamePerson'),
  identity_ids: z.tuple([identityIdSchema, identityIdSchema]),
});

/**
 * Track edits (review:edit-track): they rewrite tracks / faces / embeddings, not only identities.json,
 * so their inverse is the episode backup taken before them (as for a cleanup): one step of z / shift+z.
 *
 * splitTrack: the track is cut before `face_id` — both parts get new track ids, the faces from that one
 * on go to the second part, which becomes an identity of its own; the two parts are cannot-linked
 * (shared/schema/constraints.ts). Faces, faces.npy rows and pooled embeddings follow.
 */
export const splitTrackCommandSchema = z.strictObject({
  op: z.literal('splitTrack'),
  track_id: trackIdSchema,
  face_id: faceIdSchema,
  force,
});

/** rejectFace: faces.jsonl `rejection_reason: "reviewer"`; the track is pooled again without it. */
export const rejectFaceCommandSchema = z.strictObject({
  op: z.literal('rejectFace'),
  face_id: faceIdSchema,
  force,
});

export const trackEditSchema = z.discriminatedUnion('op', [splitTrackCommandSchema, rejectFaceCommandSchema]);
export type TrackEdit = z.infer<typeof trackEditSchema>;
/** The rejection_reason a reviewer's rejection writes. */
export const REVIEWER_REJECTION = 'reviewer';

/** What a client may send (review:apply). */
export const reviewCommandSchema = z.discriminatedUnion('op', [
  lockCommandSchema,
  labelCommandSchema,
  mergeCommandSchema,
  splitCommandSchema,
  moveTracksCommandSchema,
  removeTrackCommandSchema,
  setCoverCommandSchema,
  notSamePersonCommandSchema,
]);
export type ReviewCommand = z.infer<typeof reviewCommandSchema>;
export type LockCommand = z.infer<typeof lockCommandSchema>;
export type LabelCommand = z.infer<typeof labelCommandSchema>;
export type MergeCommand = z.infer<typeof mergeCommandSchema>;
export type SplitCommand = z.infer<typeof splitCommandSchema>;
export type MoveTracksCommand = z.infer<typeof moveTracksCommandSchema>;
export type RemoveTrackCommand = z.infer<typeof removeTrackCommandSchema>;
export type SetCoverCommand = z.infer<typeof setCoverCommandSchema>;
export type NotSamePersonCommand = z.infer<typeof notSamePersonCommandSchema>;

/** Metadata fields every command recomputes from the identities (restored verbatim by an inverse). */
export const metadataCountsSchema = z.strictObject({
  num_tracks: nonNegInt,
  num_clusters: nonNegInt,
  num_singletons: nonNegInt,
  singleton_fraction: unit,
  largest_cluster_size: nonNegInt,
  largest_cluster_fraction: unit,
});
export type MetadataCounts = z.infer<typeof metadataCountsSchema>;

/**
 * Inverse operation: put back the identity records a command changed, at their old positions.
 * Internal only (undo/redo, journal) — never accepted from a client, and it bypasses locks because
 * it restores exactly what the user had.
 */
export const restoreCommandSchema = z.strictObject({
  op: z.literal('restore'),
  /** Identities (by id) to take out of the current document. */
  remove: z.array(identityIdSchema),
  /** Records to insert, at these indexes (ascending) of the resulting array. */
  insert: z.array(z.strictObject({ index: nonNegInt, identity: identitySchema })),
  counts: metadataCountsSchema,
  /** The reviewer constraints to put back (absent: they stay as they are). */
  constraints: reviewConstraintsSchema.optional(),
});
export type RestoreCommand = z.infer<typeof restoreCommandSchema>;

/** Anything the journal can hold. */
export const anyCommandSchema = z.discriminatedUnion('op', [...reviewCommandSchema.options, restoreCommandSchema]);
export type AnyCommand = z.infer<typeof anyCommandSchema>;

/** Why a command was refused. `overlap` lists the track pairs sharing frames. */
export const refusalCodeSchema = z.enum(['locked', 'not_found', 'invalid', 'overlap', 'conflict']);
export type RefusalCode = z.infer<typeof refusalCodeSchema>;
export const refusalSchema = z.strictObject({
  ok: z.literal(false),
  code: refusalCodeSchema,
  message: z.string(),
  overlaps: z.array(z.tuple([trackIdSchema, trackIdSchema])).optional(),
  locked_ids: z.array(identityIdSchema).optional(),
});
export type Refusal = z.infer<typeof refusalSchema>;

/** Per-track facts a command may use (all optional: commands degrade gracefully without them). */
export interface TrackFacts {
  /** Faces in the track (faces.jsonl rows) → embedding_stats.num_faces_total. */
  faces?: number;
  /** Inclusive [first, last] frame → overlap check on merge/moveTracks. */
  frame_span?: [number, number];
  /** A manifest-relative crop ref → canonical_face_path of identities created by split/removeTrack. */
  thumb?: string;
  /** The track's best face crop (accepted before rejected, then quality_score) and that score: covers after an edit. */
  cover?: { crop: string; score: number };
  /** The track's face crops (manifest refs): given, setCover accepts only one of them. */
  crops?: readonly string[];
}

export interface CommandContext {
  tracks?: Record<string, TrackFacts | undefined>;
  /** Embedding stats of a set of tracks (the service computes them from track_embeddings.npy). */
  statsFor?: (trackIds: string[]) => { centroid_norm: number; variance: number } | null;
  /**
   * The episode's reviewer constraints before the command: given, the result carries them after it
   * (shared/cluster/reviewer-constraints.ts recordEdit) and the inverse restores them.
   */
  constraints?: ReviewConstraints;
}
