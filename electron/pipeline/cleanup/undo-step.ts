// A cleanup as one step of the review app's undo/redo (z / shift+z).
//
// Undo side: right after the write-back (before the post-cleanup hashes are sealed) the cleanup pushes
// an entry {kind: 'cleanup', backup} onto the review undo stack (review_undo.json). A cleanup that
// re-clustered starts a new identities base, so the stack is then just that entry; one that kept
// identities.json keeps the reviewer's earlier steps beneath it. The post-cleanup snapshot
// (`<backup>/after/`, backup.ts recordAfter) therefore holds that stack too.
//
// Redo side: undo restores the backup byte for byte (review journal and undo stack included), so the
// "redo the cleanup" entry cannot live in review_undo.json without changing a restored file. It lives
// in the undone backup folder instead (redo.json, outside the backup scope) with the review stack
// depths it sits on: it is the next redo while the restored episode's base and stack depths are
// unchanged (an edit pushes an undo step; undoing further pushes a redo step; both hide it).
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { z } from 'zod';
import { backupStepLabel, emptyHistory, HISTORY_LIMIT, type History } from '../../../shared/commands/history';
import { identitiesDocSchema, isoTimestamp, nonNegInt } from '../../../shared/schema';
import { writeFileAtomic } from '../../store/atomic';
import { readJson, writeJson } from '../../store/json';
import type { Workspace } from '../../store/workspace';
import { reviewFiles, revisionOf, saveHistory, undoFileSchema } from '../../service/journal';
import { AFTER_DIR, backupManifestSchema, backupsRoot, changedFiles, hashFiles, PREFIX, removeEmptyDirs, removeIfEmpty, scopeFiles, sha256, UNDONE_PREFIX } from './backup';

const exists = (p: string) => stat(p).then(() => true, () => false);

export const cleanupStepLabel = backupStepLabel;

/** Pushes the cleanup onto the review undo stack (called inside the write-back, before recordAfter). */
export async function pushCleanupUndo(ws: Workspace, epId: string, backupDir: string, actions: readonly string[]): Promise<void> {
  const files = reviewFiles(ws, epId);
  if (!(await exists(files.identities))) return;
  const doc = await readJson(files.identities, identitiesDocSchema);
  const base = doc.metadata.created_at;
  const revision = revisionOf(doc);
  const saved = (await exists(files.undo)) ? await readJson(files.undo, undoFileSchema).catch(() => null) : null;
  // Same base and revision: identities.json was not rewritten, the reviewer's steps still apply beneath.
  const history: History = saved && saved.base === base && saved.revision === revision ? saved.history : emptyHistory();
  const undo = [...history.undo, { kind: 'cleanup' as const, label: cleanupStepLabel(actions), backup: backupDir }];
  await saveHistory(ws, epId, base, revision, { version: 1, undo: undo.slice(Math.max(0, undo.length - HISTORY_LIMIT)), redo: [] });
}

export const redoMarkerSchema = z.strictObject({
  version: z.literal(1),
  label: z.string(),
  undone_at: isoTimestamp,
  /** identities.json base and review stack depths right after the undo. */
  base: z.string(),
  undo_depth: nonNegInt,
  redo_depth: nonNegInt,
});
export type RedoMarker = z.infer<typeof redoMarkerSchema>;
const MARKER = 'redo.json';

export async function writeRedoMarker(ws: Workspace, undoneDir: string, marker: RedoMarker): Promise<void> {
  await writeJson(ws.abs(`${undoneDir}/${MARKER}`), marker, redoMarkerSchema);
}

