// Scoring a pipeline run against a synthetic episode's ground truth.
//
// Items are the pipeline's harvested faces (faces.jsonl rows: track_id, frame_idx, bbox), because
// they are the detections whose track membership the pipeline records. Each is matched to the truth
// face of its frame with the highest IoU (≥ minIou, one-to-one per frame, greedy by IoU); unmatched
// items are counted but not scored.
//   track purity  — Σ_tracks (items of the track's majority person) / Σ_tracks items
//   mixed tracks  — tracks where ≥ 2 people each account for ≥ minMix items
//   identity WCP  — weighted cluster purity: Σ_identities majority items / Σ items
//   B-cubed P/R/F — over items, clusters = identities, classes = people (Bagga & Baldwin 1998)
import { iou, type Box } from '../../shared/geometry';

export type { Box };

export interface PredFace {
  track_id: string;
  frame_idx: number;
  bbox: Box;
}

export interface TruthFrameFace {
  person: string;
  bbox: Box;
}

/** Person of each prediction (null when no truth face of its frame overlaps it by ≥ minIou). */
export function matchToTruth(preds: readonly PredFace[], frames: readonly (readonly TruthFrameFace[])[], minIou = 0.3): Array<string | null> {
  const out: Array<string | null> = preds.map(() => null);
  const byFrame = new Map<number, number[]>();
  preds.forEach((p, i) => {
    const l = byFrame.get(p.frame_idx) ?? [];
    l.push(i);
    byFrame.set(p.frame_idx, l);
  });
  for (const [f, idxs] of byFrame) {
    const truth = frames[f] ?? [];
    const pairs: Array<{ p: number; t: number; v: number }> = [];
    for (const p of idxs) truth.forEach((t, ti) => {
      const v = iou(preds[p].bbox, t.bbox);
      if (v >= minIou) pairs.push({ p, t: ti, v });
    });
    pairs.sort((a, b) => b.v - a.v || a.p - b.p);
    const usedP = new Set<number>(), usedT = new Set<number>();
    for (const { p, t } of pairs) {
      if (usedP.has(p) || usedT.has(t)) continue;
      usedP.add(p);
      usedT.add(t);
      out[p] = truth[t].person;
    }
  }
  return out;
}

export interface ScoredItem {
  track: string;
  identity: string;
  person: string | null;
}

export interface EpisodeScores {
  items: number;
  matchedItems: number;
  tracks: number;
  trackPurity: number;
  mixedTracks: number;
  mixedTrackIds: string[];
  identities: number;
  identityWcp: number;
  bcubed: { precision: number; recall: number; f1: number };
}

function countBy<K>(keys: Iterable<K>): Map<K, number> {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

export function scoreItems(items: readonly ScoredItem[], minMix = 2): EpisodeScores {
  const matched = items.filter((i): i is ScoredItem & { person: string } => i.person !== null);
  const N = matched.length;
  const group = (key: (i: ScoredItem) => string) => {
    const g = new Map<string, string[]>();
    for (const i of matched) {
      const l = g.get(key(i)) ?? [];
      l.push(i.person!);
      g.set(key(i), l);
    }
    return g;
  };
  const byTrack = group((i) => i.track);
  const byIdentity = group((i) => i.identity);
  let trackMajor = 0;
  const mixedTrackIds: string[] = [];
  for (const [t, persons] of byTrack) {
    const c = [...countBy(persons).values()];
    trackMajor += Math.max(...c);
    if (c.filter((n) => n >= minMix).length >= 2) mixedTrackIds.push(t);
  }
  let idMajor = 0;
  let precision = 0;
  for (const persons of byIdentity.values()) {
    const c = [...countBy(persons).values()];
    idMajor += Math.max(...c);
    for (const n of c) precision += (n * n) / persons.length;
  }
  const classSize = countBy(matched.map((i) => i.person));
  let recall = 0;
  for (const persons of byIdentity.values()) for (const [p, n] of countBy(persons)) recall += (n * n) / classSize.get(p)!;
  const P = N ? precision / N : 0;
  const R = N ? recall / N : 0;
  return {
    items: items.length,
    matchedItems: N,
    tracks: new Set(items.map((i) => i.track)).size,
    trackPurity: N ? trackMajor / N : 0,
    mixedTracks: mixedTrackIds.length,
    mixedTrackIds: mixedTrackIds.sort(),
    identities: new Set(items.map((i) => i.identity)).size,
    identityWcp: N ? idMajor / N : 0,
    bcubed: { precision: P, recall: R, f1: P + R > 0 ? (2 * P * R) / (P + R) : 0 },
  };
}
