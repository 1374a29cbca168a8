// The reviewer's undo/redo stacks of an episode, saved beside the journal with the identities.json
// base and revision they match (shared/commands/history.ts transforms them; this file only stores).
import { z } from 'zod';
import { historySchema, type History } from '../../../shared/commands/history';
import { nonNegInt } from '../../../shared/schema';
import { readJson, writeJson } from '../json';
import type { Workspace } from '../workspace';
import { reviewFiles } from './files';
import { exists } from './journal';

export const undoFileSchema = z.strictObject({
  base: z.string(),
  /** Revision of identities.json this history matches. */
  revision: nonNegInt,
  history: historySchema,
});
export type UndoFile = z.infer<typeof undoFileSchema>;

/** The saved stacks, or null when there are none or they cannot be read (they are rebuilt from the journal). */
export async function loadHistory(ws: Workspace, epId: string): Promise<UndoFile | null> {
  const { undo } = reviewFiles(ws, epId);
  return (await exists(undo)) ? readJson(undo, undoFileSchema).catch(() => null) : null;
}

export async function saveHistory(ws: Workspace, epId: string, base: string, revision: number, history: History): Promise<void> {
  await writeJson(reviewFiles(ws, epId).undo, { base, revision, history }, undoFileSchema);
}
