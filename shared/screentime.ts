// Screen time per identity and per person. Pure: takes tracks + identities (+ optional
// scene cuts and episode duration) and returns the numbers that screentime.json / .csv carry.
//
// Definitions (also documented in shared/schema/screentime.ts):
// - A track covers the closed interval [start_s, end_s]. Seconds on screen = length of the union of
//   the intervals of all tracks of that identity (or of all identities labeled as that person), so
//   overlapping tracks are never double-counted.
// - An appearance is a maximal run of that union in which gaps are ≤ appearance_gap_s (a face lost
//   for a few sampled frames is still the same appearance). Bridged gaps do not count as seconds.
// - Share = seconds / episode duration. Per scene: seconds of the union inside each scene, where
//   scenes are [0, cut1), [cut1, cut2), …, [cutN, duration].

import { slugify } from './commands/apply';
import { totalLength, unionIntervals, type Interval } from './geometry';

export { unionIntervals };

export interface TrackSpan {
  track_id: string;
  start_s: number;
  end_s: number;
}

export interface IdentityInput {
  identity_id: string;
  track_ids: string[];
  labels?: { person_id?: string; name?: string };
  locked?: boolean;
}

export interface Appearance {
  start_s: number;
  end_s: number;
  /** On-screen seconds inside this appearance (bridged gaps excluded). */
  seconds: number;
  /** Tracks that make up the appearance, earliest first: the timeline jumps to the first one. */
  track_ids: string[];
}

export interface SceneSeconds {
  scene_index: number;
  seconds: number;
}

export interface ScreenTimeStats {
  seconds: number;
  share: number;
  appearance_count: number;
  first_appearance_s: number | null;
  last_appearance_s: number | null;
  appearances: Appearance[];
  /** Only scenes where the subject is on screen; empty when scene cuts are unknown. */
  per_scene: SceneSeconds[];
}

export interface IdentityScreenTime extends ScreenTimeStats {
  identity_id: string;
  person_id: string | null;
  name: string | null;
  locked: boolean;
  track_ids: string[];
}

export interface PersonScreenTime extends ScreenTimeStats {
  person_id: string;
  name: string;
  identity_ids: string[];
}

export interface Scene {
  scene_index: number;
  start_s: number;
  end_s: number;
}

export interface ScreenTimeOptions {
  /** Episode length in seconds; defaults to the end of the last track. */
  durationS?: number;
  /** Scene cut times in seconds; omitted or undefined = scenes unknown. */
  sceneCutsS?: number[];
  /** Gaps up to this long join two runs into one appearance. */
  appearanceGapS?: number;
}

export interface ScreenTimeResult {
  episode_duration_s: number;
  appearance_gap_s: number;
  scenes: Scene[];
  people: PersonScreenTime[];
  identities: IdentityScreenTime[];
}

export const DEFAULT_APPEARANCE_GAP_S = 1.0;

/** Length of the part of a disjoint interval list inside [lo, hi). */
export function lengthWithin(intervals: readonly Interval[], lo: number, hi: number): number {
  let sum = 0;
  for (const [s, e] of intervals) {
    const a = Math.max(s, lo);
    const b = Math.min(e, hi);
    if (b > a) sum += b - a;
  }
  return sum;
}

/** Scenes from cut times: cuts outside (0, duration) and duplicates are dropped. */
export function scenesFromCuts(cutsS: readonly number[], durationS: number): Scene[] {
  const cuts = [...new Set(cutsS.filter((c) => Number.isFinite(c) && c > 0 && c < durationS))].sort((a, b) => a - b);
  const bounds = [0, ...cuts, durationS];
  const scenes: Scene[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) scenes.push({ scene_index: i, start_s: bounds[i], end_s: bounds[i + 1] });
  return scenes;
}

// Seconds are reported to the millisecond: frame timestamps carry no more precision than that, and
// it keeps sums of float intervals from printing as 12.299999999.
const ms = (v: number) => Math.round(v * 1000) / 1000;

