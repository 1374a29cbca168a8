// Cannot-link constraints: two tracks on screen in the same frame are two different people.

/** Inclusive [first, last] frame of each item (tracks.jsonl `frame_span`). */
export type FrameSpan = readonly [number, number];

/**
 * All index pairs whose frame spans intersect (share at least one frame). A tracker ends a track at its
 * last detection, so one person's consecutive tracks never overlap, while two faces in one frame do.
 * Sweep over spans sorted by start: O(n log n + number of overlapping pairs).
 */
/** Two tracks on screen at once: their frame spans share a frame (ends inclusive). */
export const spansOverlap = (a: FrameSpan, b: FrameSpan): boolean => Math.min(a[1], b[1]) >= Math.max(a[0], b[0]);

export function overlappingSpanPairs(spans: readonly FrameSpan[]): Array<[number, number]> {
  const order = spans.map((_, i) => i).sort((a, b) => spans[a][0] - spans[b][0] || a - b);
  const pairs: Array<[number, number]> = [];
  const open: number[] = [];
  for (const i of order) {
    const start = spans[i][0];
    // Drop spans that ended before this one starts.
    let w = 0;
    for (const o of open) if (spans[o][1] >= start) open[w++] = o;
    open.length = w;
    for (const o of open) pairs.push(o < i ? [o, i] : [i, o]);
    open.push(i);
  }
  return pairs;
}
