// Clustering speed at episode scale: 5,000 tracks (200 identities × 25 noisy tracks, 512-d), each
// linkage, with cannot-links between tracks sharing frames (synthetic spans: ~3 faces on screen at once).
import { agglomerate, cosineSimilarityMatrix, LINKAGES } from '../shared/cluster/agglomerative';
import { overlappingSpanPairs, type FrameSpan } from '../shared/cluster/constraints';
import { gaussianIdentities, makeRng } from '../scripts/synth/rng';

export async function run(): Promise<void> {
  const ids = 200, perId = 25, dim = 512;
  const rng = makeRng(2024);
  // noise 0.035/coordinate → same-identity cosine ≈ 0.6, like pooled ArcFace tracks.
  const { vectors, truth, n } = gaussianIdentities(rng, ids, perId, dim, 0.035);
  const spans: FrameSpan[] = Array.from({ length: n }, () => {
    const start = Math.floor(rng() * 200_000);
    return [start, start + 20 + Math.floor(rng() * 100)];
  });
  let t = performance.now();
  const cannotLink = overlappingSpanPairs(spans);
  const tSpans = performance.now() - t;
  t = performance.now();
  const sim = cosineSimilarityMatrix(vectors, n, dim);
  const tSim = performance.now() - t;
  console.log(`tracks ${n}, dim ${dim}, cannot-link pairs ${cannotLink.length} (${tSpans.toFixed(0)} ms)`);
  console.log(`similarity matrix (${n}², Float32): ${(tSim / 1000).toFixed(2)} s`);
  for (const linkage of LINKAGES) {
    const threshold = linkage === 'ward' ? 0.3 : 0.4;
    t = performance.now();
    const r = agglomerate(sim, n, { threshold, linkage, cannotLink });
    const sec = (performance.now() - t) / 1000;
    // Purity of the result, so a fast-but-wrong change shows up here too.
    const majority = new Map<number, Map<number, number>>();
    r.labels.forEach((l, i) => {
      const m = majority.get(l) ?? new Map<number, number>();
      m.set(truth[i], (m.get(truth[i]) ?? 0) + 1);
      majority.set(l, m);
    });
    let pure = 0;
    for (const m of majority.values()) pure += Math.max(...m.values());
    console.log(`${linkage.padEnd(8)} thresh ${threshold}: ${sec.toFixed(2)} s, ${r.numClusters} clusters (truth ${ids}), purity ${(pure / n).toFixed(3)}`);
  }
}
