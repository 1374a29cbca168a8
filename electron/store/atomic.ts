// Atomic replacement of files: write a temp file in the destination's directory, fsync it, rename it
// over the destination, fsync the directory. A reader (or a crash) sees the old file or the new one,
// never a torn one. Hand-written because write-file-atomic (the usual choice) does not fsync the
// directory after the rename, so the rename itself may not survive a power loss.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink, readdir, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A chunk accepted by `writeStreamAtomic`'s `write` callback (strings are written as UTF-8). */
export type Chunk = string | Uint8Array;

const TEMP_MARK = '.tmp-';

/** Name of the temporary sibling used while writing `path` (hidden, recognisable by `isTempFile`). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}${TEMP_MARK}${process.pid}-${randomBytes(6).toString('hex')}`);
}

/** True for leftovers of an interrupted atomic write (safe to delete once no writer runs). */
export function isTempFile(name: string): boolean {
  return name.startsWith('.') && name.includes(TEMP_MARK);
}

export async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (err) {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic there.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw err;
  } finally {
    await fh?.close();
  }
}

async function writeAll(fh: FileHandle, chunk: Chunk): Promise<void> {
  const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  let off = 0;
  while (off < buf.byteLength) {
    const { bytesWritten } = await fh.write(buf, off, buf.byteLength - off);
    off += bytesWritten;
  }
}

/**
 * Writes a file atomically by streaming chunks into a temp file: `writer` receives a `write(chunk)`
 * function and resolves when done. If `writer` throws, the destination is left untouched and the temp
 * file removed. Parent directories are created.
 */
export async function writeStreamAtomic(
  path: string,
  writer: (write: (chunk: Chunk) => Promise<void>) => Promise<void>,
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = tempPathFor(path);
  const fh = await open(tmp, 'wx', 0o644);
  let closed = false;
  try {
    await writer((chunk) => writeAll(fh, chunk));
    await fh.sync();
    await fh.close();
    closed = true;
    await rename(tmp, path);
  } catch (err) {
    if (!closed) await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
}

/** Writes `data` (string → UTF-8) to `path` atomically: temp file + fsync + rename + fsync of the directory. */
export async function writeFileAtomic(path: string, data: Chunk): Promise<void> {
  await writeStreamAtomic(path, (write) => write(data));
}

/**
 * Writes `data` to `path` and fsyncs it, without the temp file and rename of writeFileAtomic: for a
 * scratch file nobody reads until it is moved into place (moveFile), so it cannot be seen torn.
 */
export async function writeFileSynced(path: string, data: Chunk): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(path, 'w', 0o644);
  try {
    await writeAll(fh, data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Renames a file already fsynced (writeFileSynced) over `dest`, making its folder. The rename is
 * atomic; it is durable once the caller has fsynced the destination folders (fsyncDir), which it does
 * once for all the files it moved, before anything that names them is written.
 */
export async function moveFile(src: string, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  await rename(src, dest);
}

/**
 * Appends `data` and fsyncs before resolving: for append-only logs (e.g. the review journal) where a
 * whole-file rewrite per entry would be wasteful. A crash can leave a torn last line, which readers
 * must detect (see `readJsonl`'s `tornTail` option).
 */
export async function appendFileDurable(path: string, data: Chunk): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const existed = await stat(path).then(() => true, () => false);
  const fh = await open(path, 'a', 0o644);
  try {
    await writeAll(fh, data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  if (!existed) await fsyncDir(dir);
}

/** False only when the temp file's writer (the pid in its name) is known to be gone from this machine. */
function writerMayBeAlive(name: string): boolean {
  const pid = Number(/\.tmp-(\d+)-/.exec(name)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes leftovers of interrupted atomic writes in `dir`. A temp file whose writer is still running
 * (its pid, on this machine) is left alone, so this is safe while other processes write.
 */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((n) => isTempFile(n) && !writerMayBeAlive(n));
  await Promise.all(stale.map((n) => unlink(join(dir, n)).catch(() => undefined)));
  return stale;
}
