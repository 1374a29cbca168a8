// Where an episode's review state lives, all in its manifests folder: the journal of edits, the undo
// stacks, the cross-process lock, and the cleanup backups whose steps sit on the undo stack.
import type { IdentitiesDoc } from '../../../shared/schema';
import type { Workspace } from '../workspace';

export const REVIEW_LOCK = 'review.lock';
/** Cleanup backups (and the reviewer's track edits, backed up the same way): `backups/cleanup-<time>/`, renamed `undone-cleanup-<time>/` once undone. */
export const BACKUPS_DIR = 'backups';
export const BACKUP_PREFIX = 'cleanup-';
export const UNDONE_PREFIX = 'undone-';

/** Workspace-relative paths of the episode's review files. */
export function reviewPaths(ws: Workspace, epId: string) {
  const dir = ws.paths(epId).manifestsDir;
  return { dir, journal: `${dir}/review_journal.jsonl`, undo: `${dir}/review_undo.json`, backups: `${dir}/${BACKUPS_DIR}` };
}

/** Absolute paths of the episode's review files (and of the identities.json they describe). */
export function reviewFiles(ws: Workspace, epId: string) {
  const rel = reviewPaths(ws, epId);
  return { dir: ws.abs(rel.dir), identities: ws.abs(ws.paths(epId).identities), journal: ws.abs(rel.journal), undo: ws.abs(rel.undo) };
}

export const revisionOf = (doc: IdentitiesDoc) => doc.metadata.revision ?? 0;
