// The facts of cleanup steps that review state needs (electron/pipeline/cleanup/undo-step.ts restores
// the files themselves).
//
// Undo side: right after the write-back (before the post-cleanup hashes are sealed) a cleanup or a
// reviewer's track edit pushes its backup step onto the review undo stack. A cleanup that re-clustered
// starts a new identities base, so the stack is then just that step; one that kept identities.json
// keeps the reviewer's earlier steps beneath it. The post-cleanup snapshot therefore holds that stack.
//
// Redo side: undo restores the backup byte for byte (review journal and undo stack included), so the
// "redo the cleanup" step cannot live in the undo file without changing a restored file. It lives in
// the undone backup folder instead (redo.json, outside the backup scope) with the review stack depths
// it sits on: it is the next redo while the restored episode's base and stack depths are unchanged (an
// edit pushes an undo step; undoing further pushes a redo step; both hide it).
import { readdir, rm } from 'node:fs/promises';
import { z } from 'zod';
import { BACKUP_LAYOUT } from '../../../shared/layout';
import { backupStepSchema, emptyHistory, recordBackupStep, type History } from '../../../shared/commands/history';
import { identitiesDocSchema, isoTimestamp, nonNegInt } from '../../../shared/schema';
import { readJson, writeJson } from '../json';
import type { Workspace } from '../workspace';
import { BACKUP_PREFIX, reviewFiles, reviewPaths, revisionOf, UNDONE_PREFIX } from './files';
import { exists } from './journal';
import { loadHistory, saveHistory } from './undo-file';

/** Pushes a cleanup or track edit (its backup's `actions`) onto the review undo stack. */
export async function pushBackupStep(ws: Workspace, epId: string, backupDir: string, actions: readonly string[]): Promise<void> {
  const files = reviewFiles(ws, epId);
  if (!(await exists(files.identities))) return;
  const doc = await readJson(files.identities, identitiesDocSchema);
  const base = doc.metadata.created_at;
  const revision = revisionOf(doc);
  const saved = await loadHistory(ws, epId);
  // Same base and revision: identities.json was not rewritten, the reviewer's steps still apply beneath.
  const history: History = saved && saved.base === base && saved.revision === revision ? saved.history : emptyHistory();
  await saveHistory(ws, epId, base, revision, recordBackupStep(history, actions, backupDir));
}

export const redoMarkerSchema = z.strictObject({
  version: z.literal(1),
  /** Markers written before steps were typed are cleanups. */
  kind: backupStepSchema.shape.kind.default('cleanup'),
  label: z.string(),
  undone_at: isoTimestamp,
  /** identities.json base and review stack depths right after the undo. */
  base: z.string(),
  undo_depth: nonNegInt,
  redo_depth: nonNegInt,
});
export type RedoMarker = z.infer<typeof redoMarkerSchema>;
export const REDO_MARKER = BACKUP_LAYOUT.redoMarker;

export interface CleanupRedo {
  /** The undone backup folder (workspace-relative). */
  dir: string;
  marker: RedoMarker;
}

export async function writeRedoMarker(ws: Workspace, undoneDir: string, marker: RedoMarker): Promise<void> {
  await writeJson(ws.abs(`${undoneDir}/${REDO_MARKER}`), marker, redoMarkerSchema);
}

/** The redoable cleanup of the episode (newest undone backup with a marker), if any. */
export async function findRedo(ws: Workspace, epId: string): Promise<CleanupRedo | null> {
  const root = reviewPaths(ws, epId).backups;
  const names = await readdir(ws.abs(root)).catch(() => [] as string[]);
  let best: CleanupRedo | null = null;
  for (const name of names.filter((n) => n.startsWith(UNDONE_PREFIX + BACKUP_PREFIX))) {
    const file = ws.abs(`${root}/${name}/${REDO_MARKER}`);
    if (!(await exists(file))) continue;
    const marker = await readJson(file, redoMarkerSchema);
    if (!best || marker.undone_at > best.marker.undone_at) best = { dir: `${root}/${name}`, marker };
  }
  return best;
}

/** A new cleanup starts a new branch: earlier undone cleanups can no longer be redone. */
export async function dropRedoMarkers(ws: Workspace, epId: string): Promise<void> {
  const root = reviewPaths(ws, epId).backups;
  for (const name of await readdir(ws.abs(root)).catch(() => [] as string[])) {
    if (name.startsWith(UNDONE_PREFIX)) await rm(ws.abs(`${root}/${name}/${REDO_MARKER}`), { force: true });
  }
}

/** The redoable cleanup, when it is the next redo step of the loaded review state. */
export function cleanupRedoOnTop(st: { doc: { metadata: { created_at: string } }; history: History; cleanupRedo?: CleanupRedo | null }): CleanupRedo | null {
  const r = st.cleanupRedo;
  if (!r) return null;
  const m = r.marker;
  return m.base === st.doc.metadata.created_at && st.history.undo.length === m.undo_depth && st.history.redo.length === m.redo_depth ? r : null;
}
