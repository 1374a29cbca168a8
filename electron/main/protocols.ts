// The app:// (renderer build) and media:// (episode crops/thumbs) protocols: privileges and handlers.
// Kept free of runtime Electron imports (handlers are plain Request → Response) so they can be tested
// with Node's own fetch types; main.ts registers them.
import type { CustomScheme } from 'electron';
import { readFile } from 'node:fs/promises';
import { episodeMedia } from '../media/episode-media';
import { rangeResponse } from '../media/range';
import type { Workspace } from '../store/workspace';
import { openMedia } from '../host/media';
import { ELECTRON_CSP } from '../host/csp';
import { resolveStatic } from '../host/static';
import { APP_HOST, APP_SCHEME } from './ipc';

export const MEDIA_SCHEME = 'media';
export const MEDIA_HOST = 'episode';

/**
 * Must be registered before 'ready'. app:// behaves like an https origin: standard (relative URLs,
 * an origin for CSP 'self'), secure context, fetch, and CORS, because Vite emits `crossorigin` on its
 * <script type=module>/<link> tags and those loads fail on a scheme without CORS. media:// is
 * standard + secure, and `stream` so a <video> can play an episode's video from it (range requests);
 * neither scheme bypasses the page's CSP.
 */
export const PRIVILEGED_SCHEMES: CustomScheme[] = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true } },
];

const notFound = () => new Response('not found', { status: 404 });

/** app://bundle/<path> → the renderer build (client routes get index.html), with the app's CSP. */
export function appHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return notFound();
    const f = await resolveStatic(rendererDir, url.pathname);
    if (!f.ok) return new Response(f.message, { status: f.status });
    return new Response(await readFile(f.path), {
      headers: { 'Content-Type': f.contentType, 'Content-Security-Policy': ELECTRON_CSP, 'X-Content-Type-Options': 'nosniff' },
    });
  };
}

/**
 * media://episode/<ep>/<ref> → a crop/thumb of the current workspace, through the same confinement
 * as the web host's /media/ route; media://episode/<ep>/video and …/<ep>/frame?t=<s> → the episode's
 * video (range requests; from the workspace or `mediaRoots()`) and its frame at a time
 * (media/episode-media.ts). `workspace()` is read per request: the root can change.
 */
export function mediaHandler(workspace: () => Workspace, mediaRoots: () => readonly string[] = () => []): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${MEDIA_SCHEME}:` || url.host !== MEDIA_HOST) return notFound();
    const path = url.pathname.replace(/^\/+/, '');
    const e = await episodeMedia(workspace(), path, url.searchParams, mediaRoots());
    if (e) {
      if (!e.ok) return new Response(e.message, { status: e.status });
      const r = rangeResponse(request, e.source);
      for (const [k, v] of Object.entries(e.headers ?? {})) r.headers.set(k, v);
      return r;
    }
    const m = await openMedia(workspace(), path);
    if (!m.ok) return new Response(m.message, { status: m.status });
    // Read from the descriptor that was checked, never from the path again.
    const body = await m.fh.readFile().finally(() => m.fh.close());
    return new Response(body, {
      headers: { 'Content-Type': m.contentType, 'Cache-Control': 'private, max-age=300', 'X-Content-Type-Options': 'nosniff' },
    });
  };
}
