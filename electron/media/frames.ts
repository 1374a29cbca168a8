// The source frame behind a face, on demand: "show in frame" needs the whole frame at a face's
// timestamp, and full-frame exports are off by default (they are heavy). So one frame is extracted
// from the episode's video when asked (ffmpeg seeks, decodes one frame; sharp encodes the JPEG), kept
// in a per-episode cache inside the frames folder (shared/layout.ts frameCacheRef) and served by the
// media route like any other manifest reference. The cache has a byte budget: the least recently
// used frames are deleted when a new one would exceed it. When frame exports are on, the exported
// frame is used as it is.
//
// Which frame: the one nearest `ts_s` on the video's average frame-rate grid (detect_meta.json fps),
// i.e. frame round(ts_s × fps); ffmpeg seeks to half a frame before it and takes the first frame at or
// after that time, so floating-point noise in a detection's ts_s cannot slip to the next frame.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat, unlink, utimes } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { frameCacheRef, frameRef } from '../../shared/layout';
import { detectMetaSchema, sidePaths } from '../pipeline/sidefiles';
import { locateFfmpeg } from '../pipeline/ffmpeg';
import { isTempFile, removeStaleTempFiles, writeFileAtomic } from '../store/atomic';
import { readJson } from '../store/json';
import type { Workspace } from '../store/workspace';

const execFileP = promisify(execFile);

/** Default cache budget per episode: ≈ 1,000 frames of 720p video, ≈ 400 of 1080p. */
export const DEFAULT_FRAME_CACHE_BYTES = 128 * 1024 * 1024;
const JPEG_QUALITY = 85;
/** One PNG frame of a 4K video is ≈ 25 MB; ffmpeg's output is read into memory. */
const MAX_FRAME_PNG_BYTES = 256 * 1024 * 1024;

export interface FrameAt {
  /** Manifest reference of the JPEG (serve it with the media route / media:// protocol). */
  ref: string;
  frame_idx: number;
  /** The frame's time on the average frame-rate grid. */
  ts_s: number;
  width: number;
  height: number;
  /** Where it came from: the frame exports, the cache, or a new extraction. */
  source: 'export' | 'cache' | 'extracted';
}

export interface FrameCacheOptions {
  /** Bytes of cached JPEGs per episode (the newest frame is always kept, even if alone it is larger). */
  budgetBytes?: number;
  /** The video to read instead of the one detect_meta.json names (it may have moved since the run). */
  videoPath?: (epId: string) => string | undefined;
}

interface Entry { bytes: number; used: number }
interface EpisodeCache { entries: Map<string, Entry>; loaded: Promise<void> | null }

export class FrameCache {
  readonly budgetBytes: number;
  /** Frames decoded by ffmpeg since this cache was made (tests: concurrent requests extract once). */
  extractions = 0;
  private readonly episodes = new Map<string, EpisodeCache>();
  private readonly inFlight = new Map<string, Promise<FrameAt>>();
  private clock = 0;

  constructor(private readonly ws: Workspace, private readonly opts: FrameCacheOptions = {}) {
    this.budgetBytes = opts.budgetBytes ?? DEFAULT_FRAME_CACHE_BYTES;
  }

