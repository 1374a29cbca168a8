import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cosine } from '../../shared/vec';
import { embedPhotos, poolSubset, pooledCalibration, sampleIndices } from './calibrate';
import { evalPhotos } from './default/eval-data';
import { loadEvalPack } from './eval-pack';

// Real SCRFD-500M + MobileFaceNet embeddings of the 185 labelled single-face photos.
const pack = await loadEvalPack();
const items = await embedPhotos(pack);
after(async () => {
  await pack.detector.dispose();
  await pack.embedder.dispose();
});

const rate = (v: readonly number[], t: number) => v.filter((x) => x >= t - 1e-9).length / v.length;

test('every photo is embedded once, labelled by its folder', () => {
  const photos = evalPhotos();
  assert.ok(items.length >= photos.length - 3 && items.length <= photos.length, `${items.length} of ${photos.length} photos gave a face`);
  assert.equal(new Set(items.map((i) => i.id)).size, new Set(photos.map((p) => p.label)).size);
});

test('pooling follows the pool stage: one face is itself, two faces give their bisector', () => {
  const [a, b] = items.filter((i) => i.id === 'celeb-madonna').map((i) => i.emb);
  assert.ok(cosine(poolSubset([a]), a) > 0.9999);
  const m = poolSubset([a, b]);
  assert.ok(Math.abs(Math.hypot(...m) - 1) < 1e-5);
  assert.ok(Math.abs(cosine(m, a) - cosine(m, b)) < 1e-5);
  assert.ok(cosine(m, a) > cosine(a, b));
});

test('sampled subsets are distinct indices in range (same-person subsets are disjoint)', () => {
  let s = 7;
  const rng = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  for (let d = 0; d < 200; d++) {
    const idx = sampleIndices(rng, 11, 10);
    assert.equal(new Set(idx).size, 10);
    assert.ok(idx.every((i) => Number.isInteger(i) && i >= 0 && i < 11));
  }
  assert.throws(() => sampleIndices(rng, 3, 4));
});

test('pooled tracks: thresholds meet their false-merge rates, and pooling moves the threshold up', () => {
  const p = pooledCalibration(items);
  assert.deepEqual(p.rows.map((r) => r.k), [1, 3, 5]);
  for (const r of p.rows) {
    // The FAR-1% threshold is the lowest 0.01 step meeting it.
    assert.ok(rate(r.diffCos, r.far1.thresh) <= 0.01, `k=${r.k}`);
    assert.ok(rate(r.diffCos, r.far1.thresh - 0.01) > 0.01, `k=${r.k}: ${r.far1.thresh} is not the lowest`);
    assert.ok(rate(r.diffCos, r.far01.thresh) <= 0.001 && r.far01.thresh >= r.far1.thresh, `k=${r.k}`);
    assert.ok(r.youden.tar - r.youden.far >= r.far1.tar - r.far1.far, `k=${r.k}`);
    assert.ok(r.same.mean > r.diff.mean + 0.3, `k=${r.k}: same ${r.same.mean} vs diff ${r.diff.mean}`);
  }
  const [k1, k3] = p.rows;
  // Averaging removes per-photo noise: same-person tracks agree more than single photos…
  assert.ok(k3.same.mean > k1.same.mean + 0.1, `same mean k=1 ${k1.same.mean}, k=3 ${k3.same.mean}`);
  // …and different people's tracks spread wider too, so a photo-pair threshold merges people.
  assert.ok(k3.diff.p99 > k1.diff.p99, `diff p99 k=1 ${k1.diff.p99}, k=3 ${k3.diff.p99}`);
  assert.ok(k3.far1.thresh > k1.far1.thresh);
  assert.equal(p.recommended, k3.far1.thresh);
  // The eval pack's shipped default keeps false merges of pooled 3-face tracks at or under 1 %.
  assert.ok(rate(k3.diffCos, pack.defaultClusterThresh) <= 0.01, `eval.json defaultClusterThresh ${pack.defaultClusterThresh}: ${rate(k3.diffCos, pack.defaultClusterThresh)} of pooled different-person pairs`);
});
