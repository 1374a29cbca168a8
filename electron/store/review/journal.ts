// The review journal: every edit is appended (fsync'd) BEFORE identities.json is rewritten atomically,
// so a crash between the two writes loses nothing (recover.ts replays what identities.json lacks).
import { open, stat, truncate } from 'node:fs/promises';
import { z } from 'zod';
import { stepOriginSchema } from '../../../shared/commands/history';
import { anyCommandSchema, restoreCommandSchema } from '../../../shared/commands/schema';
import { isoTimestamp, reviewConstraintsSchema } from '../../../shared/schema';
import { appendFileDurable } from '../atomic';
import { readJsonl } from '../jsonl';
import type { Workspace } from '../workspace';
import { reviewFiles } from './files';

export const journalEntrySchema = z.strictObject({
  v: z.literal(1),
  /** Document revision this entry produces (previous + 1). */
  revision: z.number().int().positive(),
  /** identities.json metadata.created_at the entry applies to: a re-cluster starts a new base. */
  base: z.string(),
  at: isoTimestamp,
  kind: z.enum(['apply', 'undo', 'redo']),
  label: z.string(),
  command: anyCommandSchema,
  /** The inverse of `command` as applied (lets the undo stack be rebuilt without the old document). */
  inverse: restoreCommandSchema,
  /**
   * The reviewer constraints after this entry (review_constraints.json is rewritten after
   * identities.json; this copy survives a crash in between).
   */
  constraints: reviewConstraintsSchema.optional(),
  /** 'auto': made by the app (auto-assign), not an undo step of the reviewer. Absent: the reviewer's. */
  origin: stepOriginSchema.optional(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

export const exists = (p: string) => stat(p).then(() => true, () => false);

/** The journal's entries (a torn last line, the trace of a crash mid-append, is left out). */
export async function readJournal(ws: Workspace, epId: string): Promise<JournalEntry[]> {
  const { journal } = reviewFiles(ws, epId);
  return (await exists(journal)) ? readJsonl(journal, journalEntrySchema, { tornTail: 'ignore' }) : [];
}

/** A crash mid-append leaves a last line without its newline; cut it so the next append starts clean. */
export async function dropTornTail(path: string): Promise<void> {
  if (!(await exists(path))) return;
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size === 0) return;
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return;
    // Scan back for the previous newline (entries are small, so read the tail in one go).
    const span = Math.min(size, 1 << 20);
    const tail = Buffer.alloc(span);
    await fh.read(tail, 0, span, size - span);
    const nl = tail.lastIndexOf(0x0a);
    await fh.close();
    await truncate(path, nl < 0 ? size - span : size - span + nl + 1);
    return;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** Appends one entry (caller holds the review lock); a torn last line is cut first, or the new entry would be glued to it. */
export async function appendJournal(ws: Workspace, epId: string, entry: JournalEntry): Promise<void> {
  const line = JSON.stringify(journalEntrySchema.parse(entry)) + '\n';
  const { journal } = reviewFiles(ws, epId);
  await dropTornTail(journal);
  await appendFileDurable(journal, line);
}
