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

/**
 * Lanes for the timeline: one per person (longest screen time first), then, when asked, one per
 * unlabeled identity. `width` is the pixel width of the time axis.
 */
export function buildLanes(doc: ScreentimeDoc, width: number, opts: { includeUnlabeled: boolean }): Lane[] {
  const duration = Math.max(doc.episode_duration_s, ...doc.identities.map((i) => i.last_appearance_s ?? 0), 1e-6);
  const px = (s: number) => (s / duration) * width;
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
    key: `person:${p.person_id}`, label: p.name, kind: 'person', seconds: p.seconds, share: p.share, bars: p.appearances.map(bar),
  }));
  if (opts.includeUnlabeled) {
    for (const i of doc.identities) {
      if (i.person_id !== null) continue;
      lanes.push({ key: `identity:${i.identity_id}`, label: i.identity_id, kind: 'identity', seconds: i.seconds, share: i.share, bars: i.appearances.map(bar) });
    }
  }
  return lanes;
}
