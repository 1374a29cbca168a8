// Files of the built renderer (dist/renderer), for the web host and Electron's app:// protocol alike:
// confined to the build folder (after resolving symlinks), with the client-route fallback to index.html.
import { realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';

export const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export type StaticResult =
  | { ok: true; path: string; contentType: string; size: number }
  | { ok: false; status: 400 | 403 | 404; message: string };

/** `pathname` is the URL path (still percent-encoded). */
export async function resolveStatic(rendererDir: string, pathname: string): Promise<StaticResult> {
  const root = resolve(rendererDir);
  let rel: string;
  try {
    rel = decodeURIComponent(pathname).replace(/^\/+/, '');
  } catch {
    return { ok: false, status: 400, message: 'malformed URL encoding' };
  }
  if (rel.includes('\0') || rel.split(/[\\/]/).includes('..') || isAbsolute(rel)) return { ok: false, status: 403, message: 'refused' };
  let file = resolve(root, rel || 'index.html');
  let st = await stat(file).catch(() => null);
  if (st?.isDirectory()) {
    file = join(file, 'index.html');
    st = await stat(file).catch(() => null);
  }
  // Client-side routes (no extension) get the app shell.
  if (!st && !extname(rel)) {
    file = join(root, 'index.html');
    st = await stat(file).catch(() => null);
  }
  if (!st || !st.isFile()) return { ok: false, status: 404, message: 'not found' };
  const real = await realpath(file);
  const within = relative(await realpath(root), real);
  if (within.startsWith('..') || isAbsolute(within)) return { ok: false, status: 403, message: 'refused' };
  return { ok: true, path: real, contentType: STATIC_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream', size: st.size };
}
