// Video → RGB frames with their real presentation timestamps.
// One ffmpeg process streams rgb24 over stdout (no temp files) and, when asked, the same frames at
// full size as YUV 4:2:0 over a second pipe (the faces are cut from those: face-crop.ts). Everything that can happen inside
// ffmpeg does: `select` keeps only the frames the caller wants (stride, the analysis-rate time grid,
// or an explicit frame list), and `scale` shrinks them to the detector's input with swscale's SIMD
// code, so dropped frames are never converted or piped and kept ones cross the pipe small. Two
// `showinfo` filters (checksums off) print every decoded frame's number and pts_time, and those of
// the kept ones, which is what maps a kept frame to its index in the video and makes
// variable-frame-rate files come out right (`-vsync 0` = passthrough, no dup/drop). ffmpeg's pipes
// are read in a thread of their own (decode-worker.mjs) that keeps a few whole frames ahead, so
// ffmpeg decodes the next frames while the caller runs inference, which blocks the caller's thread.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { RgbImage } from '../models/types';
import { locateFfmpeg } from './ffmpeg';
import { yuv420Bytes, type YuvImage } from './yuv';

const execFileP = promisify(execFile);

export interface VideoInfo {
  path: string;
  width: number;
  height: number;
  durationSec: number;
  /** Average frame rate (frames / second); for VFR files the mean. */
  fps: number;
  /** Frame count from the container, when it states one. */
  nbFrames: number | null;
  hasAudio: boolean;
  /** ffprobe's color_space and color_range of the video stream ('' when the file does not say). */
  colorSpace: string;
  colorRange: string;
}

export interface DecodedFrame {
  /** Zero-based index among all decoded frames of the video (not among analysed ones). */
  frameIdx: number;
  tsS: number;
  /** The frame, at the video's size or shrunk to `fit`. */
  image: RgbImage;
  /** With `yuv`: the same frame at the video's size, as YUV 4:2:0. */
  yuv?: YuvImage;
  /**
   * Hands the frame's buffers back to the reader for the frames to come (no allocation, less garbage
   * collection); `image` and `yuv` must not be used afterwards. Optional: an unreleased frame is collected.
   */
  release(): void;
}

/** Frames read ahead of the consumer: enough to keep ffmpeg busy through an inference batch. */
const READ_AHEAD = 12;

export interface DecodeOptions {
  stride?: number;
  /** Keep at most this many frames per second of video (on top of stride), on a 1/fps time grid; 0 or unset = all. */
  analyzeFps?: number;
  /** Only yield these frame indices (must be multiples of stride); used by the harvest's second pass. */
  onlyFrames?: ReadonlySet<number>;
  /** Shrink frames (inside ffmpeg, aspect kept, never enlarged) to fit this [width, height]. */
  fit?: readonly [number, number];
  /** Also hand over each kept frame at the video's size as YUV 4:2:0 (`DecodedFrame.yuv`), from the same decode. */
  yuv?: boolean;
  signal?: AbortSignal;
  /** Reuse an earlier probe. */
  info?: VideoInfo;
}

export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

function parseRate(r: unknown): number {
  if (typeof r !== 'string') return 0;
  const [n, d] = r.split('/').map(Number);
  return d ? n / d : Number(n) || 0;
}

export async function probeVideo(path: string): Promise<VideoInfo> {
  const { ffprobe } = locateFfmpeg();
  let stdout: string;
  try {
    ({ stdout } = await execFileP(ffprobe, [
      '-v', 'error', '-show_entries',
      'stream=codec_type,width,height,avg_frame_rate,r_frame_rate,nb_frames,duration,color_space,color_range:format=duration',
      '-of', 'json', path,
    ], { maxBuffer: 4 << 20 }));
  } catch (err) {
    const msg = String((err as { stderr?: string }).stderr || (err as Error).message).trim().split('\n').pop();
    throw new DecodeError(`cannot read video ${path}: ${msg}`);
  }
  const json = JSON.parse(stdout) as {
    streams?: Array<Record<string, unknown>>;
    format?: { duration?: string };
  };
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video');
  if (!video) {
    const kinds = streams.map((s) => s.codec_type).join(', ') || 'none';
    throw new DecodeError(`${path}: no video stream (streams found: ${kinds}); audio-only files cannot be analysed`);
  }
  const width = Number(video.width);
  const height = Number(video.height);
  if (!(width > 0 && height > 0)) throw new DecodeError(`${path}: video stream has no frame size`);
  const durationSec = Number(video.duration ?? json.format?.duration ?? NaN);
  const fps = parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate);
  const nb = Number(video.nb_frames);
  return {
    path,
    width,
    height,
    durationSec: Number.isFinite(durationSec) ? durationSec : 0,
    fps,
    nbFrames: Number.isFinite(nb) && nb > 0 ? nb : null,
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
    colorSpace: typeof video.color_space === 'string' && video.color_space !== 'unknown' ? video.color_space : '',
    colorRange: typeof video.color_range === 'string' && video.color_range !== 'unknown' ? video.color_range : '',
  };
}