function statsFor(spans: TrackSpan[], durationS: number, gapS: number, scenes: Scene[]): ScreenTimeStats {
  const union = unionIntervals(spans.map((t) => [t.start_s, t.end_s] as Interval));
  const seconds = totalLength(union);
  const appearances: Appearance[] = [];
  for (const [s, e] of union) {
    const last = appearances[appearances.length - 1];
    if (last && s - last.end_s <= gapS) {
      last.end_s = e;
      last.seconds += e - s;
    } else {
      appearances.push({ start_s: s, end_s: e, seconds: e - s, track_ids: [] });
    }
  }
  const bySpanStart = [...spans].sort((a, b) => a.start_s - b.start_s || a.track_id.localeCompare(b.track_id));
  for (const t of bySpanStart) {
    const a = appearances.find((ap) => t.start_s >= ap.start_s && t.start_s <= ap.end_s);
    if (a) a.track_ids.push(t.track_id);
  }
  const per_scene: SceneSeconds[] = [];
  for (const sc of scenes) {
    // The last scene is closed at the episode's end so a track ending exactly there still counts.
    const hi = sc.scene_index === scenes.length - 1 ? Number.POSITIVE_INFINITY : sc.end_s;
    const inScene = lengthWithin(union, sc.start_s, hi);
    if (inScene > 0) per_scene.push({ scene_index: sc.scene_index, seconds: ms(inScene) });
  }
  return {
    seconds: ms(seconds),
    share: durationS > 0 ? Math.min(1, seconds / durationS) : 0,
    appearance_count: appearances.length,
    first_appearance_s: union.length ? union[0][0] : null,
    last_appearance_s: union.length ? union[union.length - 1][1] : null,
    appearances: appearances.map((a) => ({ ...a, seconds: ms(a.seconds) })),
    per_scene,
  };
}

/** Stable key of the person an identity is labeled as, or null when unlabeled. */
export function personKey(labels: IdentityInput['labels']): string | null {
  if (!labels) return null;
  if (labels.person_id) return labels.person_id;
  if (labels.name) return slugifyName(labels.name);
  return null;
}

/** `Lisa Vanderpump` → `lisa-vanderpump`: the person_id used when only a name is known (the same slug a label command derives). */
export const slugifyName = slugify;

/**
 * Screen time of every identity and of every labeled person. Throws if an identity names a track
 * that is not in `tracks` (referential integrity, spec §10.3).
 */
export function computeScreenTime(
  tracks: readonly TrackSpan[],
  identities: readonly IdentityInput[],
  opts: ScreenTimeOptions = {},
): ScreenTimeResult {
  const byId = new Map(tracks.map((t) => [t.track_id, t]));
  const extent = tracks.reduce((m, t) => Math.max(m, t.end_s), 0);
  const durationS = opts.durationS ?? extent;
  if (!(durationS >= 0) || !Number.isFinite(durationS)) throw new Error(`episode duration must be a finite number ≥ 0, got ${durationS}`);
  const gapS = opts.appearanceGapS ?? DEFAULT_APPEARANCE_GAP_S;
  const scenes = opts.sceneCutsS ? scenesFromCuts(opts.sceneCutsS, Math.max(durationS, extent)) : [];

  const spansOf = (ident: IdentityInput): TrackSpan[] =>
    ident.track_ids.map((id) => {
      const t = byId.get(id);
      if (!t) throw new Error(`identity ${ident.identity_id} lists ${id}, which is not in tracks.jsonl`);
      return t;
    });

  const identityRows: IdentityScreenTime[] = identities.map((ident) => ({
    identity_id: ident.identity_id,
    person_id: personKey(ident.labels),
    name: ident.labels?.name ?? null,
    locked: ident.locked ?? false,
    track_ids: [...ident.track_ids],
    ...statsFor(spansOf(ident), durationS, gapS, scenes),
  }));

  const groups = new Map<string, { name: string; identities: IdentityInput[] }>();
  for (const ident of identities) {
    const key = personKey(ident.labels);
    if (!key) continue;
    const g = groups.get(key) ?? { name: '', identities: [] };
    g.name ||= ident.labels?.name ?? '';
    g.identities.push(ident);
    groups.set(key, g);
  }
  const people: PersonScreenTime[] = [...groups].map(([person_id, g]) => ({
    person_id,
    name: g.name || person_id,
    identity_ids: g.identities.map((i) => i.identity_id),
    ...statsFor(g.identities.flatMap(spansOf), durationS, gapS, scenes),
  }));
  const bySeconds = <T extends { seconds: number }>(key: (x: T) => string) => (a: T, b: T) =>
    b.seconds - a.seconds || key(a).localeCompare(key(b));
  people.sort(bySeconds((p) => p.person_id));
  identityRows.sort(bySeconds((i) => i.identity_id));
  return { episode_duration_s: durationS, appearance_gap_s: gapS, scenes, people, identities: identityRows };
}
