// Track- and identity-level scores of a pipeline run against labeled boxes (labels.ts). Pure.
//
// Every pipeline box (a harvested face, or any box of a track) carries the person of the labeled box
// it matched, or null. "other" (an extra) and "unknown" count as neutral, like unmatched boxes: they
// never make a track or identity impure and never name a track.
//   track label       — the majority named person over the track's faces (ties: first by name); a track
//                       without a named face is unlabeled and left out of the identity scores
//   mixed track       — ≥ 2 named people, each on ≥ minMix of the track's boxes
//   impure identity   — its labeled tracks carry ≥ 2 labels; "multi-track" when the minority labels
//                       cover ≥ 2 tracks (one stray track is a lighter failure than two people merged)
//   track-level WCP   — Σ_identities (faces of its majority label's tracks) / Σ faces of labeled tracks
//   B-cubed P/R/F     — over labeled tracks, one item per track (a short track weighs as much as a long
//                       one), clusters = identities, classes = labels; also weighted by face count
//                       (= over faces, each carrying its track's label)
//   people split      — person → identities holding one of their tracks
import { NEUTRAL } from './labels';

export interface ScoredBox {
  track: string;
  person: string | null;
}

export interface TrackInfo {
  track: string;
  identity: string | null;
  /** Harvested faces of the track: the weight of the track in WCP and B-cubed. */
  faces: number;
}

export interface RealScores {
  tracks: number;
  labeledTracks: number;
  identities: number;
  /** Identities holding at least one labeled track. */
  labeledIdentities: number;
  people: number;
  impureIdentities: string[];
  multiTrackImpure: string[];
  mixedTracks: string[];
  trackWcp: number;
  /** Over labeled tracks, one item per track. */
  bcubed: { precision: number; recall: number; f1: number };
  /** Over labeled tracks weighted by face count (= over faces carrying their track's label). */
  bcubedFaces: { precision: number; recall: number; f1: number };
  peopleSplit: Record<string, number>;
  trackLabels: Record<string, string>;
}

const named = (p: string | null): p is string => p !== null && !NEUTRAL.has(p);

/** The key counted most (ties: first by name); null for no counts. */
export function majority(counts: ReadonlyMap<string, number>): string | null {
  let best: string | null = null;
  let n = 0;
  for (const [k, c] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (c > n) [best, n] = [k, c];
  return best;
}

/** Named people per track, from its boxes. */
export function peoplePerTrack(boxes: readonly ScoredBox[]): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const b of boxes) {
    if (!out.has(b.track)) out.set(b.track, new Map());
    if (named(b.person)) out.get(b.track)!.set(b.person, (out.get(b.track)!.get(b.person) ?? 0) + 1);
  }
  return out;
}

export function mixedTracks(boxes: readonly ScoredBox[], minMix = 1): string[] {
  return [...peoplePerTrack(boxes)].filter(([, c]) => [...c.values()].filter((n) => n >= minMix).length >= 2).map(([t]) => t).sort();
}

function labelWeights(ts: readonly TrackInfo[], labels: Record<string, string>, w: (t: TrackInfo) => number): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of ts) out.set(labels[t.track], (out.get(labels[t.track]) ?? 0) + w(t));
  return out;
}

/** B-cubed over labeled tracks, each weighted by w (clusters = identities, classes = track labels). */
function bcubed(byIdentity: Map<string, TrackInfo[]>, labels: Record<string, string>, w: (t: TrackInfo) => number): RealScores['bcubed'] {
  const all = [...byIdentity.values()].flat();
  const classWeight = labelWeights(all, labels, w);
  const N = all.reduce((a, t) => a + w(t), 0);
  let precision = 0, recall = 0;
  for (const ts of byIdentity.values()) {
    const total = ts.reduce((a, t) => a + w(t), 0);
    for (const [p, v] of labelWeights(ts, labels, w)) {
      precision += (v * v) / total;
      recall += (v * v) / classWeight.get(p)!;
    }
  }
  const P = N ? precision / N : 0, R = N ? recall / N : 0;
  return { precision: P, recall: R, f1: P + R > 0 ? (2 * P * R) / (P + R) : 0 };
}

export function scoreRun(faces: readonly ScoredBox[], tracks: readonly TrackInfo[], minMix = 1): RealScores {
  const perTrack = peoplePerTrack(faces);
  const trackLabels: Record<string, string> = {};
  for (const [t, c] of perTrack) {
    const m = majority(c);
    if (m) trackLabels[t] = m;
  }
  const labeled = tracks.filter((t) => trackLabels[t.track] && t.identity !== null && t.faces > 0);
  const byIdentity = new Map<string, TrackInfo[]>();
  for (const t of labeled) byIdentity.set(t.identity!, [...(byIdentity.get(t.identity!) ?? []), t]);
  const impure: string[] = [];
  const multi: string[] = [];
  let major = 0;
  for (const [id, ts] of byIdentity) {
    const weight = labelWeights(ts, trackLabels, (t) => t.faces);
    const top = majority(weight)!;
    major += weight.get(top)!;
    if (weight.size >= 2) {
      impure.push(id);
      if (ts.filter((t) => trackLabels[t.track] !== top).length >= 2) multi.push(id);
    }
  }
  const N = labeled.reduce((a, t) => a + t.faces, 0);
  const split = new Map<string, Set<string>>();
  for (const t of labeled) split.set(trackLabels[t.track], (split.get(trackLabels[t.track]) ?? new Set()).add(t.identity!));
  return {
    tracks: tracks.length,
    labeledTracks: labeled.length,
    identities: new Set(tracks.map((t) => t.identity).filter((i) => i !== null)).size,
    labeledIdentities: byIdentity.size,
    people: split.size,
    impureIdentities: impure.sort(),
    multiTrackImpure: multi.sort(),
    mixedTracks: mixedTracks(faces, minMix),
    trackWcp: N ? major / N : 0,
    bcubed: bcubed(byIdentity, trackLabels, () => 1),
    bcubedFaces: bcubed(byIdentity, trackLabels, (t) => t.faces),
    peopleSplit: Object.fromEntries([...split].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([p, s]) => [p, s.size])),
    trackLabels,
  };
}

export interface Recall {
  labeled: number;
  detected: number;
  /** Same over cast members only (other/unknown left out). */
  labeledNamed: number;
  detectedNamed: number;
}

/** Labeled boxes found by a detection: `matched[i]` = the person of labeled box i and whether a detection matched it. */
export function boxRecall(labeled: ReadonlyArray<{ person: string; found: boolean }>): Recall {
  const namedBoxes = labeled.filter((b) => named(b.person));
  return {
    labeled: labeled.length,
    detected: labeled.filter((b) => b.found).length,
    labeledNamed: namedBoxes.length,
    detectedNamed: namedBoxes.filter((b) => b.found).length,
  };
}
