// The one confinement function for media: the web host's GET /media/… and Electron's media://
// protocol both turn a request path into a file through here, so they refuse the same things.
import type { FileHandle } from 'node:fs/promises';
import { extname } from 'node:path';
import { isEpId } from '../../shared/episode';
import { openConfined } from '../store/confined';
import { PathEscapeError, type Workspace } from '../store/workspace';

export const MEDIA_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
};

export type MediaResult =
  | { ok: true; fh: FileHandle; contentType: string; size: number; mtimeMs: number }
  | { ok: false; status: 400 | 403 | 404; message: string };

/**
 * `<ep_id>/<manifest ref>` (URL-encoded segments, as built by shared/ipc mediaUrl) → an open file
 * inside the workspace (the caller streams and closes `fh`). Refuses `..`, absolute and backslash
 * paths, unknown kinds, symlinks leading out of the workspace — also one swapped in while the file is
 * being opened (403) — non-image types and anything that is not an existing regular file (404).
 */
export async function openMedia(ws: Workspace, encodedPath: string): Promise<MediaResult> {
  let segments: string[];
  try {
    segments = encodedPath.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return { ok: false, status: 400, message: 'malformed URL encoding' };
  }
  const [epId, ...rest] = segments;
  if (!epId || !isEpId(epId)) return { ok: false, status: 404, message: 'unknown episode' };
  // Decoded segments may hide '/' or '\\' (%2F, %5C): a segment must be a plain name.
  if (rest.length === 0 || rest.some((s) => s === '' || s === '.' || s === '..' || /[\\/\0]/.test(s))) {
    return { ok: false, status: 403, message: 'path segments must be plain names (no "..", slashes or empty parts)' };
  }
  const ref = rest.join('/');
  const contentType = MEDIA_TYPES[extname(ref).toLowerCase()];
  if (!contentType) return { ok: false, status: 404, message: 'not a media file' };
  let path: string;
  try {
    path = ws.resolveManifestRef(epId, ref);
  } catch (err) {
    if (err instanceof PathEscapeError) return { ok: false, status: 403, message: err.message };
    return { ok: false, status: 403, message: (err as Error).message };
  }
  let opened;
  try {
    opened = await openConfined(ws.root, path);
  } catch (err) {
    if (err instanceof PathEscapeError) return { ok: false, status: 403, message: err.message };
    throw err;
  }
  if (!opened) return { ok: false, status: 404, message: 'no such media file' };
  return { ok: true, fh: opened.fh, contentType, size: opened.stat.size, mtimeMs: opened.stat.mtimeMs };
}
