// Synthetic evaluation episode: shots of a few seconds on varied backgrounds, 1–3 real people per shot
// (face cut-outs from ../shared/eval/faces, feathered ellipses), moving smoothly; a hard cut between
// shots; people recur across shots with different photos. Frames are rendered with sharp and piped to
// ffmpeg (H.264). The ground truth (who is where in every frame) is written beside the video.
// Deterministic for a given seed and face library.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { locateFfmpeg } from '../../electron/pipeline/ffmpeg';
import type { FaceDetector } from '../../electron/models/types';
import { evalPeople, loadFaceLibrary, type FaceCutout } from './faces';
import { makeRng, pick, shuffle, type Rng } from './rng';

export interface ComposeOptions {
  outDir: string;
  seed?: number;
  /** Total length, seconds (default 75). */
  durationSec?: number;
  fps?: number;
  width?: number;
  height?: number;
  /** How many of the 14 labeled people take part (default 8), chosen by the seed. */
  numPeople?: number;
  /** Exactly these people instead (eval/faces folder names). */
  people?: string[];
  /** Put one face swap without a cut in the episode (a track that holds two people). */
  forceSwap?: boolean;
  /** Detector used to find faces in the photos (e.g. loadEvalPack().detector), unless `library` is given. */
  detector?: FaceDetector;
  library?: Map<string, FaceCutout[]>;
  /** Base name of the outputs (default "synthetic"). */
  name?: string;
}

export interface TruthFace {
  person: string;
  /** Photo the face comes from, relative to eval/faces (e.g. "celeb-madonna/3.jpg"). */
  photo: string;
  /** [x1, y1, x2, y2] normalised to the frame, the detector's face box carried into the frame. */
  bbox: [number, number, number, number];
}

export interface Truth {
  version: 1;
  seed: number;
  fps: number;
  width: number;
  height: number;
  num_frames: number;
  people: string[];
  shots: Array<{ start_frame: number; end_frame: number; people: string[] }>;
  /** Frames where a face changes person without a cut (forceSwap). */
  swaps: Array<{ frame: number; from: string; to: string }>;
  /** frames[i] = faces on screen in frame i. */
  frames: TruthFace[][];
}

export interface ComposeResult {
  videoPath: string;
  truthPath: string;
  truth: Truth;
}

interface Actor {
  person: string;
  cut: FaceCutout;
  overlay: Buffer; // RGBA raw
  ow: number;
  oh: number;
  scale: number;
  from: [number, number]; // top-left at shot start
  to: [number, number];
}

const smooth = (t: number) => t * t * (3 - 2 * t);

