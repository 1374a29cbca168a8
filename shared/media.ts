// Payloads of the media requests a review UI makes besides crops: the source frame at a face's
// timestamp, and the folder listing of the Run dialog's file browser. Schemas only (the hosts
// implement them in electron/media/); the contract maps channels to them.
import { z } from 'zod';
import { epIdSchema, finite, nonNegInt } from './schema/common';

export const frameAtRequestSchema = z.strictObject({
  ep_id: epIdSchema,
  ts_s: finite.refine((v) => v >= 0, { message: 'must be ≥ 0' }),
});
export const frameAtResponseSchema = z.strictObject({
  /** Manifest reference of the JPEG: load it with mediaUrl(host, ep_id, ref). */
  ref: z.string().min(1),
  frame_idx: nonNegInt,
  ts_s: finite,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  source: z.enum(['export', 'cache', 'extracted']),
});
export type FrameAtRequest = z.infer<typeof frameAtRequestSchema>;
export type FrameAtResponse = z.infer<typeof frameAtResponseSchema>;

/**
 * A place in the browsable folders: which root (by id, as listed) and a relative path of plain names
 * joined by "/" ("" = the root itself). Never an absolute path: the client cannot name one.
 */
const browsePathSchema = z
  .string()
  .max(4096)
  .refine((p) => p === '' || p.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && !/[\\\0]/.test(s)), {
    message: 'must be plain folder names joined by "/" (no "..", backslashes or empty parts)',
  });
export const browseRequestSchema = z.strictObject({
  /** Absent: list the roots. */
  root: z.string().min(1).max(64).optional(),
  path: browsePathSchema.default(''),
});
export const browseEntrySchema = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(['dir', 'video']),
  /** Bytes (videos only). */
  size: nonNegInt.optional(),
});
export const browseResponseSchema = z.strictObject({
  roots: z.array(z.strictObject({ id: z.string(), label: z.string() })),
  /** The listed folder (absent when only the roots were asked for). */
  root: z.string().optional(),
  path: z.string(),
  /** The parent's path within the root, null at the root. */
  parent: z.string().nullable(),
  entries: z.array(browseEntrySchema),
  /** More entries than the listing limit: the rest were left out. */
  truncated: z.boolean(),
});
export type BrowseRequest = z.input<typeof browseRequestSchema>;
export type BrowseResponse = z.infer<typeof browseResponseSchema>;
export type BrowseEntry = z.infer<typeof browseEntrySchema>;
