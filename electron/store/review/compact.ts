// Keeps the review journal from growing forever (about 1 KB per edit, read on every open). Once an
// edit is durable in identities.json and the undo file, its journal entry is only a spare copy of
// the undo stack; so when the journal passes COMPACT_BYTES it is rewritten (atomically) with the last
// HISTORY_LIMIT entries of the current document base — enough to rebuild a lost undo file.
import { stat } from 'node:fs/promises';
import { HISTORY_LIMIT } from '../../../shared/commands/history';
import { writeFileAtomic } from '../atomic';
import type { Workspace } from '../workspace';
import { reviewFiles } from './files';
import { readJournal } from './journal';

export const COMPACT_BYTES = 512 * 1024;

/**
 * Compacts the journal of `epId` when it is over `maxBytes`; `durable` is what identities.json now holds.
 * The caller holds the review lock and has written identities.json and the undo file. Returns the number
 * of entries dropped.
 */
export async function compactJournal(ws: Workspace, epId: string, durable: { base: string; revision: number }, maxBytes = COMPACT_BYTES): Promise<number> {
  const { journal } = reviewFiles(ws, epId);
  const size = (await stat(journal).catch(() => null))?.size ?? 0;
  if (size <= maxBytes) return 0;
  const entries = await readJournal(ws, epId);
  // Entries past the durable revision (none while the lock is held after a commit) are always kept.
  const keep = entries.filter((e) => e.base === durable.base && e.revision > durable.revision - HISTORY_LIMIT);
  await writeFileAtomic(journal, keep.map((e) => JSON.stringify(e) + '\n').join(''));
  return entries.length - keep.length;
}