async function background(rng: Rng, w: number, h: number): Promise<Buffer> {
  const colour = () => `rgb(${Math.floor(rng() * 255)},${Math.floor(rng() * 255)},${Math.floor(rng() * 255)})`;
  const shapes: string[] = [];
  for (let i = 0; i < 6; i++) {
    const x = Math.floor(rng() * w), y = Math.floor(rng() * h), s = 40 + Math.floor(rng() * 200);
    shapes.push(rng() < 0.5
      ? `<rect x="${x}" y="${y}" width="${s}" height="${Math.floor(s * (0.5 + rng()))}" fill="${colour()}" opacity="0.6"/>`
      : `<circle cx="${x}" cy="${y}" r="${s / 2}" fill="${colour()}" opacity="0.5"/>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="${rng().toFixed(2)}" y2="1">
      <stop offset="0" stop-color="${colour()}"/><stop offset="1" stop-color="${colour()}"/></linearGradient></defs>
    <rect width="${w}" height="${h}" fill="url(#g)"/>${shapes.join('')}</svg>`;
  return sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
}

/** Cut-out scaled so its face box is `faceH` px tall, with a feathered elliptical alpha. */
async function makeOverlay(cut: FaceCutout, faceH: number): Promise<{ overlay: Buffer; ow: number; oh: number; scale: number }> {
  const scale = faceH / (cut.bbox[3] - cut.bbox[1]);
  const ow = Math.max(8, Math.round(cut.image.width * scale));
  const oh = Math.max(8, Math.round(cut.image.height * scale));
  const rgb = await sharp(cut.image.data, { raw: { width: cut.image.width, height: cut.image.height, channels: 3 } }).resize(ow, oh, { fit: 'fill' }).raw().toBuffer();
  const feather = Math.max(2, Math.round(Math.min(ow, oh) * 0.06));
  const mask = await sharp(Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${ow}" height="${oh}"><filter id="f"><feGaussianBlur stdDeviation="${feather}"/></filter>` +
    `<rect width="${ow}" height="${oh}" fill="black"/><ellipse cx="${ow / 2}" cy="${oh / 2}" rx="${ow / 2 - feather * 1.5}" ry="${oh / 2 - feather * 1.5}" fill="white" filter="url(#f)"/></svg>`,
  )).greyscale().raw().toBuffer();
  const overlay = Buffer.alloc(ow * oh * 4);
  for (let p = 0; p < ow * oh; p++) {
    overlay[p * 4] = rgb[p * 3];
    overlay[p * 4 + 1] = rgb[p * 3 + 1];
    overlay[p * 4 + 2] = rgb[p * 3 + 2];
    overlay[p * 4 + 3] = mask[p * (mask.length / (ow * oh))];
  }
  return { overlay, ow, oh, scale };
}

const photoRef = (cut: FaceCutout) => cut.photo.split('/').slice(-2).join('/');

export async function composeEpisode(opts: ComposeOptions): Promise<ComposeResult> {
  const seed = opts.seed ?? 1;
  const fps = opts.fps ?? 12;
  const W = opts.width ?? 640;
  const H = opts.height ?? 360;
  const totalFrames = Math.round((opts.durationSec ?? 75) * fps);
  const rng = makeRng(seed);
  const people = opts.people ? [...opts.people].sort() : shuffle(rng, evalPeople()).slice(0, opts.numPeople ?? 8).sort();
  let library = opts.library;
  if (!library) {
    if (!opts.detector) throw new Error('composeEpisode: give a detector (or a prepared face library)');
    library = await loadFaceLibrary(opts.detector, people);
  }
  for (const p of people) if (!library.get(p)?.length) throw new Error(`composeEpisode: no usable photo of ${p}`);
  // Each person walks through their photos in a shuffled order, so recurrences use different photos.
  const photoQueue = new Map(people.map((p) => [p, shuffle(rng, [...library!.get(p)!])]));
  const nextCut = (p: string) => {
    const q = photoQueue.get(p)!;
    const c = q.shift()!;
    q.push(c);
    return c;
  };

  mkdirSync(opts.outDir, { recursive: true });
  const name = opts.name ?? 'synthetic';
  const videoPath = join(opts.outDir, `${name}.mp4`);
  const truthPath = join(opts.outDir, `${name}.truth.json`);
  const ff = spawn(locateFfmpeg().ffmpeg, [
    '-y', '-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-r', String(fps), '-i', 'pipe:0',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', videoPath,
  ], { stdio: ['pipe', 'ignore', 'pipe'] });
  let ffErr = '';
  ff.stderr!.on('data', (d) => (ffErr += d));
  const ffDone = new Promise<void>((res, rej) => {
    ff.on('error', rej);
    ff.on('close', (code) => (code === 0 ? res() : rej(new Error(`ffmpeg exited ${code}: ${ffErr.trim()}`))));
  });
  const writeFrame = (buf: Buffer) =>
    new Promise<void>((res, rej) => (ff.stdin!.write(buf, (err) => (err ? rej(err) : res()))));

  const truth: Truth = { version: 1, seed, fps, width: W, height: H, num_frames: totalFrames, people, shots: [], swaps: [], frames: [] };
  let swapDone = !opts.forceSwap;
  let frame = 0;
  let shotNo = 0;
  try {
    while (frame < totalFrames) {
      const len = Math.min(totalFrames - frame, Math.round((3 + rng() * 4) * fps));
      const k = 1 + Math.floor(rng() * 3);
      const cast = shuffle(rng, [...people]).slice(0, k);
      const bg = await background(rng, W, H);
      const slot = W / k;
      const actors: Actor[] = [];
      for (let i = 0; i < k; i++) {
        const faceH = k === 1 ? 90 + rng() * 50 : k === 2 ? 70 + rng() * 40 : 55 + rng() * 30;
        const cut = nextCut(cast[i]);
        const o = await makeOverlay(cut, faceH);
        const place = (): [number, number] => {
          // Keep the face box (not the whole cut-out) inside this person's slot and the frame.
          const fx = (cut.bbox[0] + cut.bbox[2]) / 2 * o.scale, fy = (cut.bbox[1] + cut.bbox[3]) / 2 * o.scale;
          const cx = slot * i + slot * (0.3 + 0.4 * rng());
          const cy = H * (0.3 + 0.4 * rng());
          return [Math.round(Math.min(W - o.ow, Math.max(0, cx - fx))), Math.round(Math.min(H - o.oh, Math.max(0, cy - fy)))];
        };
        actors.push({ person: cast[i], cut, ...o, from: place(), to: place() });
      }
      // One swap: mid-shot, the first actor becomes someone not in the shot, same place and size.
      let swapAt = -1;
      let swapTo: Actor | null = null;
      if (!swapDone && len >= 4 * fps && shotNo >= 1) {
        const other = pick(rng, people.filter((p) => !cast.includes(p)));
        const a = actors[0];
        const cut = nextCut(other);
        const faceH = (a.cut.bbox[3] - a.cut.bbox[1]) * a.scale;
        const o = await makeOverlay(cut, faceH);
        const shift = (p: [number, number]): [number, number] => {
          // Align the new face box centre with the old one.
          const dx = ((a.cut.bbox[0] + a.cut.bbox[2]) / 2) * a.scale - ((cut.bbox[0] + cut.bbox[2]) / 2) * o.scale;
          const dy = ((a.cut.bbox[1] + a.cut.bbox[3]) / 2) * a.scale - ((cut.bbox[1] + cut.bbox[3]) / 2) * o.scale;
          return [Math.round(Math.min(W - o.ow, Math.max(0, p[0] + dx))), Math.round(Math.min(H - o.oh, Math.max(0, p[1] + dy)))];
        };
        swapTo = { person: other, cut, ...o, from: shift(a.from), to: shift(a.to) };
        swapAt = Math.floor(len / 2);
        truth.swaps.push({ frame: frame + swapAt, from: a.person, to: other });
        swapDone = true;
      }
      const shotPeople = new Set(cast);
      if (swapTo) shotPeople.add(swapTo.person);
      truth.shots.push({ start_frame: frame, end_frame: frame + len - 1, people: [...shotPeople] });
      for (let f = 0; f < len; f++) {
        const t = smooth(len > 1 ? f / (len - 1) : 0);
        const onScreen = actors.map((a, i) => (i === 0 && swapTo && f >= swapAt ? swapTo : a));
        const composites: OverlayOptions[] = [];
        const faces: TruthFace[] = [];
        for (const a of onScreen) {
          const left = Math.round(a.from[0] + (a.to[0] - a.from[0]) * t);
          const top = Math.round(a.from[1] + (a.to[1] - a.from[1]) * t);
          composites.push({ input: a.overlay, raw: { width: a.ow, height: a.oh, channels: 4 }, left, top });
          const b = a.cut.bbox;
          faces.push({
            person: a.person,
            photo: photoRef(a.cut),
            bbox: [
              Math.max(0, (left + b[0] * a.scale) / W), Math.max(0, (top + b[1] * a.scale) / H),
              Math.min(1, (left + b[2] * a.scale) / W), Math.min(1, (top + b[3] * a.scale) / H),
            ],
          });
        }
        const buf = await sharp(bg, { raw: { width: W, height: H, channels: 3 } }).composite(composites).removeAlpha().raw().toBuffer();
        await writeFrame(buf);
        truth.frames.push(faces);
      }
      frame += len;
      shotNo++;
    }
  } finally {
    ff.stdin!.end();
  }
  await ffDone;
  if (opts.forceSwap && truth.swaps.length === 0) throw new Error('composeEpisode: no shot was long enough for the forced swap; lengthen durationSec');
  writeFileSync(truthPath, JSON.stringify(truth));
  return { videoPath, truthPath, truth };
}
