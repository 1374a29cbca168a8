// Where an episode's review state lives, all in its manifests folder: the journal of edits, the undo
// stacks, the cross-process lock, and the cleanup backups whose steps sit on the undo stack.
import { BACKUP_LAYOUT, EPISODE_FILES } from '../../../shared/layout';
import type { IdentitiesDoc } from '../../../shared/schema';
import type { Workspace } from '../workspace';

export const REVIEW_LOCK = EPISODE_FILES.reviewLock;
/** Cleanup backups (and the reviewer's track edits, backed up the same way): `backups/cleanup-<time>/`, renamed `undone-cleanup-<time>/` once undone. */
export const BACKUPS_DIR = BACKUP_LAYOUT.root;
export const BACKUP_PREFIX = BACKUP_LAYOUT.prefix;
export const UNDONE_PREFIX = BACKUP_LAYOUT.undonePrefix;

/** Workspace-relative paths of the episode's review files. */
export function reviewPaths(ws: Workspace, epId: string) {
  const p = ws.paths(epId);
  return { dir: p.manifestsDir, journal: p.reviewJournal, undo: p.reviewUndo, backups: p.backupsDir };
}

/** Absolute paths of the episode's review files (and of the identities.json they describe). */
export function reviewFiles(ws: Workspace, epId: string) {
  const rel = reviewPaths(ws, epId);
  return { dir: ws.abs(rel.dir), identities: ws.abs(ws.paths(epId).identities), journal: ws.abs(rel.journal), undo: ws.abs(rel.undo) };
}

export const revisionOf = (doc: IdentitiesDoc) => doc.metadata.revision ?? 0;
