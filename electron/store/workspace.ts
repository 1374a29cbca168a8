// One workspace root holding every episode (spec §1 layout, see shared/episode.ts). All paths the app
// opens go through `abs`, which keeps them inside the root.
import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { isEpId, parseEpId, type EpisodeId } from '../../shared/episode';
import { episodePaths, manifestRefToWorkspacePath, MANIFESTS_ROOT, type EpisodePaths } from '../../shared/layout';

/** A path that would leave the workspace (absolute, `..`, or a symlink resolving outside the root). */
export class PathEscapeError extends Error {
  override name = 'PathEscapeError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`path "${path}" is refused: ${reason}`);
  }
}

export function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** realpath of `p` if it exists, else of its deepest existing ancestor (joined with the rest). */
function realpathDeepest(p: string): string {
  let cur = p;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(cur), ...rest.reverse());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      // A dangling symlink exists but cannot be resolved: where it points is unknown, so refuse it.
      let dangling = false;
      try {
        dangling = lstatSync(cur).isSymbolicLink();
      } catch {
        /* does not exist at all: go up */
      }
      if (dangling) throw new PathEscapeError(p, `"${cur}" is a dangling symbolic link`);
      const parent = dirname(cur);
      if (parent === cur) return join(cur, ...rest.reverse());
      rest.push(cur.slice(parent.length).replace(/^[\\/]+/, ''));
      cur = parent;
    }
  }
}

export class Workspace {
  /** Absolute path of the workspace root as given (not symlink-resolved). */
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /**
   * Absolute path of a workspace-relative path. Refuses absolute paths, `..` segments and paths whose
   * existing part resolves (through symlinks) outside the root, with a PathEscapeError. The returned
   * path is the lexical one under `root` (symlinks inside the workspace stay as they are).
   */
  abs(relPath: string): string {
    if (typeof relPath !== 'string' || relPath === '') throw new PathEscapeError(String(relPath), 'empty path');
    if (relPath.includes('\0')) throw new PathEscapeError(relPath, 'contains a NUL byte');
    if (isAbsolute(relPath) || /^[a-zA-Z]:/.test(relPath) || relPath.startsWith('\\')) {
      throw new PathEscapeError(relPath, 'absolute paths are not allowed');
    }
    if (relPath.split(/[\\/]/).includes('..')) throw new PathEscapeError(relPath, '".." segments are not allowed');
    const full = resolve(this.root, relPath);
    if (!inside(this.root, full)) throw new PathEscapeError(relPath, 'outside the workspace');
    const realRoot = realpathDeepest(this.root);
    const real = realpathDeepest(full);
    if (!inside(realRoot, real)) {
      throw new PathEscapeError(relPath, `resolves through a symbolic link to "${real}", outside the workspace`);
    }
    return full;
  }

  /** Workspace-relative artifact paths of one episode (see shared/episode.ts). */
  paths(epId: string | EpisodeId): EpisodePaths {
    return episodePaths(epId);
  }

  /** Absolute path of a manifest reference (`crops/…`, `thumbs/…`, `frames/…`) of episode `epId`, confined. */
  resolveManifestRef(epId: string | EpisodeId, ref: string): string {
    if (typeof ref === 'string' && (ref.startsWith('/') || ref.split(/[\\/]/).includes('..') || /^[a-zA-Z]:/.test(ref))) {
      throw new PathEscapeError(ref, 'manifest references must be relative and must not contain ".."');
    }
    return this.abs(manifestRefToWorkspacePath(epId, ref));
  }

  /** Episodes that have a manifests folder (`data/manifests/<ep_id>/`), sorted by id. */
  async listEpisodes(): Promise<EpisodeId[]> {
    const dir = this.abs(MANIFESTS_ROOT);
    const names = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    return names
      .filter((d) => d.isDirectory() && isEpId(d.name))
      .map((d) => parseEpId(d.name))
      .sort((a, b) => (a.epId < b.epId ? -1 : a.epId > b.epId ? 1 : 0));
  }

  /** Synchronous `listEpisodes` for startup code. */
  listEpisodesSync(): EpisodeId[] {
    let names: string[] = [];
    try {
      names = readdirSync(this.abs(MANIFESTS_ROOT), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return names.filter(isEpId).sort().map(parseEpId);
  }
}

