// Redo of an undone cleanup or track edit: its post-cleanup snapshot (`<backup>/after/`) written back
// exactly. Where the redo step lives and when it is the next redo: electron/store/review/cleanup-steps.ts.
import { readFile, rename, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../../store/atomic';
import { readJson } from '../../store/json';
import { REDO_MARKER, UNDONE_PREFIX } from '../../store/review';
import type { Workspace } from '../../store/workspace';
import { AFTER_DIR, backupManifestPath, backupManifestSchema, backupsRoot, changedFiles, hashFiles, removeEmptyDirs, removeIfEmpty, scopeFiles, sha256 } from './backup';

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
  const manifest = await readJson(ws.abs(backupManifestPath(undoneDir)), backupManifestSchema);
  if (!manifest.after) throw new Error(`${ws.abs(undoneDir)}: the cleanup never finished, there is nothing to redo`);
  const contents = new Map<string, Buffer>();
  for (const f of manifest.after) {
    const file = ws.abs(`${undoneDir}/${AFTER_DIR}/${f.path}`);
    const buf = await readFile(file).catch(() => null);
    if (!buf) throw new Error(`${file} is missing: this backup has no post-cleanup snapshot, so the cleanup cannot be redone (run it again instead)`);
    if (sha256(buf) !== f.sha256) throw new Error(`snapshot ${file} is damaged: sha256 ${sha256(buf)} ≠ ${f.sha256} in ${ws.abs(backupManifestPath(undoneDir))}; nothing restored`);
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
  await rm(ws.abs(`${undoneDir}/${REDO_MARKER}`), { force: true });
  const name = undoneDir.slice(undoneDir.lastIndexOf('/') + 1).slice(UNDONE_PREFIX.length);
  const dir = `${backupsRoot(ws, epId)}/${name}`;
  await rename(ws.abs(undoneDir), ws.abs(dir));
  return { backup: dir, restored: contents.size, removed };
}
