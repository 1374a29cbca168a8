// Backups for cleanup, and "undo last cleanup".
//
// Before cleanup writes anything it copies every file it may touch into
//   data/manifests/{ep}/backups/cleanup-<timestamp>/files/<workspace-relative path>
// with backup.json listing each file's sha256 and size: all of data/manifests/{ep}/ (except backups/
// and the review lock; this includes the review journal and undo stack, so review state goes back
// with identities.json),
// all of data/embeds/{ep}/, and the identity thumbnails (re-clustering rewrites and prunes them).
// Other crops are never written by cleanup; the crop folders of split tracks (old and new ids) are in
// the scope, because a split moves those crops to the new tracks' folders. After the write-back the resulting
// hashes are recorded too ("after"), so undo can tell whether anything changed since.
//
// Undo restores the newest backup exactly: the backup's own hashes are checked first, the files are
// written back atomically, files that did not exist at backup time are removed, and every restored
// file's sha256 is checked against the list. The folder is then renamed undone-cleanup-… (kept, never
// picked again).
import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BACKUP_LAYOUT } from '../../../shared/layout';
import { isoTimestamp, nonNegInt } from '../../../shared/schema';
import { isTempFile, writeFileAtomic } from '../../store/atomic';
import { readJson, writeJson } from '../../store/json';
import { BACKUP_PREFIX as PREFIX, BACKUPS_DIR, isReviewLockName, reviewPaths, UNDONE_PREFIX } from '../../store/review';
import type { Workspace } from '../../store/workspace';

export const AFTER_DIR = BACKUP_LAYOUT.afterDir;
/** backup.json of the backup folder `dir`. */
export const backupManifestPath = (dir: string) => `${dir}/${BACKUP_LAYOUT.manifest}`;
const filesDir = (dir: string) => `${dir}/${BACKUP_LAYOUT.filesDir}`;

const fileEntrySchema = z.strictObject({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: nonNegInt });
export type FileEntry = z.infer<typeof fileEntrySchema>;

export const backupManifestSchema = z.strictObject({
  version: z.literal(1),
  ep_id: z.string(),
  created_at: isoTimestamp,
  actions: z.array(z.string()),
  /** Further workspace-relative folders in the backup's scope (crop folders of split tracks, old and new). */
  extra_dirs: z.array(z.string().min(1)).default([]),
  /** Files as they were before the cleanup (workspace-relative paths). */
  files: z.array(fileEntrySchema),
  /** Files as the cleanup left them; null while (or if) the write-back did not finish. */
  after: z.array(fileEntrySchema).nullable(),
});
export type BackupManifest = z.infer<typeof backupManifestSchema>;

export interface BackupRef {
  /** Workspace-relative folder of the backup. */
  dir: string;
  manifest: BackupManifest;
}

export const sha256 = (buf: Uint8Array) => createHash('sha256').update(buf).digest('hex');

