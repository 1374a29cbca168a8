// Media of an episode that are not manifest references, for both hosts' media routes (the web host's
// GET /media/…, Electron's media://episode/…):
//   <ep>/video           the episode's video (video.ts), with range requests;
//   <ep>/frame?t=<s>     the source frame at t seconds (frames.ts: from the frame exports, the cache or
//                        extracted now), as a JPEG; the response names the frame in X-Frame-Index.
// A manifest reference always starts with a kind folder (crops/, thumbs/, frames/), so these two never
// shadow one. Both answers are confined opens, served by range.ts.
import { isEpId } from '../../shared/episode';
import type { Workspace } from '../store/workspace';
import { openMedia } from '../host/media';
import { FrameCache } from './frames';
import type { RangeSource } from './range';
import { openEpisodeVideo } from './video';

export type EpisodeMediaAnswer =
  | { ok: true; source: RangeSource; headers?: Record<string, string> }
  | { ok: false; status: 400 | 403 | 404; message: string };

/** One frame cache per workspace root, shared by every request of the process. */
const caches = new Map<string, FrameCache>();
const framesOf = (ws: Workspace) => {
  let c = caches.get(ws.root);
  if (!c) caches.set(ws.root, (c = new FrameCache(ws)));
  return c;
};

/**
 * Answers `path` (`<ep>/video` or `<ep>/frame`, still URL-encoded) or returns null when the path is
 * neither (a manifest reference: the caller serves it as before).
 */
export async function episodeMedia(ws: Workspace, path: string, query: URLSearchParams, mediaRoots: readonly string[]): Promise<EpisodeMediaAnswer | null> {
  const m = /^([^/]+)\/(video|frame)$/.exec(path);
  if (!m) return null;
  let ep: string;
  try {
    ep = decodeURIComponent(m[1]);
  } catch {
    return { ok: false, status: 400, message: 'malformed URL encoding' };
  }
  if (!isEpId(ep)) return { ok: false, status: 404, message: 'unknown episode' };
  if (m[2] === 'video') {
    const v = await openEpisodeVideo(ws, ep, mediaRoots);
    return v.ok ? { ok: true, source: v } : v;
  }
  const t = Number(query.get('t') ?? NaN);
  if (!(t >= 0)) return { ok: false, status: 400, message: 'frame needs ?t=<seconds ≥ 0>' };
  let frame;
  try {
    frame = await framesOf(ws).frameAt(ep, t);
  } catch (err) {
    if (err instanceof RangeError) return { ok: false, status: 400, message: err.message };
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return { ok: false, status: 404, message: `no frame for ${ep} at ${t} s: ${ep} has no analysed video` };
    throw err;
  }
  const opened = await openMedia(ws, `${encodeURIComponent(ep)}/${frame.ref}`);
  if (!opened.ok) return opened;
  return {
    ok: true,
    source: { fh: opened.fh, size: opened.size, mtimeMs: opened.mtimeMs, contentType: opened.contentType },
    headers: { 'X-Frame-Index': String(frame.frame_idx), 'X-Frame-Time': frame.ts_s.toFixed(6) },
  };
}
