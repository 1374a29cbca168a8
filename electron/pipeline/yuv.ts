// Full-resolution frames cross the pipe from ffmpeg as planar YUV 4:2:0 (half the bytes of RGB, and
// ffmpeg skips the colour conversion of the whole frame); only the pixels around a face are converted
// here, the few hundred regions the harvest crops. Chroma is taken from the 2×2 block a pixel sits in,
// as swscale's unscaled 4:2:0 → RGB path does, with the stream's matrix and range.
import type { RgbImage } from '../models/types';

export interface YuvImage {
  /** Y plane (width × height), then U and V (⌈width/2⌉ × ⌈height/2⌉ each), 8 bits per sample. */
  data: Uint8Array;
  width: number;
  height: number;
  /** The stream's colour matrix (BT.601 when the file does not say). */
  matrix: 'bt601' | 'bt709';
  /** Full-range ("pc", JPEG) samples instead of the usual 16–235 ("tv"). */
  fullRange: boolean;
}

export function yuv420Bytes(width: number, height: number): number {
  return width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
}

/**
 * Per-sample contributions in 16.16 fixed point, by matrix and range: Y (offset and scale applied, with
 * the rounding half), V→R, U→G, V→G, U→B. Four table lookups and adds per pixel instead of float maths.
 */
interface Tables { y: Int32Array; vr: Int32Array; ug: Int32Array; vg: Int32Array; ub: Int32Array }
const tableCache = new Map<string, Tables>();

function tables(img: YuvImage): Tables {
  const key = `${img.matrix}/${img.fullRange}`;
  let t = tableCache.get(key);
  if (t) return t;
  const [kr, kb] = img.matrix === 'bt709' ? [0.2126, 0.0722] : [0.299, 0.114];
  const kg = 1 - kr - kb;
  const ys = img.fullRange ? 1 : 255 / 219, yo = img.fullRange ? 0 : 16, c = img.fullRange ? 1 : 255 / 224;
  const fx = (v: number) => Math.round(v * 65536);
  const tab = (f: (i: number) => number) => Int32Array.from({ length: 256 }, (_, i) => fx(f(i)));
  t = {
    y: tab((i) => (i - yo) * ys + 0.5),
    vr: tab((i) => 2 * (1 - kr) * c * (i - 128)),
    ug: tab((i) => ((2 * kb * (1 - kb)) / kg) * c * (i - 128)),
    vg: tab((i) => ((2 * kr * (1 - kr)) / kg) * c * (i - 128)),
    ub: tab((i) => 2 * (1 - kb) * c * (i - 128)),
  };
  tableCache.set(key, t);
  return t;
}

/** An RGB cut-out of a frame and where its top-left pixel sits in the frame. */
export interface Region {
  image: RgbImage;
  left: number;
  top: number;
}

/** The rectangle [left, left + width) × [top, top + height) of `img`, clipped to it, as RGB. */
export function yuvRegion(img: YuvImage, left: number, top: number, width: number, height: number): Region {
  const x0 = Math.max(0, Math.min(img.width - 1, Math.floor(left)));
  const y0 = Math.max(0, Math.min(img.height - 1, Math.floor(top)));
  const w = Math.max(1, Math.min(img.width - x0, Math.round(width)));
  const h = Math.max(1, Math.min(img.height - y0, Math.round(height)));
  const t = tables(img);
  const W = img.width, cw = Math.ceil(W / 2);
  const uOff = W * img.height, vOff = uOff + cw * Math.ceil(img.height / 2);
  const src = img.data;
  // A clamped view does the clamping to 0–255 on store; >> 16 drops the fixed-point fraction.
  const clamped = new Uint8ClampedArray(w * h * 3);
  let o = 0;
  for (let y = y0; y < y0 + h; y++) {
    const row = y * W, crow = (y >> 1) * cw;
    for (let x = x0; x < x0 + w; x++) {
      const Y = t.y[src[row + x]];
      const U = src[uOff + crow + (x >> 1)], V = src[vOff + crow + (x >> 1)];
      clamped[o++] = (Y + t.vr[V]) >> 16;
      clamped[o++] = (Y - t.ug[U] - t.vg[V]) >> 16;
      clamped[o++] = (Y + t.ub[U]) >> 16;
    }
  }
  const out = new Uint8Array(clamped.buffer);
  return { image: { data: out, width: w, height: h }, left: x0, top: y0 };
}

/** The whole frame as RGB (frame exports). */
export function yuvToRgb(img: YuvImage): RgbImage {
  return yuvRegion(img, 0, 0, img.width, img.height).image;
}