function abortError(): Error {
  const e = new Error('pipeline cancelled');
  e.name = 'AbortError';
  return e;
}

/** Output size for `fit`: aspect kept, even sides (rgb24 from 4:2:0 needs none, but scalers prefer them), never larger. */
export function fitSize(width: number, height: number, fit?: readonly [number, number]): [number, number] {
  if (!fit) return [width, height];
  const k = Math.min(1, fit[0] / width, fit[1] / height);
  if (k >= 1) return [width, height];
  return [Math.max(2, 2 * Math.round((width * k) / 2)), Math.max(2, 2 * Math.round((height * k) / 2))];
}

/** The ffmpeg `select` expression for the frames a caller asked for ('' = every frame). */
export function selectExpr(stride: number, opts: Pick<DecodeOptions, 'analyzeFps' | 'onlyFrames'>): string {
  if (opts.onlyFrames) return [...opts.onlyFrames].sort((a, b) => a - b).map((n) => `eq(n\\,${n})`).join('+') || '0';
  const terms: string[] = [];
  if (stride > 1) terms.push(`not(mod(n\\,${stride}))`);
  // The first frame of each 1/fps cell of the time grid (a frame whose cell is later than the last kept one's).
  if (opts.analyzeFps) {
    const f = opts.analyzeFps;
    terms.push(`(isnan(prev_selected_t)+gte(floor(t*${f}+1e-6)\\,floor(prev_selected_t*${f}+1e-6)+1))`);
  }
  return terms.join('*');
}

interface ShowInfoLine { instance: number; n: number; ts: number }
const SHOWINFO = /Parsed_showinfo_(\d+).*\bn:\s*(\d+)\s+pts:\s*-?\d+\s+pts_time:(-?[\d.eE+-]+)/;

/** What one ffmpeg run writes: RGB (shrunk to the given size) on pipe 1, and/or the full frame as YUV 4:2:0. */
interface Outputs { rgb?: readonly [number, number]; yuv: boolean }

/**
 * ffmpeg arguments: showinfo before and after select, so each kept frame maps back to its index in
 * the video. One decoding thread: the models keep the other core busy, and on two cores ffmpeg's
 * frame threads cost more CPU than they save (docs/DECISIONS.md). `maxFrames` (a known frame list)
 * stops ffmpeg after the last wanted frame instead of decoding to the end. RGB and YUV together are
 * split after select: one decode feeds both pipes (RGB on 1, YUV on 3).
 */
function ffmpegArgs(path: string, select: string, info: VideoInfo, out: Outputs, maxFrames?: number): string[] {
  const head = ['showinfo=checksum=0', ...(select ? [`select='${select}'`] : []), 'showinfo=checksum=0'].join(',');
  const scale = out.rgb && (out.rgb[0] !== info.width || out.rgb[1] !== info.height) ? `scale=${out.rgb[0]}:${out.rgb[1]}:flags=bilinear` : 'null';
  const raw = (pixFmt: string, pipe: number) => [...(maxFrames ? ['-frames:v', String(maxFrames)] : []), '-f', 'rawvideo', '-pix_fmt', pixFmt, `pipe:${pipe}`];
  let outputs: string[];
  if (out.rgb && out.yuv) {
    outputs = ['-filter_complex', `[0:v:0]${head},split=2[a][b];[a]${scale}[rgb];[b]null[yuv]`, '-vsync', '0', '-map', '[rgb]', ...raw('rgb24', 1), '-map', '[yuv]', ...raw('yuv420p', 3)];
  } else {
    outputs = ['-map', '0:v:0', '-vf', out.rgb ? `${head},${scale}` : head, '-vsync', '0', ...raw(out.rgb ? 'rgb24' : 'yuv420p', 1)];
  }
  return ['-hide_banner', '-nostdin', '-loglevel', 'level+info', '-threads', '1', '-i', path, '-an', '-sn', ...outputs];
}

/**
 * Parses ffmpeg's stderr as it arrives (`onText`, then `onEnd`). showinfo lines arrive on stderr
 * independently of the frame bytes on stdout. The first filter sees every decoded frame (its n is the
 * frame's index in the video), the last only the kept ones. `indexByPts` keeps the decoded frames not
 * (yet) kept; `waitKept(n)` resolves with the n-th kept frame, or undefined once stderr has ended without it.
 */
