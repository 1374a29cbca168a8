// Where a track's face is at a video time: its faces (time, normalised box) interpolated linearly, for
// the player's overlay. Pure, so it runs under Node's test runner.

export type Box = [number, number, number, number];
export interface TimedBox {
  ts_s: number;
  bbox: Box;
}

/** Keyframes in time order, one per distinct time (the first box wins a tie). */
export function keyframes(boxes: readonly TimedBox[]): TimedBox[] {
  const out: TimedBox[] = [];
  for (const b of [...boxes].sort((x, y) => x.ts_s - y.ts_s)) if (!out.length || b.ts_s > out[out.length - 1].ts_s) out.push(b);
  return out;
}

/**
 * The box at `t` seconds: between two keyframes, each corner moves linearly; before the first or after
 * the last it stays put (a track's faces are samples, the track itself spans a little more). Null when
 * there are no boxes or `t` is more than `slackS` outside them.
 */
export function boxAt(frames: readonly TimedBox[], t: number, slackS = 0.5): Box | null {
  if (!frames.length) return null;
  const first = frames[0], last = frames[frames.length - 1];
  if (t < first.ts_s - slackS || t > last.ts_s + slackS) return null;
  if (t <= first.ts_s) return first.bbox;
  if (t >= last.ts_s) return last.bbox;
  let lo = 0, hi = frames.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (frames[mid].ts_s <= t) lo = mid;
    else hi = mid;
  }
  const a = frames[lo], b = frames[hi];
  const k = (t - a.ts_s) / (b.ts_s - a.ts_s);
  return a.bbox.map((v, i) => v + (b.bbox[i] - v) * k) as Box;
}
