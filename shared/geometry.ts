// Box and interval maths shared by the detector (NMS), the tracker, the track remap after a re-run,
// screen time and the evaluation scripts. Pure.

/** [x1, y1, x2, y2], in whatever unit the caller uses (pixels or [0, 1]). */
export type Box = readonly [number, number, number, number];

/** Intersection over union of two [x1, y1, x2, y2] boxes; 0 when they do not overlap or are empty. */
export function iou(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/** A closed time interval [start, end]. */
export type Interval = [number, number];

/** Sorted, disjoint union of closed intervals (touching intervals are merged; empty or non-finite ones dropped). */
export function unionIntervals(intervals: readonly (readonly [number, number])[]): Interval[] {
  const sorted = intervals
    .filter(([s, e]) => Number.isFinite(s) && Number.isFinite(e) && e >= s)
    .map(([s, e]) => [s, e] as Interval)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Interval[] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Summed length of intervals (disjoint ones: see unionIntervals). */
export function totalLength(intervals: readonly (readonly [number, number])[]): number {
  return intervals.reduce((sum, [s, e]) => sum + (e - s), 0);
}

/** Length of the union of intervals: overlapping time counts once (seconds on screen of a set of tracks). */
export function unionLength(intervals: readonly (readonly [number, number])[]): number {
  return totalLength(unionIntervals(intervals));
}
