// The Run dialog's file browser for the web host: a browser page cannot show a native file picker
// that yields a path on the host, so the host lists the folders it was started with (its roots) and
// their sub-folders and video files, and the client picks by (root id, relative path). Confined like
// media: a path is plain names only (no "..", absolute parts, backslashes or NUL), it must resolve
// (symlinks followed) inside its root, and entries whose symlink leads out of the root are not
// listed; hidden entries (dot files) are not listed either.
import { constants } from 'node:fs';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import type { BrowseEntry, BrowseRequest, BrowseResponse } from '../../shared/browse';
import { browseRequestSchema } from '../../shared/browse';
import { openConfined } from '../store/confined';
import { inside, PathEscapeError } from '../store/workspace';

/** What the pipeline can read (ffmpeg): listed as videos. */
export const VIDEO_EXTENSIONS = new Set(['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.mpg', '.mpeg', '.ts', '.mts', '.m2ts', '.wmv', '.flv']);
/** Entries per listing; a folder with more is listed up to this, `truncated` set. */
export const MAX_ENTRIES = 2000;

export class BrowseError extends Error {
  override name = 'BrowseError';
  constructor(
    readonly status: 400 | 403 | 404,
    message: string,
  ) {
    super(message);
  }
}

interface Root { id: string; label: string; path: string }

export class FolderBrowser {
  private readonly list: Root[];

  /** `roots`: absolute folders (duplicates dropped); ids are stable for one host run. */
  constructor(
    roots: readonly string[],
    private readonly maxEntries = MAX_ENTRIES,
  ) {
    const seen = new Set<string>();
    this.list = [];
    for (const r of roots) {
      const p = resolve(r);
      if (seen.has(p)) continue;
      seen.add(p);
      this.list.push({ id: `root-${this.list.length + 1}`, label: p, path: p });
    }
  }

  get roots(): ReadonlyArray<{ id: string; label: string }> {
    return this.list.map(({ id, label }) => ({ id, label }));
  }

  /** Lists a folder (or, without `root`, the roots). Throws BrowseError (status + message). */
  async browse(request: BrowseRequest): Promise<BrowseResponse> {
    const req = parse(request);
    const roots = [...this.roots];
    if (req.root === undefined) return { roots, path: '', parent: null, entries: [], truncated: false };
    const { dir, realRoot } = await this.resolveIn(req.root, req.path);
    const st = await stat(dir).catch(() => null);
    if (!st?.isDirectory()) throw new BrowseError(404, `no folder "${req.path}" in ${req.root}`);
    const dirents = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      throw new BrowseError(err.code === 'EACCES' ? 403 : 404, `cannot list "${req.path}": ${err.code ?? err.message}`);
    });
    const entries: BrowseEntry[] = [];
    for (const d of dirents.sort((a, b) => a.name.localeCompare(b.name))) {
      if (d.name.startsWith('.')) continue;
      const e = await entryOf(dir, d.name, realRoot);
      if (e) entries.push(e);
    }
    entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
    const parent = req.path === '' ? null : req.path.split('/').slice(0, -1).join('/');
    return { roots, root: req.root, path: req.path, parent, entries: entries.slice(0, this.maxEntries), truncated: entries.length > this.maxEntries };
  }

  /** The absolute (symlink-resolved) path of a video picked in the browser, checked to be a readable video file inside its root. */
  async resolveVideo(request: BrowseRequest): Promise<string> {
    const req = parse(request);
    if (req.root === undefined || req.path === '') throw new BrowseError(400, 'pick a video file');
    if (!VIDEO_EXTENSIONS.has(extname(req.path).toLowerCase())) throw new BrowseError(400, `"${basename(req.path)}" is not a video file`);
    const { dir, realRoot } = await this.resolveIn(req.root, req.path);
    let opened;
    try {
      opened = await openConfined(realRoot, dir);
    } catch (err) {
      if (err instanceof PathEscapeError) throw new BrowseError(403, `"${req.path}" leads out of ${req.root}`);
      throw err;
    }
    if (!opened) throw new BrowseError(404, `no video "${req.path}" in ${req.root}`);
    await opened.fh.close();
    return realpath(dir);
  }

  private async resolveIn(rootId: string, rel: string): Promise<{ dir: string; realRoot: string }> {
    const root = this.list.find((r) => r.id === rootId);
    if (!root) throw new BrowseError(404, `unknown folder "${rootId}"`);
    const realRoot = await realpath(root.path).catch(() => {
      throw new BrowseError(404, `${root.label} is not there any more`);
    });
    const full = rel === '' ? realRoot : join(realRoot, ...rel.split('/'));
    const real = await realpath(full).catch(() => {
      throw new BrowseError(404, `no "${rel}" in ${rootId}`);
    });
    if (!inside(realRoot, real)) throw new BrowseError(403, `"${rel}" leads out of ${rootId}`);
    return { dir: real, realRoot };
  }
}

function parse(request: BrowseRequest) {
  const r = browseRequestSchema.safeParse(request);
  if (!r.success) throw new BrowseError(400, `browse: ${r.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** A listed entry: a folder or a video file, after following a symlink — only if it stays inside the root. */
async function entryOf(dir: string, name: string, realRoot: string): Promise<BrowseEntry | null> {
  const p = join(dir, name);
  const real = await realpath(p).catch(() => null);
  if (real === null || !inside(realRoot, real)) return null;
  const st = await stat(real).catch(() => null);
  if (st?.isDirectory()) return (await access(real, constants.R_OK | constants.X_OK).then(() => true, () => false)) ? { name, kind: 'dir' } : null;
  if (st?.isFile() && VIDEO_EXTENSIONS.has(extname(name).toLowerCase())) return { name, kind: 'video', size: st.size };
  return null;
}
