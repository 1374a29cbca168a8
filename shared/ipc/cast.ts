// Cast channels: the show's cast library (names, suggestions, references, import/export, auto-assign)
// and screen time, whose schemas live next to each other.
import { z } from 'zod';
import { epIdSchema, identityIdSchema, nonNegInt, trackIdSchema } from '../schema/common';
import {
  autoAssignmentSchema, autoAssignSettingsSchema, castListExportSchema, castListSchema,
  castSuggestionSchema, personIdSchema, showSchema,
} from '../schema/cast';
import { screentimeDocSchema } from '../schema/screentime';
import { epRequest, type ContractTable } from './core';
import { reviewStateSchema } from './review';

export const castSuggestionsResponseSchema = z.strictObject({
  ep_id: epIdSchema,
  /** identity_id → ranked suggestions, best first (rejected people and the current label left out). */
  suggestions: z.record(z.string(), z.array(castSuggestionSchema)),
  auto_assign: autoAssignSettingsSchema,
  /** This episode's auto-assignments, oldest first (undone ones carry undone_at). */
  auto_assignments: z.array(autoAssignmentSchema),
  /** Reference embeddings in the show's library (0 = nothing to suggest from yet). */
  library_references: nonNegInt,
});
export type CastSuggestionsResponse = z.infer<typeof castSuggestionsResponseSchema>;

/** A show's people with their references, each shown as its face (cast:references). */
export const castReferencesResponseSchema = z.strictObject({
  show: showSchema,
  people: z.array(
    z.strictObject({
      person_id: personIdSchema,
      name: z.string(),
      references: z.array(
        z.strictObject({
          ep_id: epIdSchema,
          identity_id: identityIdSchema,
          track_id: trackIdSchema,
          /** Crop ref inside ep_id ('' when the episode kept no crops). */
          face_crop: z.string(),
          /** Faces pooled into it (null for references made before faces were counted). */
          faces: nonNegInt.nullable(),
        }),
      ),
    }),
  ),
});
export type CastReferencesResponse = z.infer<typeof castReferencesResponseSchema>;

export const castContract = {
  getCastNames: {
    channel: 'cast:names',
    request: epRequest,
    /** Names labelled in other episodes of the same show, most frequent first. */
    response: z.strictObject({
      names: z.array(z.strictObject({ name: z.string(), person_id: z.string(), episodes: z.array(epIdSchema) })),
    }),
  },
  getScreenTime: { channel: 'screentime:get', request: epRequest, response: screentimeDocSchema },
  exportScreenTime: {
    channel: 'screentime:export',
    request: epRequest,
    response: z.strictObject({ screentime: screentimeDocSchema, json_path: z.string(), csv_path: z.string() }),
  },
  getCastSuggestions: { channel: 'cast:suggestions', request: epRequest, response: castSuggestionsResponseSchema },
  rejectCastSuggestion: {
    channel: 'cast:reject',
    request: z.strictObject({ ep_id: epIdSchema, identity_id: identityIdSchema, person_id: personIdSchema }),
    response: castSuggestionsResponseSchema,
  },
  /** Takes a rejection back (the reviewer's undo of "no, this is not <person>"): suggested again. */
  unrejectCastSuggestion: {
    channel: 'cast:unreject',
    request: z.strictObject({ ep_id: epIdSchema, identity_id: identityIdSchema, person_id: personIdSchema }),
    response: castSuggestionsResponseSchema,
  },
  getCastReferences: { channel: 'cast:references', request: z.strictObject({ show: showSchema }), response: castReferencesResponseSchema },
  removeCastReference: {
    channel: 'cast:remove-reference',
    request: z.strictObject({ show: showSchema, person_id: personIdSchema, ep_id: epIdSchema, track_id: trackIdSchema }),
    response: castReferencesResponseSchema,
  },
  importCastList: {
    channel: 'cast:import',
    request: z.strictObject({ show: showSchema, people: castListSchema }),
    response: z.strictObject({ added: nonNegInt, renamed: nonNegInt, people: castListExportSchema }),
  },
  exportCastList: { channel: 'cast:export', request: z.strictObject({ show: showSchema }), response: z.strictObject({ people: castListExportSchema }) },
  setCastSettings: {
    channel: 'cast:settings',
    // No defaults here: a patch must not reset the fields it leaves out.
    request: z.strictObject({
      show: showSchema,
      auto_assign: z
        .strictObject({ enabled: z.boolean().optional(), threshold: z.number().min(-1).max(1).optional(), min_margin: z.number().min(0).max(2).optional() })
        .optional(),
    }),
    response: autoAssignSettingsSchema,
  },
  autoAssignCast: {
    channel: 'cast:auto-assign',
    request: epRequest,
    response: z.strictObject({ assigned: z.array(autoAssignmentSchema), state: reviewStateSchema }),
  },
  undoAutoAssign: {
    channel: 'cast:undo-auto-assign',
    request: z.strictObject({ ep_id: epIdSchema, identity_id: identityIdSchema }),
    response: z.strictObject({ undone: autoAssignmentSchema, state: reviewStateSchema }),
  },
} as const satisfies ContractTable;
