// Which ffmpeg/ffprobe binaries run. Order: ffmpeg-static (optional dep; its download fails offline,
// so its path often points at nothing), then @ffmpeg-installer/@ffprobe-installer, then PATH.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface FfmpegLocation {
  ffmpeg: string;
  ffprobe: string;
  /** Where they came from, for the "ffmpeg: …" log line. */
  source: 'ffmpeg-static' | '@ffmpeg-installer' | 'PATH';
}

const require = createRequire(import.meta.url);

function tryResolve(load: () => unknown): string | null {
  try {
    const v = load();
    const raw = typeof v === 'string' ? v : (v as { path?: unknown } | null)?.path;
    // Packaged app: binaries are unpacked beside the asar (build/electron-builder.yml asarUnpack); spawn needs that path.
    const p = typeof raw === 'string' ? raw.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1') : raw;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

let cached: FfmpegLocation | null = null;

export function locateFfmpeg(): FfmpegLocation {
  if (cached) return cached;
  const installerProbe = tryResolve(() => require('@ffprobe-installer/ffprobe'));
  const staticFfmpeg = tryResolve(() => require('ffmpeg-static'));
  if (staticFfmpeg) {
    // ffmpeg-static ships no ffprobe; pair it with the installer's or PATH's.
    cached = { ffmpeg: staticFfmpeg, ffprobe: installerProbe ?? 'ffprobe', source: 'ffmpeg-static' };
    return cached;
  }
  const installerFfmpeg = tryResolve(() => require('@ffmpeg-installer/ffmpeg'));
  if (installerFfmpeg && installerProbe) {
    cached = { ffmpeg: installerFfmpeg, ffprobe: installerProbe, source: '@ffmpeg-installer' };
    return cached;
  }
  cached = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', source: 'PATH' };
  return cached;
}

export function describeFfmpeg(loc: FfmpegLocation = locateFfmpeg()): string {
  return `ffmpeg: ${loc.source} (${loc.ffmpeg})`;
}