/** The redoable cleanup of the episode (newest undone backup with a marker), if any. */
export async function findRedo(ws: Workspace, epId: string): Promise<{ dir: string; marker: RedoMarker } | null> {
  const root = backupsRoot(ws, epId);
  const names = await readdir(ws.abs(root)).catch(() => [] as string[]);
  let best: { dir: string; marker: RedoMarker } | null = null;
  for (const name of names.filter((n) => n.startsWith(UNDONE_PREFIX + PREFIX))) {
    const file = ws.abs(`${root}/${name}/${MARKER}`);
    if (!(await exists(file))) continue;
    const marker = await readJson(file, redoMarkerSchema);
    if (!best || marker.undone_at > best.marker.undone_at) best = { dir: `${root}/${name}`, marker };
  }
  return best;
}

/** A new cleanup starts a new branch: earlier undone cleanups can no longer be redone. */
export async function dropRedoMarkers(ws: Workspace, epId: string): Promise<void> {
  const root = backupsRoot(ws, epId);
  for (const name of await readdir(ws.abs(root)).catch(() => [] as string[])) {
    if (name.startsWith(UNDONE_PREFIX)) await rm(ws.abs(`${root}/${name}/${MARKER}`), { force: true });
  }
}

export interface RedoResult {
  backup: string;
  restored: number;
  removed: string[];
}

/**
 * Re-applies an undone cleanup from its post-cleanup snapshot, exactly (sha256 checked). Refuses with
 * a message containing "changed after the cleanup was undone" when the episode differs from the state
 * the undo left (review edits made and undone again do not count), unless `force`.
 */
export async function redoCleanup(ws: Workspace, epId: string, undoneDir: string, opts: { force?: boolean } = {}): Promise<RedoResult> {
  const manifest = await readJson(ws.abs(`${undoneDir}/backup.json`), backupManifestSchema);
  if (!manifest.after) throw new Error(`${ws.abs(undoneDir)}: the cleanup never finished, there is nothing to redo`);
  const contents = new Map<string, Buffer>();
  for (const f of manifest.after) {
    const file = ws.abs(`${undoneDir}/${AFTER_DIR}/${f.path}`);
    const buf = await readFile(file).catch(() => null);
    if (!buf) throw new Error(`${file} is missing: this backup has no post-cleanup snapshot, so the cleanup cannot be redone (run it again instead)`);
    if (sha256(buf) !== f.sha256) throw new Error(`snapshot ${file} is damaged: sha256 ${sha256(buf)} ≠ ${f.sha256} in ${ws.abs(`${undoneDir}/backup.json`)}; nothing restored`);
    contents.set(f.path, buf);
  }
  const current = await scopeFiles(ws, epId, manifest.extra_dirs);
  if (!opts.force) {
    const changed = await changedFiles(ws, epId, current, manifest.files, `${undoneDir}/files`);
    if (changed.length) {
      throw new Error(`${epId} changed after the cleanup was undone (${changed.slice(0, 5).join(', ')}${changed.length > 5 ? `, … ${changed.length} files` : ''}); redo would discard those changes`);
    }
  }
  for (const [path, buf] of contents) await writeFileAtomic(ws.abs(path), buf);
  const removed = current.filter((p) => !contents.has(p));
  for (const p of removed) await rm(ws.abs(p), { force: true });
  await removeEmptyDirs(ws, ws.paths(epId).identityThumbsDir);
  for (const d of manifest.extra_dirs) await removeIfEmpty(ws, d);
  const check = await hashFiles(ws, manifest.after.map((f) => f.path));
  const bad = check.filter((f, i) => f.sha256 !== manifest.after![i].sha256);
  if (bad.length) throw new Error(`redo: restored files differ from the snapshot: ${bad.map((f) => f.path).join(', ')}`);
  // Back to an active backup under its old name (the undo entry in the restored stack names it).
  await rm(ws.abs(`${undoneDir}/${MARKER}`), { force: true });
  const name = undoneDir.slice(undoneDir.lastIndexOf('/') + 1).slice(UNDONE_PREFIX.length);
  const dir = `${backupsRoot(ws, epId)}/${name}`;
  await rename(ws.abs(undoneDir), ws.abs(dir));
  return { backup: dir, restored: contents.size, removed };
}
