import { z } from 'zod';
import { isEpId } from '../episode';
import { manifestRefProblem } from '../layout';
import { norm } from '../vec';

/** Finite number: JSON cannot carry NaN/Infinity, but decoded NPY rows and in-memory values can. */
export const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
export const unit = finite.refine((v) => v >= 0 && v <= 1, { message: 'must be in [0, 1]' });
export const nonNegInt = z.number().int().nonnegative();

export const epIdSchema = z.string().refine(isEpId, {
  message: 'must look like <show>-s<season>e<episode>, e.g. "rhobh-s05e02"',
});

// `{N:05d}` pads to at least five digits and never truncates, so face-100000 is as valid as face-00001
// (a long episode has more than 99,999 faces); a longer number carries no leading zero.
const padded5 = (prefix: string) => new RegExp(`^${prefix}-(?:\\d{5}|[1-9]\\d{5,})$`);
export const trackIdSchema = z.string().regex(padded5('track'), 'must match track-{N:05d}, e.g. "track-00001"');
export const faceIdSchema = z.string().regex(padded5('face'), 'must match face-{N:05d}, e.g. "face-00001"');
export const identityIdSchema = z
  .string()
  .regex(padded5('identity'), 'must match identity-{N:05d}, e.g. "identity-00001"');

/** ISO-8601 timestamp with a zone (Z or ±hh:mm), as written by Date.toISOString(). */
export const isoTimestamp = z.iso.datetime({ offset: true });

export const bboxSchema = z
  .tuple([unit, unit, unit, unit])
  .refine(([x1, y1, x2, y2]) => x1 <= x2 && y1 <= y2, { message: 'bbox must satisfy x1 ≤ x2 and y1 ≤ y2' });

/** Five [x, y] points, normalised like the bbox: left eye, right eye, nose, left mouth, right mouth. */
export const landmarksSchema = z.array(finite).length(10, 'landmarks must have 10 numbers (5 points × 2)');

export const EMBEDDING_NORM_TOLERANCE = 0.01;

export const l2norm = norm;

export const trackIdNumber = (id: string) => Number(id.slice('track-'.length));
export const formatTrackId = (n: number) => `track-${String(n).padStart(5, '0')}`;
export const formatFaceId = (n: number) => `face-${String(n).padStart(5, '0')}`;
export const formatIdentityId = (n: number) => `identity-${String(n).padStart(5, '0')}`;

/** A manifest-relative file reference (`crops/…`, `thumbs/…`, `frames/…`; see shared/episode.ts): never absolute, never `..`. */
export const manifestRefSchema = z.string().superRefine((ref, ctx) => {
  const problem = manifestRefProblem(ref);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
/** Same, but "" is allowed (crops not saved). */
export const optionalManifestRefSchema = z.string().superRefine((ref, ctx) => {
  const problem = ref === '' ? null : manifestRefProblem(ref);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
