// Verification and identification figures over a labelled set of L2-normalised embeddings:
// ROC-AUC and TAR at a fixed FAR over all same/different pairs, and leave-one-out rank-1.
// Hand-written: a few loops, and the JS statistics packages on npm have no ROC over pairs.
import { dot } from '../../../shared/vec';

export interface PairScores {
  same: number[];
  diff: number[];
}


export function pairScores(emb: ArrayLike<number>[], labels: string[]): PairScores {
  const same: number[] = [], diff: number[] = [];
  for (let i = 0; i < emb.length; i++) {
    for (let j = i + 1; j < emb.length; j++) (labels[i] === labels[j] ? same : diff).push(dot(emb[i], emb[j]));
  }
  return { same, diff };
}

/** Probability that a random same pair scores above a random different pair (ties count half). */
export function rocAuc({ same, diff }: PairScores): number {
  const all = [...same.map((s) => [s, 1] as const), ...diff.map((s) => [s, 0] as const)].sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j][0] === all[i][0]) j++;
    const avgRank = (i + j + 1) / 2; // 1-based ranks i+1 … j
    for (let k = i; k < j; k++) if (all[k][1] === 1) rankSum += avgRank;
    i = j;
  }
  const nP = same.length, nN = diff.length;
  return (rankSum - (nP * (nP + 1)) / 2) / (nP * nN);
}

/** Threshold with at most `far` of the different pairs strictly above it, and the share of same pairs above it. */
export function tarAtFar({ same, diff }: PairScores, far: number): { tar: number; threshold: number } {
  const sorted = [...diff].sort((a, b) => b - a);
  const allowed = Math.floor(far * sorted.length);
  const threshold = sorted[Math.min(allowed, sorted.length - 1)];
  return { tar: same.filter((s) => s > threshold).length / same.length, threshold };
}

/** Leave-one-out nearest neighbour; probes whose identity has no other sample are skipped. */
export function rank1(emb: ArrayLike<number>[], labels: string[]): { rate: number; probes: number } {
  let hits = 0, probes = 0;
  for (let i = 0; i < emb.length; i++) {
    if (!labels.some((l, j) => j !== i && l === labels[i])) continue;
    let best = -Infinity, who = '';
    for (let j = 0; j < emb.length; j++) {
      if (j === i) continue;
      const s = dot(emb[i], emb[j]);
      if (s > best) { best = s; who = labels[j]; }
    }
    probes++;
    if (who === labels[i]) hits++;
  }
  return { rate: hits / probes, probes };
}
