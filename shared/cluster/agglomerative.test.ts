import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agglomerate, clusterVectors, cosineSimilarityMatrix, groupsOf, type Linkage } from './agglomerative';
import { overlappingSpanPairs } from './constraints';
import { gaussianIdentities, makeRng, shuffle } from '../../scripts/synth/rng';

// Four points A B C D, given as a similarity matrix (the linkages read nothing else).
//   A-B 0.9  C-D 0.85  A-C 0.6  A-D 0.2  B-C 0.5  B-D 0.3
function fourPoints(): Float32Array {
  const s = [
    [1, 0.9, 0.6, 0.2],
    [0.9, 1, 0.5, 0.3],
    [0.6, 0.5, 1, 0.85],
    [0.2, 0.3, 0.85, 1],
  ];
  return Float32Array.from(s.flat());
}

const partition = (labels: Int32Array) => groupsOf(labels, Math.max(-1, ...labels) + 1);

test('average linkage: AB·CD similarity is the mean of the 4 cross pairs (0.4)', () => {
  let r = agglomerate(fourPoints(), 4, { threshold: 0.41, linkage: 'average' });
  assert.deepEqual(partition(r.labels), [[0, 1], [2, 3]]);
  r = agglomerate(fourPoints(), 4, { threshold: 0.39, linkage: 'average' });
  assert.deepEqual(partition(r.labels), [[0, 1, 2, 3]]);
  // Merge heights in distance units (1 − similarity): 0.1, 0.15, 0.6.
  assert.deepEqual(r.merges.map((m) => Number(m.distance.toFixed(4))).sort(), [0.1, 0.15, 0.6]);
});

test('complete linkage: AB·CD similarity is the minimum cross pair (0.2)', () => {
  let r = agglomerate(fourPoints(), 4, { threshold: 0.39, linkage: 'complete' });
  assert.deepEqual(partition(r.labels), [[0, 1], [2, 3]]);
  r = agglomerate(fourPoints(), 4, { threshold: 0.19, linkage: 'complete' });
  assert.deepEqual(partition(r.labels), [[0, 1, 2, 3]]);
});

test('ward linkage: Lance–Williams on squared distances, hand-computed heights 0.2, 0.3, 2.15', () => {
  // d = 2 − 2s; d(AB,C) = (2·0.8 + 2·1.0 − 0.2)/3 = 1.1333; d(AB,D) = (2·1.6 + 2·1.4 − 0.2)/3 = 1.9333;
  // d(AB,CD) = (3·1.1333 + 3·1.9333 − 2·0.3)/4 = 2.15 → equivalent similarity 1 − 2.15/2 = −0.075.
  let r = agglomerate(fourPoints(), 4, { threshold: -0.07, linkage: 'ward' });
  assert.deepEqual(partition(r.labels), [[0, 1], [2, 3]]);
  r = agglomerate(fourPoints(), 4, { threshold: -0.08, linkage: 'ward' });
  assert.deepEqual(partition(r.labels), [[0, 1, 2, 3]]);
  assert.deepEqual(r.merges.map((m) => Number(m.distance.toFixed(4))), [0.2, 0.3, 2.15]);
});

test('threshold is a similarity: two points merge iff cos ≥ thresh, for every linkage', () => {
  const sim = Float32Array.from([1, 0.5, 0.5, 1]);
  for (const linkage of ['average', 'complete', 'ward'] as Linkage[]) {
    assert.equal(agglomerate(sim, 2, { threshold: 0.5, linkage }).numClusters, 1, linkage);
    assert.equal(agglomerate(sim, 2, { threshold: 0.51, linkage }).numClusters, 2, linkage);
  }
});

// Reference: greedy agglomeration with each linkage computed from scratch from its definition.
function naive(vectors: Float32Array, n: number, dim: number, threshold: number, linkage: Linkage, cannot: Array<[number, number]>) {
  const sim = cosineSimilarityMatrix(vectors, n, dim);
  const banned = new Set(cannot.map(([a, b]) => `${a},${b}`));
  let clusters: number[][] = Array.from({ length: n }, (_, i) => [i]);
  const link = (A: number[], B: number[]): number => {
    for (const a of A) for (const b of B) if (banned.has(`${Math.min(a, b)},${Math.max(a, b)}`)) return -Infinity;
    if (linkage === 'average') {
      let s = 0;
      for (const a of A) for (const b of B) s += sim[a * n + b];
      return s / (A.length * B.length);
    }
    if (linkage === 'complete') {
      let m = Infinity;
      for (const a of A) for (const b of B) m = Math.min(m, sim[a * n + b]);
      return m;
    }
    const centroid = (C: number[]) => {
      const c = new Float64Array(dim);
      for (const i of C) for (let k = 0; k < dim; k++) c[k] += vectors[i * dim + k] / C.length;
      return c;
    };
    const ca = centroid(A), cb = centroid(B);
    let d2 = 0;
    for (let k = 0; k < dim; k++) d2 += (ca[k] - cb[k]) ** 2;
    return 1 - ((2 * A.length * B.length) / (A.length + B.length)) * d2 / 2; // ward cost as a similarity
  };
  for (;;) {
    let best = -Infinity, bi = -1, bj = -1;
    for (let i = 0; i < clusters.length; i++) for (let j = i + 1; j < clusters.length; j++) {
      const l = link(clusters[i], clusters[j]);
      if (l > best) { best = l; bi = i; bj = j; }
    }
    if (bi < 0 || best < threshold) break;
    clusters[bi] = [...clusters[bi], ...clusters[bj]].sort((a, b) => a - b);
    clusters = clusters.filter((_, k) => k !== bj);
  }
  return clusters.sort((a, b) => a[0] - b[0]);
}

