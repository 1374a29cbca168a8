// Review channels: the episode list, an opened episode, an identity's detail, and the edits (review
// commands, track edits, undo/redo). Every editing response is a ReviewState.
import { z } from 'zod';
import { reviewCommandSchema, trackEditSchema } from '../commands/schema';
import { stepKindSchema } from '../commands/history';
import { bboxSchema, epIdSchema, faceIdSchema, identitiesDocSchema, identityIdSchema, identitySchema, nonNegInt, trackIdSchema } from '../schema';
import { emptyRequest, epRequest, mediaRef, type ContractTable } from './core';

export const historyStateSchema = z.strictObject({
  can_undo: z.boolean(),
  can_redo: z.boolean(),
  undo_label: z.string().nullable(),
  redo_label: z.string().nullable(),
  /** What z / shift+z would undo or redo: tell a cleanup or track edit by this, never by its label. */
  undo_kind: stepKindSchema.nullable(),
  redo_kind: stepKindSchema.nullable(),
});

export const trackSummarySchema = z.strictObject({
  track_id: trackIdSchema,
  identity_id: identityIdSchema.nullable(),
  start_s: z.number(),
  end_s: z.number(),
  frame_span: z.tuple([nonNegInt, nonNegInt]),
  /** faces.jsonl rows of the track (0 when faces.jsonl is absent). */
  faces: nonNegInt,
  /** Up to 3 sample crops in time order (crops, falling back to legacy sample_thumbs). */
  sample_crops: z.array(mediaRef),
  avg_conf: z.number(),
});
export type TrackSummary = z.infer<typeof trackSummarySchema>;

/** A reviewable document state: every editing response returns it. */
export const reviewStateSchema = z.strictObject({
  ep_id: epIdSchema,
  revision: nonNegInt,
  identities: identitiesDocSchema,
  history: historyStateSchema,
  /** The edit is saved, but something that follows it was not (e.g. the cast library): show these. */
  warnings: z.array(z.string()).optional(),
});
export type ReviewState = z.infer<typeof reviewStateSchema>;

const episodeListing = z.strictObject({
  ep_id: epIdSchema,
  show: z.string(),
  season: nonNegInt,
  episode: nonNegInt,
  has_identities: z.boolean(),
  num_identities: nonNegInt,
  num_tracks: nonNegInt,
  num_labeled: nonNegInt,
  num_locked: nonNegInt,
  updated_at: z.string().nullable(),
  /** Why the episode cannot be opened (unreadable identities.json, a symlink out of the workspace…). */
  error: z.string().optional(),
});

const detailTrack = trackSummarySchema.extend({
  /** All crops of the track in time order (faces.jsonl crop_path, else sample_thumbs). */
  crops: z.array(mediaRef),
  /** The track's faces.jsonl rows in time order (empty without faces.jsonl): what review:edit-track splits at or rejects. */
  face_rows: z.array(
    z.strictObject({
      face_id: faceIdSchema,
      crop_path: z.string(),
      rejected: z.boolean(),
      /** Where the face is: its source frame, that frame's time in seconds, and its normalised [x1, y1, x2, y2] box. */
      frame_idx: nonNegInt,
      ts_s: z.number(),
      bbox: bboxSchema,
    }),
  ),
  /** Mean faces.jsonl quality_score (null when unknown). */
  quality: z.number().nullable(),
  /** Cosine similarity of the track embedding to the identity centroid (null without track_embeddings.npy); low = outlier. */
  similarity: z.number().nullable(),
});

const suggestion = z.strictObject({
  identity_id: identityIdSchema,
  similarity: z.number(),
  name: z.string().nullable(),
  num_tracks: nonNegInt,
  locked: z.boolean(),
  canonical_face_path: z.string(),
});

const revisionRequest = z.strictObject({ ep_id: epIdSchema, revision: nonNegInt });

/** One "Same person?" question: two identities the embeddings call one person, with faces of each. */
const samePersonPair = z.strictObject({
  /** The identity with more tracks, then the other (shared/cluster/same-person.ts). */
  a: identityIdSchema,
  b: identityIdSchema,
  /** Cosine of the two identities' centroids. */
  similarity: z.number(),
  /** A few face crops of each (the cover first, then faces spread over its tracks). */
  a_faces: z.array(mediaRef),
  b_faces: z.array(mediaRef),
});
export type SamePersonQuestion = z.infer<typeof samePersonPair>;

export const reviewContract = {
  listEpisodes: { channel: 'episodes:list', request: emptyRequest, response: z.strictObject({ episodes: z.array(episodeListing) }) },
  openEpisode: {
    channel: 'episode:open',
    request: epRequest,
    response: reviewStateSchema.extend({
      tracks: z.array(trackSummarySchema),
      /** Seconds on screen per identity: the union of its tracks' [start_s, end_s]. */
      identity_seconds: z.record(z.string(), z.number()),
    }),
  },
  getIdentityDetail: {
    channel: 'identity:detail',
    request: z.strictObject({ ep_id: epIdSchema, identity_id: identityIdSchema }),
    response: z.strictObject({
      ep_id: epIdSchema,
      revision: nonNegInt,
      identity: identitySchema,
      /** In time order (start_s). */
      tracks: z.array(detailTrack),
      /** Most similar other identities (centroid cosine), best first. */
      suggestions: z.array(suggestion),
    }),
  },
  /** Every face detected in analysed frame `frame_idx`, named by the track (and identity) it belongs to when known. */
  getFrameFaces: {
    channel: 'frame:faces',
    request: z.strictObject({ ep_id: epIdSchema, frame_idx: nonNegInt }),
    response: z.strictObject({
      ep_id: epIdSchema,
      frame_idx: nonNegInt,
      faces: z.array(
        z.strictObject({ bbox: bboxSchema, track_id: trackIdSchema.nullable(), identity_id: identityIdSchema.nullable(), name: z.string().nullable() }),
      ),
    }),
  },
  applyReview: {
    channel: 'review:apply',
    request: z.strictObject({ ep_id: epIdSchema, revision: nonNegInt, command: reviewCommandSchema }),
    response: reviewStateSchema,
  },
  /** Split a track at a face, or reject a face (shared/commands/schema.ts): one undo step, restored from a backup. */
  editTrack: {
    channel: 'review:edit-track',
    request: z.strictObject({ ep_id: epIdSchema, revision: nonNegInt, edit: trackEditSchema }),
    response: reviewStateSchema,
  },
  /**
   * "Same person?" questions: pairs at or above `threshold` (shared/cluster/same-person.ts
   * questionFloor of the episode's cluster_thresh), most similar first, minus pairs a cannot-link (a
   * "no" answer) or two differently named locked identities already settle.
   */
  getSamePersonQuestions: {
    channel: 'review:same-person',
    request: z.strictObject({ ep_id: epIdSchema, limit: z.number().int().min(1).max(500).optional() }),
    response: z.strictObject({ ep_id: epIdSchema, revision: nonNegInt, threshold: z.number(), pairs: z.array(samePersonPair) }),
  },
  undo: { channel: 'review:undo', request: revisionRequest, response: reviewStateSchema },
  redo: { channel: 'review:redo', request: revisionRequest, response: reviewStateSchema },
} as const satisfies ContractTable;

/** Main → renderer: an episode's files changed (an edit here, a pipeline run, another writer). */
export const artifactsChangedSchema = z.strictObject({
  ep_id: epIdSchema,
  revision: nonNegInt.nullable(),
  reason: z.enum(['review', 'pipeline', 'external']),
});
