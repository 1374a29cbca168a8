// Payloads of the Run dialog's folder browser in the web host (electron/media/browse.ts implements
// it; the contract maps a channel to these schemas).
import { z } from 'zod';
import { nonNegInt } from './schema/common';

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