function stderrWatcher() {
  const indexByPts = new Map<string, number>();
  const kept: { frameIdx: number; ts: number }[] = [];
  const errors: string[] = [];
  let firstInstance = -1;
  let stderrEnded = false;
  let wake: (() => void) | null = null;
  let stderrRest = '';
  const onText = (chunk: string) => {
    const lines = (stderrRest + chunk).split('\n');
    stderrRest = lines.pop() ?? '';
    for (const line of lines) {
      const m = SHOWINFO.exec(line);
      if (m) {
        const si: ShowInfoLine = { instance: Number(m[1]), n: Number(m[2]), ts: Number(m[3]) };
        if (firstInstance < 0) firstInstance = si.instance;
        if (si.instance === firstInstance) indexByPts.set(m[3], si.n);
        else {
          kept.push({ frameIdx: indexByPts.get(m[3]) ?? -1, ts: si.ts });
          indexByPts.delete(m[3]);
        }
      } else if (/\[(error|fatal|panic)\]/.test(line)) errors.push(line.replace(/^.*\[(error|fatal|panic)\]\s*/, ''));
    }
    wake?.();
  };
  const onEnd = () => {
    stderrEnded = true;
    wake?.();
  };
  const waitKept = async (n: number) => {
    while (kept[n] === undefined && !stderrEnded) await new Promise<void>((r) => (wake = r));
    wake = null;
    return kept[n];
  };
  return { onText, onEnd, indexByPts, errors, waitKept };
}

interface FfmpegRun {
  /** The next whole frame of every output stream, or null once ffmpeg's output has ended. */
  nextFrame(): Promise<Uint8Array[] | null>;
  /** Bytes of an incomplete last frame (known once exited). */
  trailingBytes(): number;
  exited: Promise<number | null>;
  hasExited(): boolean;
  kill(): void;
  /** Gives a frame's buffers (as nextFrame returned them) back to the reader thread. */
  recycle(data: Uint8Array[]): void;
}

