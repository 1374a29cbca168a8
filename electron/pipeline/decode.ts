// Video → RGB frames with their real presentation timestamps.
// One ffmpeg process streams rgb24 over stdout (no temp files); `select` drops non-stride frames inside
// ffmpeg so they are never converted or piped; `showinfo` on stderr gives each kept frame's pts_time,
// which is what makes variable-frame-rate files come out right (`-vsync 0` = passthrough, no dup/drop).
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RgbImage } from '../models/types';
import { locateFfmpeg } from './ffmpeg';

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
}

export interface DecodedFrame {
  /** Zero-based index among all decoded frames of the video (not among analysed ones). */
  frameIdx: number;
  tsS: number;
  image: RgbImage;
}

export interface DecodeOptions {
  stride?: number;
  /** Keep at most this many frames per second of video (on top of stride), on a 1/fps time grid; 0 or unset = all. */
  analyzeFps?: number;
  /** Only yield these frame indices (must be multiples of stride); used by the harvest's second pass. */
  onlyFrames?: ReadonlySet<number>;
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
      'stream=codec_type,width,height,avg_frame_rate,r_frame_rate,nb_frames,duration:format=duration',
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
  };
}

function abortError(): Error {
  const e = new Error('pipeline cancelled');
  e.name = 'AbortError';
  return e;
}

/**
 * Streams frames in presentation order. Throws DecodeError for unreadable, audio-only or truncated
 * input (after yielding what decoded, so callers must treat the run as failed and not write outputs).
 */
export async function* decodeFrames(path: string, opts: DecodeOptions = {}): AsyncGenerator<DecodedFrame> {
  const stride = Math.max(1, Math.floor(opts.stride ?? 1));
  const info = opts.info ?? (await probeVideo(path));
  const { ffmpeg } = locateFfmpeg();
  const frameBytes = info.width * info.height * 3;
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'level+info',
    '-i', path, '-map', '0:v:0', '-an', '-sn',
    '-vf', `select='not(mod(n\\,${stride}))',showinfo`,
    '-vsync', '0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1',
  ];
  const proc = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  proc.on('error', () => {});

  // showinfo lines arrive on stderr independently of the frame bytes on stdout: queue them by index.
  const timestamps: number[] = [];
  const errors: string[] = [];
  let stderrEnded = false;
  let wake: (() => void) | null = null;
  let stderrRest = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk: string) => {
    const lines = (stderrRest + chunk).split('\n');
    stderrRest = lines.pop() ?? '';
    for (const line of lines) {
      const m = /Parsed_showinfo.*\bn:\s*(\d+)\s+pts:\s*-?\d+\s+pts_time:(-?[\d.eE+-]+)/.exec(line);
      if (m) timestamps[Number(m[1])] = Number(m[2]);
      else if (/\[(error|fatal|panic)\]/.test(line)) errors.push(line.replace(/^.*\[(error|fatal|panic)\]\s*/, ''));
    }
    wake?.();
  });
  proc.stderr.on('end', () => {
    stderrEnded = true;
    wake?.();
  });
  const waitTs = async (n: number) => {
    while (timestamps[n] === undefined && !stderrEnded) await new Promise<void>((r) => (wake = r));
    wake = null;
    return timestamps[n];
  };

  const onAbort = () => proc.kill('SIGKILL');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let outIdx = 0;
  let nextGridT = -Infinity;
  let lastTs = -1;
  let completed = false;
  try {
    let buf = new Uint8Array(frameBytes);
    let filled = 0;
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      if (opts.signal?.aborted) throw abortError();
      let off = 0;
      while (off < chunk.length) {
        const take = Math.min(frameBytes - filled, chunk.length - off);
        buf.set(chunk.subarray(off, off + take), filled);
        filled += take;
        off += take;
        if (filled < frameBytes) continue;
        const n = outIdx++;
        const data = buf;
        buf = new Uint8Array(frameBytes);
        filled = 0;
        const ts = await waitTs(n);
        if (ts === undefined) throw new DecodeError(`${path}: ffmpeg gave no timestamp for output frame ${n}`);
        lastTs = ts;
        const frameIdx = n * stride;
        if (opts.onlyFrames && !opts.onlyFrames.has(frameIdx)) continue;
        if (opts.analyzeFps && !opts.onlyFrames) {
          if (ts < nextGridT - 1e-6) continue;
          nextGridT = (Math.floor(ts * opts.analyzeFps + 1e-6) + 1) / opts.analyzeFps;
        }
        yield { frameIdx, tsS: Math.max(0, ts), image: { data, width: info.width, height: info.height } };
      }
    }
    const code = await exited;
    if (opts.signal?.aborted) throw abortError();
    if (filled > 0) errors.push(`${filled} trailing bytes (incomplete frame)`);
    if (code !== 0 || errors.length) {
      throw new DecodeError(
        `${path}: decoding failed after ${outIdx} frames (last ts ${lastTs.toFixed(2)} s)` +
          `${code !== 0 ? `, ffmpeg exit ${code}` : ''}: ${errors[0] ?? 'no error text'} — the file is damaged or truncated`,
      );
    }
    // A clean exit that stops well short of the stated duration is a truncated file.
    const frameDur = info.fps > 0 ? 1 / info.fps : 0.04;
    if (info.durationSec > 0 && lastTs + stride * frameDur + 0.5 < info.durationSec) {
      throw new DecodeError(
        `${path}: truncated: frames stop at ${lastTs.toFixed(2)} s but the container says ${info.durationSec.toFixed(2)} s`,
      );
    }
    completed = true;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    if (!completed && proc.exitCode === null) proc.kill('SIGKILL');
  }
}

/** Decodes one video frame fully into memory (tests, thumbnails). */
export async function decodeAll(path: string, opts: DecodeOptions = {}): Promise<DecodedFrame[]> {
  const out: DecodedFrame[] = [];
  for await (const f of decodeFrames(path, opts)) out.push(f);
  return out;
}