async function walk(ws: Workspace, rel: string, skipTop?: string): Promise<string[]> {
  const entries = await readdir(ws.abs(rel), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const out: string[] = [];
  for (const e of entries) {
    // Not episode data: temp files of a write under way, and the review lock the cleanup holds.
    if (e.name === skipTop || isTempFile(e.name) || isReviewLockName(e.name)) continue;
    const child = `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...(await walk(ws, child)));
    else if (e.isFile()) out.push(child);
  }
  return out;
}

/** Workspace-relative paths of every file a cleanup may change, sorted. */
export async function scopeFiles(ws: Workspace, epId: string, extraDirs: readonly string[] = []): Promise<string[]> {
  const p = ws.paths(epId);
  const files = [
    ...(await walk(ws, p.manifestsDir, BACKUPS_DIR)),
    ...(await walk(ws, p.embedsDir)),
    ...(await walk(ws, p.identityThumbsDir)),
  ];
  for (const d of extraDirs) files.push(...(await walk(ws, d)));
  return [...new Set(files)].sort();
}

export async function hashFiles(ws: Workspace, rels: readonly string[]): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  for (const path of rels) {
    const buf = await readFile(ws.abs(path));
    out.push({ path, sha256: sha256(buf), bytes: buf.byteLength });
  }
  return out;
}

export const backupsRoot = (ws: Workspace, epId: string) => reviewPaths(ws, epId).backups;

/** Copies the cleanup's scope into a new backup folder; returns it. */
export async function createBackup(ws: Workspace, epId: string, actions: readonly string[], extraDirs: readonly string[] = [], now = new Date()): Promise<BackupRef> {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let dir = `${backupsRoot(ws, epId)}/${PREFIX}${stamp}`;
  for (let n = 2; await stat(ws.abs(dir)).then(() => true, () => false); n++) dir = `${backupsRoot(ws, epId)}/${PREFIX}${stamp}-${n}`;
  const files: FileEntry[] = [];
  for (const path of await scopeFiles(ws, epId, extraDirs)) {
    const buf = await readFile(ws.abs(path));
    await writeFileAtomic(ws.abs(`${filesDir(dir)}/${path}`), buf);
    files.push({ path, sha256: sha256(buf), bytes: buf.byteLength });
  }
  const manifest: BackupManifest = { version: 1, ep_id: epId, created_at: now.toISOString(), actions: [...actions], extra_dirs: [...extraDirs], files, after: null };
  // backup.json last: a folder without it is an unfinished backup and is ignored by undo.
  await writeJson(ws.abs(backupManifestPath(dir)), manifest, backupManifestSchema);
  return { dir, manifest };
}

/**
 * Records the post-cleanup hashes and keeps a copy of those files in `<backup>/after/` (what a redo
 * of the cleanup restores, undo-step.ts). The copy comes first: `after` in backup.json marks both done.
 */
export async function recordAfter(ws: Workspace, epId: string, backup: BackupRef): Promise<BackupRef> {
  const after: FileEntry[] = [];
  for (const path of await scopeFiles(ws, epId, backup.manifest.extra_dirs)) {
    const buf = await readFile(ws.abs(path));
    await writeFileAtomic(ws.abs(`${backup.dir}/${AFTER_DIR}/${path}`), buf);
    after.push({ path, sha256: sha256(buf), bytes: buf.byteLength });
  }
  const manifest = { ...backup.manifest, after };
  await writeJson(ws.abs(backupManifestPath(backup.dir)), manifest, backupManifestSchema);
  return { dir: backup.dir, manifest };
}

/** Finished backups of the episode that have not been undone, newest first. */
export async function listBackups(ws: Workspace, epId: string): Promise<BackupRef[]> {
  const root = backupsRoot(ws, epId);
  const names = await readdir(ws.abs(root)).catch(() => [] as string[]);
  const out: BackupRef[] = [];
  for (const name of names.filter((n) => n.startsWith(PREFIX))) {
    const dir = `${root}/${name}`;
    const file = ws.abs(backupManifestPath(dir));
    if (!(await stat(file).then(() => true, () => false))) continue;
    out.push({ dir, manifest: await readJson(file, backupManifestSchema) });
  }
  return out.sort((a, b) => (a.manifest.created_at < b.manifest.created_at ? 1 : a.manifest.created_at > b.manifest.created_at ? -1 : a.dir < b.dir ? 1 : -1));
}

export interface UndoResult {
  backup: string;
  restored: number;
  removed: string[];
}

/**
 * Restores the newest cleanup backup. Refuses (naming the files) when the episode changed after that
 * cleanup — e.g. review edits — unless `force`; those changes would be lost.
 */
export async function undoLastCleanup(ws: Workspace, epId: string, opts: { force?: boolean; reviewUndone?: boolean } = {}): Promise<UndoResult> {
  const [last] = await listBackups(ws, epId);
  if (!last) throw new Error(`no cleanup to undo for ${epId}: ${ws.abs(backupsRoot(ws, epId))} holds no finished backup`);
  const { dir, manifest } = last;
  const contents = new Map<string, Buffer>();
  for (const f of manifest.files) {
    const file = ws.abs(`${filesDir(dir)}/${f.path}`);
    const buf = await readFile(file);
    if (sha256(buf) !== f.sha256) throw new Error(`backup ${file} is damaged: sha256 ${sha256(buf)} ≠ ${f.sha256} in ${ws.abs(backupManifestPath(dir))}; nothing restored`);
    contents.set(f.path, buf);
  }
  const current = await scopeFiles(ws, epId, manifest.extra_dirs);
  if (manifest.after && !opts.force) {
    const changed = await changedFiles(ws, epId, current, manifest.after, opts.reviewUndone ? `${dir}/${AFTER_DIR}` : null);
    if (changed.length) {
      throw new Error(`${epId} changed after the cleanup of ${manifest.created_at} (${changed.slice(0, 5).join(', ')}${changed.length > 5 ? `, … ${changed.length} files` : ''}); undo would discard those changes — use force to undo anyway`);
    }
  }
  for (const [path, buf] of contents) await writeFileAtomic(ws.abs(path), buf);
  const keep = new Set(contents.keys());
  const removed = current.filter((p) => !keep.has(p));
  for (const p of removed) await rm(ws.abs(p), { force: true });
  await removeEmptyDirs(ws, ws.paths(epId).identityThumbsDir);
  for (const d of manifest.extra_dirs) await removeIfEmpty(ws, d);
  const check = await hashFiles(ws, manifest.files.map((f) => f.path));
  const bad = check.filter((f, i) => f.sha256 !== manifest.files[i].sha256);
  if (bad.length) throw new Error(`undo: restored files differ from the backup: ${bad.map((f) => f.path).join(', ')}`);
  const name = dir.slice(dir.lastIndexOf('/') + 1);
  await rename(ws.abs(dir), ws.abs(`${backupsRoot(ws, epId)}/${UNDONE_PREFIX}${name}`));
  return { backup: dir, restored: contents.size, removed };
}

/**
 * Files of the scope that differ from `expected`. With `reviewUndoneFrom` (the folder holding the
 * expected files), review edits made since and undone again do not count: the review journal and undo
 * stack are ignored and identities.json is compared without metadata.revision (each edit and each undo
 * bumps it). Callers pass it only when the review undo stack says every later edit was undone.
 */
export async function changedFiles(ws: Workspace, epId: string, current: readonly string[], expected: readonly FileEntry[], reviewUndoneFrom: string | null): Promise<string[]> {
  const now = new Map((await hashFiles(ws, current)).map((f) => [f.path, f.sha256]));
  const want = new Map(expected.map((f) => [f.path, f.sha256]));
  const { journal, undo } = reviewPaths(ws, epId);
  const review = new Set([journal, undo]);
  const out: string[] = [];
  for (const p of [...new Set([...now.keys(), ...want.keys()])].sort()) {
    if (now.get(p) === want.get(p)) continue;
    if (reviewUndoneFrom !== null) {
      if (review.has(p)) continue;
      if (p === ws.paths(epId).identities && now.has(p) && want.has(p)) {
        const strip = (buf: Buffer) => {
          const doc = JSON.parse(buf.toString('utf8')) as { metadata?: Record<string, unknown> };
          delete doc.metadata?.revision;
          return JSON.stringify(doc);
        };
        const expectedBuf = await readFile(ws.abs(`${reviewUndoneFrom}/${p}`)).catch(() => null);
        if (expectedBuf && strip(await readFile(ws.abs(p))) === strip(expectedBuf)) continue;
      }
    }
    out.push(p);
  }
  return out;
}

export async function removeIfEmpty(ws: Workspace, rel: string): Promise<void> {
  const names = await readdir(ws.abs(rel)).catch(() => null);
  if (names && names.length === 0) await rm(ws.abs(rel), { recursive: true, force: true });
}

/** Removes empty sub-folders left by removed identity thumbnails (not the folder itself). */
export async function removeEmptyDirs(ws: Workspace, rel: string): Promise<void> {
  const entries = await readdir(ws.abs(rel), { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const child = join(ws.abs(rel), e.name);
    if ((await readdir(child)).length === 0) await rm(child, { recursive: true, force: true });
  }
}
