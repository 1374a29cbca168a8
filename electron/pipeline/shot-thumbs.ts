// The mean picture of each shot, for the same-setup links (shared/cluster/setup-links.ts): every
// analysed frame is reduced to SHOT_THUMB_W × SHOT_THUMB_H cell means in the detection pass, and a
// shot's thumbnail is the mean over its frames. Frames wait (a few, at most the scene-cut detector's
// look-ahead) until their cut decision is final, so memory stays flat however long the episode.
import { existsSync } from 'node:fs';
import { setupLinks, SHOT_THUMB_H, SHOT_THUMB_W, trackPlaces, type ShotThumb } from '../../shared/cluster/setup-links';
import type { RgbImage } from '../models/types';
import { readJson } from '../store/json';
import type { StageContext } from './context';
import type { SceneCut } from './scenecut';
import { shotThumbsSchema, sidePaths } from './sidefiles';

const CELLS = SHOT_THUMB_W * SHOT_THUMB_H;
/** Every STEP-th pixel of every STEP-th row: cell means over ≥ 100 samples at the detector's frame size. */
const STEP = 2;

/** Cell means of a frame, RGB, one value per cell and channel (0…255). */
export function frameThumb(img: RgbImage): Float32Array {
  const { width: W, height: H, data } = img;
  const sum = new Uint32Array(CELLS * 3);
  const count = new Uint32Array(CELLS);
  // Cell column of each sampled x, computed once per frame size rather than per pixel.
  const cols = new Uint16Array(Math.ceil(W / STEP));
  for (let i = 0; i < cols.length; i++) cols[i] = Math.min(SHOT_THUMB_W - 1, Math.floor((i * STEP * SHOT_THUMB_W) / W));
  for (let y = 0; y < H; y += STEP) {
    const row = Math.min(SHOT_THUMB_H - 1, Math.floor((y * SHOT_THUMB_H) / H)) * SHOT_THUMB_W;
    let p = y * W * 3;
    for (let i = 0; i < cols.length; i++, p += STEP * 3) {
      const c = (row + cols[i]) * 3;
      sum[c] += data[p];
      sum[c + 1] += data[p + 1];
      sum[c + 2] += data[p + 2];
      count[row + cols[i]]++;
    }
  }
  const out = new Float32Array(CELLS * 3);
  for (let c = 0; c < CELLS; c++) for (let k = 0; k < 3; k++) out[c * 3 + k] = count[c] ? sum[c * 3 + k] / count[c] : 0;
  return out;
}

/** Per-shot mean thumbnails, fed frame by frame in the scene-cut detector's push order. */
export class ShotThumbs {
  private readonly pending: Array<{ frameIdx: number; thumb: Float32Array }> = [];
  private folded = 0;
  private readonly cutAt = new Set<number>();
  private cutsSeen = 0;
  private current: { start_frame: number; sum: Float64Array; n: number } | null = null;
  private readonly done: ShotThumb[] = [];

  push(frameIdx: number, img: RgbImage): void {
    this.pending.push({ frameIdx, thumb: frameThumb(img) });
  }

  /** Folds the frames whose cut decision is final (the detector's settle() / finish()). */
  fold(s: { decided: number; cuts: readonly SceneCut[] }): void {
    // The detector's cut list only grows (its settle() hands back the whole list).
    for (; this.cutsSeen < s.cuts.length; this.cutsSeen++) this.cutAt.add(s.cuts[this.cutsSeen].frame_idx);
    while (this.pending.length && this.folded < s.decided) {
      const f = this.pending.shift()!;
      this.folded++;
      if (!this.current || this.cutAt.has(f.frameIdx)) {
        this.close();
        this.current = { start_frame: f.frameIdx, sum: new Float64Array(CELLS * 3), n: 0 };
      }
      for (let i = 0; i < f.thumb.length; i++) this.current.sum[i] += f.thumb[i];
      this.current.n++;
    }
  }

  private close(): void {
    const c = this.current;
    if (!c) return;
    this.done.push({ start_frame: c.start_frame, thumb: Uint8Array.from(c.sum, (v) => Math.round(v / c.n)) });
    this.current = null;
  }

  /** Every shot, once the last frame's decision is folded (`fold({ decided: Infinity, … })`). */
  shots(): ShotThumb[] {
    this.close();
    return [...this.done];
  }
}

/** Thumbnail bytes ↔ the base64 text shot_thumbs.json keeps them as. */
export const encodeThumb = (t: Uint8Array): string => Buffer.from(t.buffer, t.byteOffset, t.byteLength).toString('base64');

export function decodeThumb(s: string, where: string): Uint8Array {
  const b = Buffer.from(s, 'base64');
  if (b.length !== CELLS * 3) throw new Error(`${where}: a shot thumbnail has ${b.length} bytes, expected ${CELLS * 3}`);
  return new Uint8Array(b);
}

/**
 * The episode's same-setup links (shared/cluster/setup-links.ts) from its shots (shot_thumbs.json) and
 * where its tracks' faces sit; none when the episode was analysed before the shot thumbnails.
 */
export async function readSetupLinks(
  ctx: Pick<StageContext, 'workspace' | 'epId'>,
  tracks: ReadonlyArray<{ track_id: string; frame_span: readonly number[] }>,
  faces: ReadonlyArray<{ track_id: string; bbox: readonly number[] }>,
): Promise<[string, string][]> {
  const path = ctx.workspace.abs(sidePaths(ctx.epId).shotThumbs);
  if (!existsSync(path)) return [];
  const { shots } = await readJson(path, shotThumbsSchema);
  const thumbs = shots.map((s, i) => ({ start_frame: s.start_frame, thumb: decodeThumb(s.thumb, `${path}: shots[${i}]`) }));
  return setupLinks(thumbs, trackPlaces(tracks, faces));
}
