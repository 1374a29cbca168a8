// Opening a file that must lie inside the workspace, race-free. Checking a path (realpath inside the
// root) and then opening it by name leaves a window in which a symlink can be swapped in; so the file
// is opened once, without following a symlink in its last component, and the opened descriptor itself
// is checked (where it really points, or its device and inode) before anything is read from it.
import { constants, type Stats } from 'node:fs';
import { open, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { inside, PathEscapeError } from './workspace';

export interface ConfinedFile {
  fh: FileHandle;
  stat: Stats;
}

const FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Where the open descriptor points: Linux names it in /proc; elsewhere the path must still be that file. */
async function descriptorPath(fh: FileHandle, opened: string, st: Stats): Promise<string | null> {
  const proc = await readlink(`/proc/self/fd/${fh.fd}`).catch(() => null);
  if (proc !== null) return proc;
  const now = await stat(opened).catch(() => null);
  const real = await realpath(opened).catch(() => null);
  return now && now.dev === st.dev && now.ino === st.ino && real === opened ? opened : null;
}

/**
 * Opens `path` (absolute, under `root`) for reading. Resolves to null when it does not exist or is not a
 * regular file; throws PathEscapeError when it is, or becomes while being opened, a file outside `root`.
 * The caller reads from (and closes) the returned handle.
 */
export async function openConfined(root: string, path: string): Promise<ConfinedFile | null> {
  const missing = (err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  };
  const realRoot = await realpath(root).catch(missing);
  const real = realRoot === null ? null : await realpath(path).catch(missing);
  if (realRoot === null || real === null) return null;
  if (!inside(realRoot, real)) throw new PathEscapeError(path, `resolves to "${real}", outside the workspace`);
  let fh: FileHandle;
  try {
    fh = await open(real, FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK') throw new PathEscapeError(path, 'became a symbolic link while being opened');
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
  try {
    const st = await fh.stat();
    const where = await descriptorPath(fh, real, st);
    if (where === null || !inside(realRoot, where)) throw new PathEscapeError(path, 'changed to a file outside the workspace while being opened');
    if (!st.isFile()) {
      await fh.close();
      return null;
    }
    return { fh, stat: st };
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
}
