// The episode's video, for "play the track": the file detect_meta.json names (the run's input), opened
// only if it lies inside one of the folders the host may serve media from — the workspace and the
// folders the host was started with (the same ones the Run dialog browses, browse.ts) — through the
// race-free confined open (store/confined.ts). Nothing a client sends becomes a path: the client names
// an episode, the host reads which file that episode was made from.
import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { isEpId } from '../../shared/episode';
import { detectMetaSchema, sidePaths } from '../pipeline/sidefiles';
import { openConfined } from '../store/confined';
import { readJson } from '../store/json';
import { PathEscapeError, type Workspace } from '../store/workspace';
import type { RangeSource } from './range';

export const VIDEO_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
};

/** Last path segment of the media route that names an episode's video: `/media/<ep_id>/video`. */
export const EPISODE_VIDEO_SEGMENT = 'video';

export type VideoResult = ({ ok: true } & RangeSource) | { ok: false; status: 403 | 404; message: string };

/**
 * Opens episode `epId`'s video for reading, confined to `roots` (absolute folders; the workspace root
 * is always one). 404: no such episode, no run yet, file gone or not a video; 403: the file is outside
 * every root, or a symlink swapped in while opening leads out of them.
 */
export async function openEpisodeVideo(ws: Workspace, epId: string, roots: readonly string[]): Promise<VideoResult> {
  if (!isEpId(epId)) return { ok: false, status: 404, message: 'unknown episode' };
  const metaPath = ws.abs(sidePaths(epId).detectMeta);
  if (!existsSync(metaPath)) return { ok: false, status: 404, message: `${epId} has not been analysed yet (no detect_meta.json)` };
  const { path } = (await readJson(metaPath, detectMetaSchema)).video;
  const contentType = VIDEO_TYPES[extname(path).toLowerCase()];
  if (!contentType) return { ok: false, status: 404, message: `${epId}'s video is not a type a browser plays (${extname(path) || 'no extension'})` };
  for (const root of [ws.root, ...roots]) {
    try {
      const opened = await openConfined(root, path);
      if (!opened) return { ok: false, status: 404, message: `${epId}'s video is no longer where the run read it` };
      return { ok: true, fh: opened.fh, size: opened.stat.size, mtimeMs: opened.stat.mtimeMs, contentType, cacheControl: 'private, no-cache' };
    } catch (err) {
      if (!(err instanceof PathEscapeError)) throw err;
    }
  }
  return { ok: false, status: 403, message: `${epId}'s video is outside the folders this host serves` };
}
