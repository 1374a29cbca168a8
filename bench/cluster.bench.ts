// Clustering speed at episode scale: 5,000 tracks (200 identities × 25 noisy tracks, 512-d), each
// linkage, with cannot-links between tracks sharing frames (synthetic spans: ~3 faces on screen at once).
import { agglomerate, cosineSimilarityMatrix, LINKAGES } from '../shared/cluster/agglomerative';
import { overlappingSpanPairs, type FrameSpan } from '../shared/cluster/constraints';
import { gaussianIdentities, makeRng } from '../scripts/synth/rng';
import { similarityMatrixOrt } from '../electron/pipeline/cluster';
import { planIdentities } from '../shared/cluster/plan';
import { formatTrackId } from '../shared/schema';

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
  t = performance.now();
  await similarityMatrixOrt(vectors, n, dim);
  const tOrt = performance.now() - t;
  console.log(`similarity matrix (${n}², Float32): JS ${(tSim / 1000).toFixed(2)} s, onnxruntime MatMul ${(tOrt / 1000).toFixed(2)} s (the stage uses onnxruntime from 300 tracks up)`);
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
  // The whole stage minus I/O and thumbnails: similarity (onnxruntime), clustering, ids, stats, metadata.
  const tracks = spans.map((span, i) => ({ track_id: formatTrackId(i + 1), frame_span: span }));
  t = performance.now();
  const simOrt = await similarityMatrixOrt(vectors, n, dim);
  const plan = planIdentities({
    epId: 'bench-s01e01', tracks, vectors, vectorTrackOrder: tracks.map((x) => x.track_id), dim, similarity: simOrt,
    facesPerTrack: new Map(), clusterThresh: 0.4, minClusterSize: 2, linkage: 'average', now: new Date().toISOString(),
  });
  console.log(`planIdentities, ${n} tracks (similarity + average clustering + identities document): ${((performance.now() - t) / 1000).toFixed(2)} s, ${plan.doc.identities.length} identities`);
}