test('NN-chain matches the from-definition greedy reference (random data, with cannot-links)', () => {
  const rng = makeRng(7);
  const dim = 16;
  for (const linkage of ['average', 'complete', 'ward'] as Linkage[]) {
    for (let trial = 0; trial < 4; trial++) {
      const { vectors, n } = gaussianIdentities(rng, 6, 7, dim, 0.18);
      const cannot: Array<[number, number]> = [];
      for (let c = 0; c < 8; c++) {
        const a = Math.floor(rng() * n), b = Math.floor(rng() * n);
        if (a !== b) cannot.push([Math.min(a, b), Math.max(a, b)]);
      }
      const threshold = linkage === 'ward' ? 0.2 : 0.35;
      const got = partition(clusterVectors(vectors, n, dim, { threshold, linkage, cannotLink: cannot }).labels);
      const want = naive(vectors, n, dim, threshold, linkage, cannot);
      assert.deepEqual(got, want, `${linkage} trial ${trial}`);
      assert.ok(want.length > 1 && want.length < n, `${linkage}: the case should be non-trivial (${want.length} clusters)`);
    }
  }
});

test('cannot-link: identical points stay apart, and a merge is refused if ANY cross pair is cannot-linked', () => {
  // 0 and 1 identical and cannot-linked; 2 is close to both.
  const v = Float32Array.from([1, 0, 1, 0, 0.96, 0.28]);
  for (const linkage of ['average', 'complete', 'ward'] as Linkage[]) {
    const r = clusterVectors(v, 3, 2, { threshold: 0.5, linkage, cannotLink: [[0, 1]] });
    assert.notEqual(r.labels[0], r.labels[1], linkage);
    assert.equal(r.numClusters, 2, linkage);
    // 2 joins exactly one of them.
    assert.ok(r.labels[2] === r.labels[0] || r.labels[2] === r.labels[1], linkage);
  }
  // Average linkage alone would merge {0,2} with {1,3} (mean similarity high), but 2–3 are cannot-linked.
  const w = Float32Array.from([1, 0, 0.99, 0.141, 0.98, 0.199, 0.995, 0.0998]);
  const free = clusterVectors(w, 4, 2, { threshold: 0.5, linkage: 'average' });
  assert.equal(free.numClusters, 1);
  const constrained = clusterVectors(w, 4, 2, { threshold: 0.5, linkage: 'average', cannotLink: [[2, 3]] });
  assert.notEqual(constrained.labels[2], constrained.labels[3]);
});

test('deterministic and independent of input order', () => {
  const rng = makeRng(11);
  const dim = 32;
  const { vectors, n, truth } = gaussianIdentities(rng, 10, 12, dim, 0.12);
  const a = clusterVectors(vectors, n, dim, { threshold: 0.5, linkage: 'average' });
  const b = clusterVectors(vectors, n, dim, { threshold: 0.5, linkage: 'average' });
  assert.deepEqual(a.labels, b.labels);
  assert.deepEqual(a.merges, b.merges);
  // Same partition of the same points when rows are permuted.
  const perm = shuffle(rng, Array.from({ length: n }, (_, i) => i));
  const pv = new Float32Array(n * dim);
  perm.forEach((src, dst) => pv.set(vectors.subarray(src * dim, (src + 1) * dim), dst * dim));
  const c = clusterVectors(pv, n, dim, { threshold: 0.5, linkage: 'average' });
  const canon = (labels: Int32Array, rowToPoint: (r: number) => number) =>
    groupsOf(labels, Math.max(...labels) + 1).map((g) => g.map(rowToPoint).sort((x, y) => x - y)).sort((x, y) => x[0] - y[0]);
  assert.deepEqual(canon(c.labels, (r) => perm[r]), canon(a.labels, (r) => r));
  // And on this well-separated data the partition is the truth.
  assert.deepEqual(canon(a.labels, (r) => r), groupsOf(truth, 10));
});

test('overlappingSpanPairs: shared frames (inclusive spans) → pairs; touching-but-disjoint spans do not', () => {
  const pairs = overlappingSpanPairs([[0, 10], [10, 20], [21, 30], [5, 25], [40, 41]]);
  const key = pairs.map(([a, b]) => `${a}-${b}`).sort();
  assert.deepEqual(key, ['0-1', '0-3', '1-3', '2-3']);
});

test('bad input is refused with a clear message', () => {
  assert.throws(() => agglomerate(new Float32Array(3), 2, { threshold: 0.5, linkage: 'average' }), /similarity matrix has 3 values/);
  assert.throws(() => agglomerate(new Float32Array(4), 2, { threshold: 0.5, linkage: 'single' as Linkage }), /unknown linkage/);
  assert.throws(() => agglomerate(new Float32Array(4), 2, { threshold: 0.5, linkage: 'average', cannotLink: [[0, 2]] }), /bad cannot-link/);
});
