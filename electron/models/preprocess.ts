// Image → model input tensor in one pass: resize (bilinear, cv2.INTER_LINEAR's pixel-centre
// convention), optional letterbox (keep aspect, pad right/bottom like insightface's det_img),
// channel order, (px − mean) / std, NCHW or NHWC. Fused by hand because it runs on every frame and
// a separate resize + normalise + transpose would allocate three full-size buffers.
import type { TensorInput } from './manifest';
import type { RgbImage } from './types';

export interface PreparedInput {
  data: Float32Array;
  dims: number[];
  /** Model-input pixels per original pixel, horizontally and vertically (equal when letterboxed). */
  scaleX: number;
  scaleY: number;
}

type InputSpec = Pick<TensorInput, 'layout' | 'channelOrder' | 'mean' | 'std'> & { resize?: 'letterbox' | 'stretch' };

/** Per-axis source indices and weights for a bilinear resize from `src` to `dst` samples. */
function axisTable(src: number, dst: number) {
  const i0 = new Int32Array(dst), i1 = new Int32Array(dst), w = new Float32Array(dst);
  const ratio = src / dst;
  for (let d = 0; d < dst; d++) {
    let s = (d + 0.5) * ratio - 0.5;
    if (s < 0) s = 0;
    let a = Math.floor(s);
    if (a > src - 1) a = src - 1;
    i0[d] = a;
    i1[d] = Math.min(a + 1, src - 1);
    w[d] = Math.min(1, s - a);
  }
  return { i0, i1, w };
}

/** The size the image's pixels take inside the W × H input: all of it (stretch), or aspect kept (letterbox). */
function contentSize(w: number, h: number, [W, H]: readonly [number, number], resize: InputSpec['resize']): [number, number] {
  if ((resize ?? 'letterbox') !== 'letterbox') return [W, H];
  return h / w > H / W ? [Math.max(1, Math.floor(H / (h / w))), H] : [W, Math.max(1, Math.floor(W * (h / w)))];
}

/** `out`, when given and of the tensor's length, is filled instead of a new buffer (callers reuse one per session). */
export function imageToTensor(img: RgbImage, spec: InputSpec, size: readonly [number, number], out?: Float32Array): PreparedInput {
  const [W, H] = size;
  const { width: w, height: h, data: src } = img;
  if (w <= 0 || h <= 0 || src.length < w * h * 3) {
    throw new Error(`imageToTensor: image buffer ${src.length} B does not hold ${w}×${h} RGB`);
  }
  const [newW, newH] = contentSize(w, h, size, spec.resize);
  const plane = W * H;
  const data = out?.length === plane * 3 ? out : new Float32Array(plane * 3);
  const nchw = spec.layout === 'NCHW';
  // Output channel c reads input channel srcCh[c] (RGB image → BGR model swaps 0 and 2).
  const srcCh = spec.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const mul = spec.std.map((s) => 1 / s);
  const pad = [0, 1, 2].map((c) => (0 - spec.mean[c]) * mul[c]);
  const dims = nchw ? [1, 3, H, W] : [1, H, W, 3];
  if (newW === w && newH === h) {
    // The decoder already delivered the frame at the model's size (ffmpeg scaled it): normalise and pad only.
    copyNormalised(src, w, h, W, H, data, nchw, srcCh, spec.mean, mul, pad);
    return { data, dims, scaleX: 1, scaleY: 1 };
  }
  const xs = axisTable(w, newW), ys = axisTable(h, newH);
  const row = w * 3;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = y * W + x;
      if (x >= newW || y >= newH) {
        for (let c = 0; c < 3; c++) data[nchw ? c * plane + o : o * 3 + c] = pad[c];
        continue;
      }
      const wy = ys.w[y], wx = xs.w[x];
      const r0 = ys.i0[y] * row, r1 = ys.i1[y] * row, c0 = xs.i0[x] * 3, c1 = xs.i1[x] * 3;
      for (let c = 0; c < 3; c++) {
        const k = srcCh[c];
        const top = src[r0 + c0 + k] + (src[r0 + c1 + k] - src[r0 + c0 + k]) * wx;
        const bot = src[r1 + c0 + k] + (src[r1 + c1 + k] - src[r1 + c0 + k]) * wx;
        const v = (top + (bot - top) * wy - spec.mean[c]) * mul[c];
        data[nchw ? c * plane + o : o * 3 + c] = v;
      }
    }
  }
  return { data, dims, scaleX: newW / w, scaleY: newH / h };
}

