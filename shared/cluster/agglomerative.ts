// Constrained agglomerative clustering on cosine similarity (average / complete / ward linkage).
//
// Hand-written because no maintained JS library does this at episode scale: ml-hclust's `agnes` is
// O(n³) (minutes for 5,000 tracks, docs/DECISIONS.md) and has no distance threshold and no
// cannot-link. This is the nearest-neighbour-chain algorithm (Murtagh 1983;
// Müllner 2011, "Modern hierarchical, agglomerative clustering algorithms") with Lance–Williams
// updates over one Float32Array distance matrix: O(n²) time, n² floats (5,000² ≈ 100 MB).
//
// Cannot-link pairs get an infinite distance. The three linkages here are "reducible" and their
// Lance–Williams updates keep ∞ as ∞, so a merge is refused whenever ANY pair across the two
// clusters is cannot-linked (average: the mean over pairs is ∞; complete: the max is ∞; ward: ∞ wins),
// and the NN-chain stays exact.
//
// Threshold: merging continues while the linkage SIMILARITY is ≥ thresh. Internally distances are
//   average / complete: d = 1 − cos  (cut at 1 − thresh; average = mean pairwise cos, complete = min);
//   ward:               d = ‖a − b‖² = 2 − 2·cos for unit vectors, Lance–Williams Ward on squared
//                       distances (cut at 2 − 2·thresh, so two single tracks merge iff cos ≥ thresh;
//                       bigger clusters need closer centroids, as Ward's cost grows with size).

export type Linkage = 'average' | 'complete' | 'ward';
export const LINKAGES: readonly Linkage[] = ['average', 'complete', 'ward'];

export interface AgglomerativeOptions {
  /** Cosine-similarity threshold: merge while linkage similarity ≥ threshold. */
  threshold: number;
  linkage: Linkage;
  /** Index pairs that must never end up in one cluster. */
  cannotLink?: Iterable<readonly [number, number]>;
  /** Reuse the similarity matrix's memory for distances (it is overwritten). Saves n² floats. */
  consumeMatrix?: boolean;
  /**
   * Points that already stand for several items (reviewer must-link groups): their item counts, so
   * the Lance–Williams updates weigh them as clusters of that size. Default 1 each.
   */
  sizes?: ArrayLike<number>;
}

export interface Merge {
  a: number;
  b: number;
  /** Linkage distance of the merge (see the header for units). */
  distance: number;
}

export interface AgglomerativeResult {
  /** Cluster label per point, 0..numClusters-1, numbered by each cluster's smallest member index. */
  labels: Int32Array;
  numClusters: number;
  merges: Merge[];
}

/** Row-major n×n cosine-similarity matrix of n row vectors (assumed unit-norm) of length dim. */
export function cosineSimilarityMatrix(vectors: Float32Array, n: number, dim: number): Float32Array {
  if (vectors.length !== n * dim) {
    throw new Error(`cosineSimilarityMatrix: expected ${n}×${dim} = ${n * dim} values, got ${vectors.length}`);
  }
  const v = vectors;
  const sim = new Float32Array(n * n);
  const put = (i: number, j: number, s: number) => {
    sim[i * n + j] = s;
    sim[j * n + i] = s;
  };
  for (let i = 0; i < n; i++) {
    const oi = i * dim;
    sim[i * n + i] = 1;
    let j = i + 1;
    // Four rows at a time against row i: each load of v[oi + k] serves four products (V8 has no SIMD
    // for this; the gain is in docs/DECISIONS.md).
    for (; j + 3 < n; j += 4) {
      const o0 = j * dim, o1 = o0 + dim, o2 = o1 + dim, o3 = o2 + dim;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < dim; k++) {
        const x = v[oi + k];
        s0 += x * v[o0 + k];
        s1 += x * v[o1 + k];
        s2 += x * v[o2 + k];
        s3 += x * v[o3 + k];
      }
      put(i, j, s0);
      put(i, j + 1, s1);
      put(i, j + 2, s2);
      put(i, j + 3, s3);
    }
    for (; j < n; j++) {
      const oj = j * dim;
      let s = 0;
      for (let k = 0; k < dim; k++) s += v[oi + k] * v[oj + k];
      put(i, j, s);
    }
  }
  return sim;
}

function thresholdDistance(linkage: Linkage, threshold: number): number {
  return linkage === 'ward' ? 2 - 2 * threshold : 1 - threshold;
}

