// Clustering under reviewer constraints (shared/schema/constraints.ts): each must-link group enters
// agglomerative clustering as one point of its size (similarity to another point = the linkage over
// its members: mean for average and ward, min for complete — so average linkage stays exact), and
// cannot-link pairs (co-occurrence, and the reviewer's) are lifted to those points. A pair inside one
// group is dropped: the reviewer who put two tracks together (even on screen at once) wins.
import { agglomerate, groupsOf, type Linkage } from './agglomerative';

export class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    while (this.parent[i] !== i) i = this.parent[i] = this.parent[this.parent[i]];
    return i;
  }
  union(a: number, b: number): void {
    const ra = this.find(a), rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

export interface UnitClusterInput {
  /** n×n similarity of the points (row-major). */
  similarity: Float32Array;
  n: number;
  /** Unit (must-link group) of each point, 0..m-1. */
  unitOf: Int32Array;
  m: number;
  /** Point index pairs that must be apart. */
  cannotLink: Iterable<readonly [number, number]>;
  threshold: number;
  linkage: Linkage;
}

/** Clusters of units, each as the point indices it holds (units never split). */
export function clusterUnits(input: UnitClusterInput): number[][] {
  const { n, m, unitOf, similarity: sim } = input;
  const members: number[][] = Array.from({ length: m }, () => []);
  for (let i = 0; i < n; i++) members[unitOf[i]].push(i);
  const usim = new Float32Array(m * m);
  for (let u = 0; u < m; u++) {
    usim[u * m + u] = 1;
    for (let v = u + 1; v < m; v++) {
      let acc = input.linkage === 'complete' ? Infinity : 0;
      for (const i of members[u]) {
        for (const j of members[v]) {
          const s = sim[i * n + j];
          acc = input.linkage === 'complete' ? Math.min(acc, s) : acc + s;
        }
      }
      const s = input.linkage === 'complete' ? acc : acc / (members[u].length * members[v].length);
      usim[u * m + v] = s;
      usim[v * m + u] = s;
    }
  }
  const pairs = new Map<number, [number, number]>();
  for (const [a, b] of input.cannotLink) {
    const u = unitOf[a], v = unitOf[b];
    if (u !== v) pairs.set(Math.min(u, v) * m + Math.max(u, v), [Math.min(u, v), Math.max(u, v)]);
  }
  const r = agglomerate(usim, m, {
    threshold: input.threshold,
    linkage: input.linkage as Linkage,
    cannotLink: pairs.values(),
    consumeMatrix: true,
    sizes: members.map((l) => l.length),
  });
  return groupsOf(r.labels, r.numClusters).map((us) => us.flatMap((u) => members[u]));
}