/**
 * Same-size path of imageToTensor: (px − mean) / std per channel into the top-left w × h, padding
 * elsewhere. It runs on every analysed frame, so each channel maps bytes through a 256-entry table
 * and the loops carry no per-pixel branches.
 */
function copyNormalised(
  src: Uint8Array, w: number, h: number, W: number, H: number, data: Float32Array, nchw: boolean,
  srcCh: number[], mean: readonly number[], mul: number[], pad: number[],
): void {
  const plane = W * H;
  const lut = new Float32Array(256);
  for (let c = 0; c < 3; c++) {
    const k = srcCh[c], m = mean[c], f = mul[c];
    for (let v = 0; v < 256; v++) lut[v] = (v - m) * f;
    const base = nchw ? c * plane : c;
    const step = nchw ? 1 : 3;
    for (let y = 0; y < H; y++) {
      let o = base + y * W * step;
      if (y >= h) {
        for (let x = 0; x < W; x++, o += step) data[o] = pad[c];
        continue;
      }
      let i = y * w * 3 + k;
      for (let x = 0; x < w; x++, o += step, i += 3) data[o] = lut[src[i]];
      for (let x = w; x < W; x++, o += step) data[o] = pad[c];
    }
  }
}

export interface PreparedBytes {
  data: Uint8Array;
  dims: number[];
  scaleX: number;
  scaleY: number;
}

/**
 * Image → uint8 NHWC input for a model that normalises inside its graph: a frame already at the
 * model's size (ffmpeg scaled it) is copied row by row and padded with black, the same padding the
 * float path writes as (0 − mean) / std; any other image is resized like imageToTensor and rounded.
 */
export function imageToBytes(img: RgbImage, spec: InputSpec, size: readonly [number, number], out?: Uint8Array): PreparedBytes {
  if (spec.layout !== 'NHWC') throw new Error(`imageToBytes: a uint8 input must be NHWC, not ${spec.layout}`);
  const [W, H] = size;
  const data = out?.length === W * H * 3 ? out : new Uint8Array(W * H * 3);
  const dims = [1, H, W, 3];
  const { width: w, height: h, data: src } = img;
  const [newW, newH] = contentSize(w, h, size, spec.resize);
  if (newW === w && newH === h && spec.channelOrder === 'RGB' && src.length >= w * h * 3) {
    if (w === W) data.set(src.subarray(0, w * h * 3));
    else for (let y = 0; y < h; y++) data.set(src.subarray(y * w * 3, (y + 1) * w * 3), y * W * 3);
    if (w < W) for (let y = 0; y < h; y++) data.fill(0, (y * W + w) * 3, (y + 1) * W * 3);
    data.fill(0, h * W * 3);
    return { data, dims, scaleX: 1, scaleY: 1 };
  }
  const t = imageToTensor(img, { ...spec, mean: [0, 0, 0], std: [1, 1, 1] }, size);
  for (let i = 0; i < data.length; i++) data[i] = Math.min(255, Math.max(0, Math.round(t.data[i])));
  return { data, dims, scaleX: t.scaleX, scaleY: t.scaleY };
}

/** Several same-size images (e.g. 112×112 aligned crops) stacked into one batch tensor. */
export function batchToTensor(imgs: RgbImage[], spec: InputSpec, size: readonly [number, number]): { data: Float32Array; dims: number[] } {
  const per = size[0] * size[1] * 3;
  const data = new Float32Array(per * imgs.length);
  let dims: number[] = [];
  imgs.forEach((img, i) => {
    const t = imageToTensor(img, { ...spec, resize: 'stretch' }, size);
    data.set(t.data, i * per);
    dims = t.dims;
  });
  dims[0] = imgs.length;
  return { data, dims };
}