  /** The frame of episode `epId` nearest `tsS` seconds; one extraction however many ask at once. */
  async frameAt(epId: string, tsS: number): Promise<FrameAt> {
    if (!Number.isFinite(tsS) || tsS < 0) throw new RangeError(`frame time must be a number ≥ 0, got ${tsS}`);
    const meta = await readJson(this.ws.abs(sidePaths(epId).detectMeta), detectMetaSchema);
    const { fps, width, height, duration_sec: duration } = meta.video;
    if (duration > 0 && tsS > duration) throw new RangeError(`frame time ${tsS} s is past the end of the video (${duration} s)`);
    const frameIdx = Math.max(0, Math.round(tsS * fps));
    const base = { frame_idx: frameIdx, ts_s: frameIdx / fps, width, height };
    const exported = frameRef(frameIdx);
    if (existsSync(this.ws.resolveManifestRef(epId, exported))) return { ...base, ref: exported, source: 'export' };
    const key = `${epId}/${frameIdx}`;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const video = this.opts.videoPath?.(epId) ?? meta.video.path;
    const p = this.cached(epId, frameIdx, base, video, Math.max(0, (frameIdx - 0.5) / fps)).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  /** Total bytes of the episode's cached frames, as the cache counts them. */
  async cachedBytes(epId: string): Promise<number> {
    const ep = await this.episode(epId);
    let n = 0;
    for (const e of ep.entries.values()) n += e.bytes;
    return n;
  }

  private async cached(epId: string, frameIdx: number, base: Omit<FrameAt, 'ref' | 'source'>, video: string, seekS: number): Promise<FrameAt> {
    const ref = frameCacheRef(frameIdx);
    const path = this.ws.resolveManifestRef(epId, ref);
    const ep = await this.episode(epId);
    const name = basename(path);
    const hit = ep.entries.get(name);
    // A re-harvest prunes the folder behind the index's back: trust the disk.
    if (hit && (await stat(path).catch(() => null))?.isFile()) {
      hit.used = ++this.clock;
      const now = new Date();
      await utimes(path, now, now).catch(() => undefined);
      return { ...base, ref, source: 'cache' };
    }
    if (!existsSync(video)) throw Object.assign(new Error(`${video}: the episode's video is no longer there`), { code: 'ENOENT' });
    const jpeg = await extractFrameJpeg(video, seekS);
    this.extractions++;
    await writeFileAtomic(path, jpeg);
    ep.entries.set(name, { bytes: jpeg.length, used: ++this.clock });
    await this.evict(ep, dirname(path), name);
    return { ...base, ref, source: 'extracted' };
  }

  /** Least recently used first, until the episode's frames fit the budget; `keep` (the newest) stays. */
  private async evict(ep: EpisodeCache, dir: string, keep: string): Promise<void> {
    let total = 0;
    for (const e of ep.entries.values()) total += e.bytes;
    const order = [...ep.entries].filter(([n]) => n !== keep).sort((a, b) => a[1].used - b[1].used);
    for (const [name, e] of order) {
      if (total <= this.budgetBytes) break;
      await unlink(`${dir}/${name}`).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      ep.entries.delete(name);
      total -= e.bytes;
    }
  }

  /** The episode's index, read once from the folder (last use = mtime), temp files of killed writes swept. */
  private async episode(epId: string): Promise<EpisodeCache> {
    let ep = this.episodes.get(epId);
    if (!ep) {
      ep = { entries: new Map(), loaded: null };
      this.episodes.set(epId, ep);
    }
    const target = ep;
    target.loaded ??= (async () => {
      const dir = dirname(this.ws.resolveManifestRef(epId, frameCacheRef(0)));
      await removeStaleTempFiles(dir);
      const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => !isTempFile(n) && /^frame_\d+\.jpg$/.test(n));
      const stats = await Promise.all(names.map((n) => stat(`${dir}/${n}`).catch(() => null)));
      const found = names.map((n, i) => [n, stats[i]] as const).filter(([, s]) => s?.isFile()).sort((a, b) => a[1]!.mtimeMs - b[1]!.mtimeMs);
      for (const [n, s] of found) target.entries.set(n, { bytes: s!.size, used: ++this.clock });
    })();
    await target.loaded;
    return target;
  }
}

/** One frame of `video` at or after `seekS` seconds, as a JPEG. */
export async function extractFrameJpeg(video: string, seekS: number): Promise<Buffer> {
  const { ffmpeg } = locateFfmpeg();
  let png: Buffer;
  try {
    // -ss before -i: a fast seek to the keyframe before, then decoding up to the exact time.
    ({ stdout: png } = await execFileP(
      ffmpeg,
      ['-v', 'error', '-nostdin', '-ss', seekS.toFixed(6), '-i', video, '-map', '0:v:0', '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1'],
      { encoding: 'buffer', maxBuffer: MAX_FRAME_PNG_BYTES },
    ));
  } catch (err) {
    const e = err as Error & { stderr?: Buffer };
    throw new Error(`${video}: ffmpeg could not extract the frame at ${seekS.toFixed(3)} s: ${e.stderr?.toString().trim() || e.message}`);
  }
  if (!png.length) throw new Error(`${video}: no frame at ${seekS.toFixed(3)} s (past the last frame?)`);
  return sharp(png).jpeg({ quality: JPEG_QUALITY }).toBuffer();
}
