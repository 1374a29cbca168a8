// Which episode each enqueued video is. A file name that says `s05e02` (any case, any separators:
// `RHOBH.S05E02.mkv`, `rhobh_s5e2.mp4`) gives season and episode, and its show when --show is absent
// (the words before the tag); otherwise `--show S --season N` numbers the files in the order given,
// and a single video may be named outright with `--ep <ep_id>`.
import { basename, extname } from 'node:path';
import { isEpId, parseEpId } from '../../shared/episode';

export interface NamingOptions {
  show?: string;
  season?: number;
  epId?: string;
}

export interface NamedVideo {
  video: string;
  epId: string;
}

const TAG_RE = /s(\d{1,3})[ ._-]?e(\d{1,4})/i;

/** Lower-case show slug: letters and digits, runs of anything else become one dash. */
export function showSlug(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function fromTag(video: string, show: string | undefined): string | null {
  const stem = basename(video, extname(video));
  const m = TAG_RE.exec(stem);
  if (!m) return null;
  const slug = showSlug(show ?? stem.slice(0, m.index));
  if (!slug) return null;
  return `${slug}-s${m[1].padStart(2, '0')}e${m[2].padStart(2, '0')}`;
}

/**
 * One ep_id per video, or an error naming the video that could not be named. Two videos mapping to
 * one episode is an error too (two jobs would fight over one episode's files).
 */
export function nameEpisodes(videos: string[], opts: NamingOptions): NamedVideo[] {
  if (opts.epId !== undefined) {
    parseEpId(opts.epId);
    if (videos.length !== 1) throw new Error(`--ep names one episode, but ${videos.length} videos were given`);
    return [{ video: videos[0], epId: opts.epId }];
  }
  const show = opts.show === undefined ? undefined : showSlug(opts.show);
  if (show === '') throw new Error(`--show "${opts.show}" has no letters or digits`);
  const named = videos.map((video, i) => {
    const tagged = fromTag(video, show);
    if (tagged) return { video, epId: tagged };
    if (show && opts.season !== undefined) return { video, epId: `${show}-s${String(opts.season).padStart(2, '0')}e${String(i + 1).padStart(2, '0')}` };
    throw new Error(`${video}: the file name has no s##e## tag; pass --show S --season N (episodes numbered in the order given) or --ep <ep_id>`);
  });
  const seen = new Map<string, string>();
  for (const n of named) {
    if (!isEpId(n.epId)) throw new Error(`${n.video}: derived ep_id "${n.epId}" is not valid`);
    const prev = seen.get(n.epId);
    if (prev) throw new Error(`${prev} and ${n.video} are both ${n.epId}`);
    seen.set(n.epId, n.video);
  }
  return named;
}