/** ffmpeg run and read by decode-worker.mjs; its stderr goes to `stderr` as text. */
function runFfmpeg(ffmpeg: string, args: string[], frameBytes: number[], stderr: { onText(t: string): void; onEnd(): void }): FfmpegRun {
  const worker = new Worker(new URL('./decode-worker.mjs', import.meta.url), { workerData: { ffmpeg, args, frameBytes, maxAhead: READ_AHEAD } });
  const queue: Uint8Array[][] = [];
  let ended = false;
  let trailing = 0;
  let wake: (() => void) | null = null;
  let resolveExit: (code: number | null) => void = () => undefined;
  const exited = new Promise<number | null>((r) => (resolveExit = r));
  const end = (code: number | null) => {
    if (ended) return;
    ended = true;
    stderr.onEnd();
    resolveExit(code);
  };
  worker.on('message', (m: { t: 'frame'; data: Uint8Array[] } | { t: 'stderr'; text: string } | { t: 'close'; code: number | null; filled: number }) => {
    if (m.t === 'frame') queue.push(m.data);
    else if (m.t === 'stderr') stderr.onText(m.text);
    else {
      trailing = m.filled;
      end(m.code);
    }
    wake?.();
    wake = null;
  });
  const lost = (why: string) => {
    if (ended) return; // the normal end: the thread exits after reporting ffmpeg's exit
    stderr.onText(`\n[error] the decoder thread ${why}\n`);
    end(null);
    wake?.();
  };
  worker.on('error', (err) => lost(`failed: ${err.message}`));
  worker.on('exit', () => lost('stopped'));
  return {
    async nextFrame() {
      while (queue.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
      const f = queue.shift() ?? null;
      if (f) worker.postMessage('ack');
      return f;
    },
    trailingBytes: () => trailing,
    exited,
    hasExited: () => ended,
    kill: () => worker.postMessage('kill'),
    recycle: (data) => {
      if (!ended) worker.postMessage({ t: 'recycle', data }, data.map((d) => d.buffer as ArrayBuffer));
    },
  };
}

/**
 * A clean exit whose decoded frames stop well short of the stated duration is a truncated file
 * (judged on every decoded frame, not only the kept ones).
 */
function assertNotTruncated(path: string, info: VideoInfo, stride: number, analyzeFps: number | undefined, lastDecoded: number): void {
  const frameDur = info.fps > 0 ? 1 / info.fps : 0.04;
  if (info.durationSec > 0 && lastDecoded + Math.max(stride * frameDur, analyzeFps ? 1 / analyzeFps : 0) + 0.5 < info.durationSec) {
    throw new DecodeError(
      `${path}: truncated: frames stop at ${lastDecoded.toFixed(2)} s but the container says ${info.durationSec.toFixed(2)} s`,
    );
  }
}

/**
 * Streams frames in presentation order. Throws DecodeError for unreadable, audio-only or truncated
 * input (after yielding what decoded, so callers must treat the run as failed and not write outputs).
 */
export async function* decodeFrames(path: string, opts: DecodeOptions = {}): AsyncGenerator<DecodedFrame> {
  const info = opts.info ?? (await probeVideo(path));
  const [outW, outH] = fitSize(info.width, info.height, opts.fit);
  for await (const f of decodeStreams(path, info, opts, { rgb: [outW, outH], yuv: Boolean(opts.yuv) })) {
    const image = { data: f.data[0], width: outW, height: outH };
    yield { frameIdx: f.frameIdx, tsS: f.tsS, image, ...(opts.yuv ? { yuv: yuvImage(info, f.data[1]) } : {}), release: f.release };
  }
}

/** Like decodeFrames, but only the full frames as YUV 4:2:0 (the harvest, which converts only the faces). */
export async function* decodeYuvFrames(path: string, opts: Omit<DecodeOptions, 'fit' | 'yuv'> = {}): AsyncGenerator<Omit<DecodedFrame, 'image' | 'yuv'> & { yuv: YuvImage }> {
  const info = opts.info ?? (await probeVideo(path));
  for await (const f of decodeStreams(path, info, opts, { yuv: true })) yield { frameIdx: f.frameIdx, tsS: f.tsS, yuv: yuvImage(info, f.data[0]), release: f.release };
}

function yuvImage(info: VideoInfo, data: Uint8Array): YuvImage {
  return { data, width: info.width, height: info.height, matrix: info.colorSpace === 'bt709' ? 'bt709' : 'bt601', fullRange: info.colorRange === 'pc' };
}

/** One ffmpeg run: each kept frame's bytes on every output (in Outputs order), with its index and time. */
async function* decodeStreams(path: string, info: VideoInfo, opts: DecodeOptions, out: Outputs): AsyncGenerator<{ frameIdx: number; tsS: number; data: Uint8Array[]; release(): void }> {
  const stride = Math.max(1, Math.floor(opts.stride ?? 1));
  const { ffmpeg } = locateFfmpeg();
  const frameBytes = [...(out.rgb ? [out.rgb[0] * out.rgb[1] * 3] : []), ...(out.yuv ? [yuv420Bytes(info.width, info.height)] : [])];
  const watcher = stderrWatcher();
  const { indexByPts, errors, waitKept } = watcher;
  const reader = runFfmpeg(ffmpeg, ffmpegArgs(path, selectExpr(stride, opts), info, out, opts.onlyFrames?.size), frameBytes, watcher);

  const onAbort = () => reader.kill();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let outIdx = 0;
  let lastTs = -1;
  let completed = false;
  try {
    for (let data = await reader.nextFrame(); data; data = await reader.nextFrame()) {
      if (opts.signal?.aborted) throw abortError();
      const n = outIdx++;
      const k = await waitKept(n);
      if (k === undefined || k.frameIdx < 0) throw new DecodeError(`${path}: ffmpeg gave no timestamp for output frame ${n}`);
      lastTs = k.ts;
      let released = false;
      const release = () => {
        if (!released) reader.recycle(data);
        released = true;
      };
      yield { frameIdx: k.frameIdx, tsS: Math.max(0, k.ts), data, release };
    }
    const code = await reader.exited;
    if (opts.signal?.aborted) throw abortError();
    const filled = reader.trailingBytes();
    if (filled > 0) errors.push(`${filled} trailing bytes (incomplete frame)`);
    if (code !== 0 || errors.length) {
      throw new DecodeError(
        `${path}: decoding failed after ${outIdx} frames (last ts ${lastTs.toFixed(2)} s)` +
          `${code !== 0 ? `, ffmpeg exit ${code}` : ''}: ${errors[0] ?? 'no error text'} — the file is damaged or truncated`,
      );
    }
    // A clean exit whose decoded frames stop well short of the stated duration is a truncated file
    // (judged on every decoded frame, not only the kept ones).
    if (!opts.onlyFrames) assertNotTruncated(path, info, stride, opts.analyzeFps, lastDecodedTs(indexByPts, lastTs));
    completed = true;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (!completed && !reader.hasExited()) reader.kill();
  }
}

/** Latest pts among decoded frames that were not kept (they stay in the map) and the last kept one. */
function lastDecodedTs(notKept: Map<string, number>, lastKept: number): number {
  let t = lastKept;
  for (const k of notKept.keys()) t = Math.max(t, Number(k));
  return t;
}

/** Decodes one video frame fully into memory (tests, thumbnails). */
export async function decodeAll(path: string, opts: DecodeOptions = {}): Promise<DecodedFrame[]> {
  const out: DecodedFrame[] = [];
  for await (const f of decodeFrames(path, opts)) out.push(f);
  return out;
}
