// Pure layout maths of the timeline and the screen-time chart (no DOM), so it is testable in Node.
import type { ScreentimeDoc } from '../../../../shared/schema/screentime';

export interface LaneBar {
  start_s: number;
  end_s: number;
  x: number;
  width: number;
  seconds: number;
  /** The track a click jumps to (the first of the appearance). */
  track_id: string;
  identity_id: string;
  track_ids: string[];
}

export interface Lane {
  key: string;
  label: string;
  /** Labeled person, or an unlabeled identity shown on its own lane. */
  kind: 'person' | 'identity';
  /** The identities on the lane (a person's, largest first): the lane's face is the first one's cover. */
  identityIds: string[];
  seconds: number;
  share: number;
  bars: LaneBar[];
}

/** Bars narrower than this are widened so a half-second appearance stays clickable. */
export const MIN_BAR_PX = 3;

/** "Nice" tick step (1, 2, 5 × 10^n seconds) giving at most `maxTicks` ticks over `duration`. */
export function tickStep(durationS: number, maxTicks = 10): number {
  if (!(durationS > 0)) return 1;
  const raw = durationS / Math.max(1, maxTicks);
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

export function ticks(durationS: number, maxTicks = 10): number[] {
  const step = tickStep(durationS, maxTicks);
  const out: number[] = [];
  for (let t = 0; t <= durationS + 1e-9; t += step) out.push(Math.round(t * 1000) / 1000);
  return out;
}

/** 75 → "1:15", 3725 → "1:02:05" (whole seconds: axis labels, not measurements). */
export function formatClock(s: number): string {
  const a = Math.round(Math.max(0, s));
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const sec = String(a % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/** The seconds the timeline spans: the episode, or the last appearance if that runs later. */
export function timelineDuration(doc: ScreentimeDoc): number {
  return Math.max(doc.episode_duration_s, ...doc.identities.map((i) => i.last_appearance_s ?? 0), 1e-6);
}

/** The part of the episode the timeline shows: `spanS` seconds from `startS`. */
export interface TimeWindow {
  startS: number;
  spanS: number;
}

/** Zooming in stops at this many seconds across the whole axis. */
export const MIN_SPAN_S = 1;

/** The window kept inside [0, duration], at least MIN_SPAN_S wide (or the whole episode if shorter). */
export function clampWindow(w: TimeWindow, durationS: number): TimeWindow {
  const spanS = Math.min(durationS, Math.max(Math.min(MIN_SPAN_S, durationS), w.spanS));
  return { startS: Math.min(Math.max(0, w.startS), durationS - spanS), spanS };
}

/** Zoom by `factor` (> 1 in) keeping `anchorS` (the pointer's time, else the middle) where it is on screen. */
export function zoomWindow(w: TimeWindow, factor: number, durationS: number, anchorS = w.startS + w.spanS / 2): TimeWindow {
  const spanS = w.spanS / factor;
  return clampWindow({ startS: anchorS - ((anchorS - w.startS) * spanS) / w.spanS, spanS }, durationS);
}

export const panWindow = (w: TimeWindow, deltaS: number, durationS: number): TimeWindow => clampWindow({ startS: w.startS + deltaS, spanS: w.spanS }, durationS);

/** Ticks on the 1/2/5 grid inside [startS, startS + spanS]. */
export function ticksIn(w: TimeWindow, maxTicks = 10): number[] {
  const step = tickStep(w.spanS, maxTicks);
  const out: number[] = [];
  for (let t = Math.ceil(w.startS / step - 1e-9) * step; t <= w.startS + w.spanS + 1e-9; t += step) out.push(Math.round(t * 1000) / 1000);
  return out;
}

/** One colour per person or identity, the same on every screen and run: a hue from the key's hash. */
export function laneColor(key: string): string {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  // FNV alone leaves keys that differ in their last character (identity-00003, -00005) close in hue:
  // a final avalanche (murmur3's) spreads them over the wheel.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return `hsl(${h % 360} ${55 + ((h >>> 9) % 20)}% ${56 + ((h >>> 17) % 14)}%)`;
}

/**
 * Lanes for the timeline: one per person (longest screen time first), then, when asked, one per
 * unlabeled identity. `width` is the pixel width of the time axis, which shows `view` (the whole
 * episode when absent); bars are placed on it, those outside it fall off the axis' ends.
 */
export function buildLanes(doc: ScreentimeDoc, width: number, opts: { includeUnlabeled: boolean }, view?: TimeWindow): Lane[] {
  const w = view ?? { startS: 0, spanS: timelineDuration(doc) };
  const px = (s: number) => ((s - w.startS) / w.spanS) * width;
  const identityOfTrack = new Map<string, string>();
  for (const i of doc.identities) for (const t of i.track_ids) identityOfTrack.set(t, i.identity_id);
  const bar = (a: ScreentimeDoc['people'][number]['appearances'][number]): LaneBar => {
    const x = px(a.start_s);
    return {
      start_s: a.start_s, end_s: a.end_s, seconds: a.seconds, x,
      width: Math.max(MIN_BAR_PX, px(a.end_s) - x),
      track_id: a.track_ids[0], identity_id: identityOfTrack.get(a.track_ids[0]) ?? '', track_ids: a.track_ids,
    };
  };
  const lanes: Lane[] = doc.people.map((p) => ({
    key: `person:${p.person_id}`, label: p.name, kind: 'person', identityIds: p.identity_ids, seconds: p.seconds, share: p.share, bars: p.appearances.map(bar),
  }));
  if (opts.includeUnlabeled) {
    for (const i of doc.identities) {
      if (i.person_id !== null) continue;
      lanes.push({ key: `identity:${i.identity_id}`, label: i.identity_id, kind: 'identity', identityIds: [i.identity_id], seconds: i.seconds, share: i.share, bars: i.appearances.map(bar) });
    }
  }
  return lanes;
}

/** The lanes on screen at `t` seconds (an appearance covers [start_s, end_s]), in lane order. */
export function onScreenAt(lanes: readonly Lane[], t: number): Lane[] {
  return lanes.filter((l) => l.bars.some((b) => b.start_s <= t && t <= b.end_s));
}