/** Clusters n points given their n×n cosine-similarity matrix. Deterministic (ties → lower index). */
export function agglomerate(similarity: Float32Array, n: number, opts: AgglomerativeOptions): AgglomerativeResult {
  if (similarity.length !== n * n) {
    throw new Error(`agglomerate: similarity matrix has ${similarity.length} values, expected ${n}² = ${n * n}`);
  }
  if (!Number.isFinite(opts.threshold)) throw new Error(`agglomerate: threshold must be a finite number`);
  const { linkage } = opts;
  if (!LINKAGES.includes(linkage)) throw new Error(`agglomerate: unknown linkage "${linkage}"`);

  const d = opts.consumeMatrix ? similarity : new Float32Array(similarity.length);
  const scale = linkage === 'ward' ? 2 : 1;
  for (let i = 0; i < d.length; i++) d[i] = scale * (1 - similarity[i]);
  if (opts.cannotLink) {
    for (const [a, b] of opts.cannotLink) {
      if (a === b || a < 0 || b < 0 || a >= n || b >= n) throw new Error(`agglomerate: bad cannot-link pair [${a}, ${b}]`);
      d[a * n + b] = Infinity;
      d[b * n + a] = Infinity;
    }
  }
  const cut = thresholdDistance(linkage, opts.threshold);

  const size = new Float64Array(n).fill(1);
  if (opts.sizes) for (let i = 0; i < n; i++) size[i] = opts.sizes[i];
  // Active clusters in a swap-remove list; pos[i] = index in `active` or -1.
  const active = new Int32Array(n);
  const pos = new Int32Array(n);
  for (let i = 0; i < n; i++) { active[i] = i; pos[i] = i; }
  let numActive = n;
  const deactivate = (i: number) => {
    const p = pos[i];
    const last = active[numActive - 1];
    active[p] = last;
    pos[last] = p;
    pos[i] = -1;
    numActive--;
  };

  const merges: Merge[] = [];
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const chain: number[] = [];

  while (numActive > 1) {
    if (chain.length === 0) {
      let first = n;
      for (let p = 0; p < numActive; p++) if (active[p] < first) first = active[p];
      chain.push(first);
    }
    const a = chain[chain.length - 1];
    const prev = chain.length > 1 ? chain[chain.length - 2] : -1;
    // Nearest active neighbour of a; the previous chain element wins ties so the chain terminates.
    let best = -1;
    let bestD = Infinity;
    const row = a * n;
    for (let p = 0; p < numActive; p++) {
      const k = active[p];
      if (k === a) continue;
      const dk = d[row + k];
      if (dk < bestD || (dk === bestD && best !== prev && (k === prev || k < best))) {
        bestD = dk;
        best = k;
      }
    }
    if (best < 0 || !(bestD <= cut)) {
      // a's nearest cluster is beyond the cut; chain distances only decrease towards the top, so every
      // cluster on the chain has all its neighbours beyond the cut too, and (reducibility) will forever.
      for (const c of chain) deactivate(c);
      chain.length = 0;
      continue;
    }
    if (best !== prev) {
      chain.push(best);
      continue;
    }
    // Reciprocal nearest neighbours: merge into the lower slot.
    chain.length -= 2;
    const i = Math.min(a, best);
    const j = Math.max(a, best);
    const ni = size[i];
    const nj = size[j];
    const dij = d[i * n + j];
    merges.push({ a: i, b: j, distance: dij });
    deactivate(j);
    parent[j] = i;
    const ri = i * n;
    const rj = j * n;
    for (let p = 0; p < numActive; p++) {
      const k = active[p];
      if (k === i) continue;
      const dki = d[ri + k];
      const dkj = d[rj + k];
      let v: number;
      if (linkage === 'average') v = (ni * dki + nj * dkj) / (ni + nj);
      else if (linkage === 'complete') v = dki > dkj ? dki : dkj;
      else {
        const nk = size[k];
        v = dki === Infinity || dkj === Infinity ? Infinity : ((ni + nk) * dki + (nj + nk) * dkj - nk * dij) / (ni + nj + nk);
      }
      d[ri + k] = v;
      d[k * n + i] = v;
    }
    size[i] = ni + nj;
  }

  // Merges always keep the lower slot, so following parents reaches each cluster's smallest member.
  const root = (x: number) => { while (parent[x] !== x) x = parent[x]; return x; };
  const labels = new Int32Array(n);
  const labelOfRoot = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = root(i);
    let l = labelOfRoot.get(r);
    if (l === undefined) { l = labelOfRoot.size; labelOfRoot.set(r, l); }
    labels[i] = l;
  }
  return { labels, numClusters: labelOfRoot.size, merges };
}

/** Convenience: cluster unit-norm row vectors directly. */
export function clusterVectors(
  vectors: Float32Array,
  n: number,
  dim: number,
  opts: Omit<AgglomerativeOptions, 'consumeMatrix'>,
): AgglomerativeResult {
  return agglomerate(cosineSimilarityMatrix(vectors, n, dim), n, { ...opts, consumeMatrix: true });
}

/** Groups point indices by label, each group ascending, groups ordered by label. */
export function groupsOf(labels: Int32Array, numClusters: number): number[][] {
  const groups: number[][] = Array.from({ length: numClusters }, () => []);
  for (let i = 0; i < labels.length; i++) groups[labels[i]].push(i);
  return groups;
}
