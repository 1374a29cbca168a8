// Calibrates a pack's default cluster threshold: detect (top face) → align → embed every photo of
// the identities with ≥ 4 photos in ../shared/eval/faces, then report the same-person and
// different-person cosine distributions and the threshold that best separates them.
// --pooled: clustering compares pooled TRACK vectors (shared/cluster/pooling.ts), not single faces, and
// averaging raises between-person similarity too; so embed each of the 185 single-face photos once,
// simulate tracks as random k-photo subsets pooled exactly like the pool stage, and pick the threshold
// from those distributions (see pooledCalibration).
// Run: node --import tsx electron/models/calibrate.ts [packId|manifest.json] [--models-dir DIR] [--pooled [--seed N]]
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { alignFace } from './align';
import { cosine } from '../../shared/vec';
import { loadPack } from './pack';
import { EVAL_DIR, readRgb } from './eval-pack';
import type { LoadedPack } from './types';
import { evalPhotos } from './default/eval-data';
import { poolTracks } from '../../shared/cluster/pooling';
import { makeRng } from '../../shared/rng';

/** Photos SOURCES.md lists as holding several faces or none: the top face may not be the labeled person. */
const AMBIGUOUS = new Set([
  'celeb-ben-affleck/16.jpg', 'celeb-elton-john/9.jpg', 'celeb-jerry-seinfeld/13.jpg', 'celeb-jerry-seinfeld/16.jpg',
  'celeb-jerry-seinfeld/25.jpg', 'deepface-p04/4.jpg', 'deepface-p06/3.jpg', 'deepface-p06/5.jpg',
]);

export interface Calibration {
  photos: number;
  identities: number;
  same: number[];
  diff: number[];
  /** Balanced-error optimum (mean of the two miss rates; ties → midpoint of the tied range). */
  balanced: number;
  /** Lowest threshold with ≤ 1 % of different-person pairs at or above it. */
  fmr1: number;
  /** Recommended: the higher of the two, because a wrong merge costs a reviewer more than a split. */
  threshold: number;
  /** Pair accuracy (balanced) and same-person pairs kept at `threshold`. */
  accuracy: number;
  sameKept: number;
}

export async function embedIdentities(pack: LoadedPack, perIdentity = Infinity, minPhotos = 4): Promise<{ id: string; emb: Float32Array }[]> {
  const root = join(EVAL_DIR, 'faces');
  const out: { id: string; emb: Float32Array }[] = [];
  for (const id of readdirSync(root).sort()) {
    if (id.startsWith('ref-')) continue;
    const files = readdirSync(join(root, id)).sort((a, b) => parseInt(a) - parseInt(b)).filter((f) => !AMBIGUOUS.has(`${id}/${f}`));
    if (files.length < minPhotos) continue;
    for (const f of files.slice(0, perIdentity)) {
      const img = await readRgb(join(root, id, f));
      const [dets] = await pack.detector.detect([img]);
      if (!dets.length) continue;
      const [emb] = await pack.embedder.embed([alignFace(img, dets[0].landmarks, pack.embedder.inputSize, pack.embedder.alignTemplate)]);
      out.push({ id, emb });
    }
  }
  return out;
}

/** Embeds the top face of every single-face photo (evalPhotos: 185 photos of 24 identities); photos with no face are left out. */
export async function embedPhotos(pack: LoadedPack, photos = evalPhotos()): Promise<{ id: string; emb: Float32Array }[]> {
  const out: { id: string; emb: Float32Array }[] = [];
  for (const { file, label } of photos) {
    const img = await readRgb(file);
    const [dets] = await pack.detector.detect([img]);
    if (!dets.length) continue;
    const [emb] = await pack.embedder.embed([alignFace(img, dets[0].landmarks, pack.embedder.inputSize, pack.embedder.alignTemplate)]);
    out.push({ id: label, emb });
  }
  return out;
}

export function calibrate(items: { id: string; emb: Float32Array }[]): Calibration {
  const same: number[] = [], diff: number[] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) (items[i].id === items[j].id ? same : diff).push(cosine(items[i].emb, items[j].emb));
  }
  // Balanced error: mean of the two miss rates, so the many different-person pairs do not dominate.
  let best = { err: Infinity, lo: 0, hi: 0 };
  for (let t = -0.2; t <= 0.9001; t += 0.01) {
    const err = same.filter((s) => s < t).length / same.length + diff.filter((d) => d >= t).length / diff.length;
    if (err < best.err - 1e-12) best = { err, lo: t, hi: t };
    else if (Math.abs(err - best.err) < 1e-12) best.hi = t;
  }
  const balanced = Math.round(((best.lo + best.hi) / 2) * 100) / 100;
  const sortedDiff = [...diff].sort((a, b) => a - b);
  const fmr1 = Math.ceil(sortedDiff[Math.min(sortedDiff.length - 1, Math.floor(0.99 * sortedDiff.length))] * 100) / 100;
  const threshold = Math.max(balanced, fmr1);
  const acc = (t: number) => 1 - (same.filter((s) => s < t).length / same.length + diff.filter((d) => d >= t).length / diff.length) / 2;
  return {
    photos: items.length,
    identities: new Set(items.map((i) => i.id)).size,
    same,
    diff,
    balanced,
    fmr1,
    threshold,
    accuracy: acc(threshold),
    sameKept: same.filter((s) => s >= threshold).length / same.length,
  };
}

// ---- pooled (track) calibration -------------------------------------------------------------

export interface Dist {
  n: number;
  mean: number;
  p1: number;
  p5: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface OperatingPoint {
  thresh: number;
  /** Different-person pairs at or above `thresh` (false merges). */
  far: number;
  /** Same-person pairs at or above `thresh` (kept together). */
  tar: number;
}

export interface PooledRow {
  k: number;
  /** Identities with ≥ 2k photos (they give the same-person pairs) and with ≥ k photos (different-person). */
  sameIdentities: number;
  diffIdentities: number;
  same: Dist;
  diff: Dist;
  far1: OperatingPoint;
  far01: OperatingPoint;
  /** Maximises TAR − FAR (Youden's J). */
  youden: OperatingPoint;
  sameCos: number[];
  diffCos: number[];
  /** Identity pair ("a | b") of each different-person draw, parallel to diffCos. */
  diffPairIds: string[];
}

export interface PooledCalibration {
  rows: PooledRow[];
  /** The k the pack default is chosen at, and the chosen threshold: FAR ≤ 1 % of pooled k-photo tracks. */
  chooseK: number;
  recommended: number;
}

export interface PooledOptions {
  ks?: number[];
  chooseK?: number;
  /** Same-person draws per identity (fewer when the identity has fewer distinct disjoint subset pairs). */
  samePerIdentity?: number;
  diffPairs?: number;
  seed?: number;
}

/** The first `m` of a random permutation of 0…n−1 (partial Fisher–Yates). */
export function sampleIndices(rng: () => number, n: number, m: number): number[] {
  if (m > n) throw new Error(`sampleIndices: ${m} of ${n}`);
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng() * (n - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, m);
}

const binom = (n: number, k: number) => {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
};

/** Pools embeddings exactly as the pool stage does (poolTracks, equal quality weights). */
export function poolSubset(embs: readonly Float32Array[]): Float32Array {
  const dim = embs[0].length;
  const rows = new Float32Array(embs.length * dim);
  embs.forEach((e, i) => rows.set(e, i * dim));
  const faces = embs.map(() => ({ track_id: 't', quality_score: 1 }));
  return poolTracks(faces, rows, dim, ['t']).vectors;
}

export function distribution(v: readonly number[]): Dist {
  const s = [...v].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { n: v.length, mean: v.reduce((a, b) => a + b, 0) / v.length, p1: q(0.01), p5: q(0.05), p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

const rate = (v: readonly number[], t: number) => v.filter((x) => x >= t - 1e-9).length / v.length;
// Thresholds on a 0.01 grid, as a pack manifest records them.
const GRID = Array.from({ length: 121 }, (_, i) => Math.round(-20 + i) / 100);

/** Lowest grid threshold with at most `far` of the different-person pairs at or above it. */
export function thresholdAtFar(same: readonly number[], diff: readonly number[], far: number): OperatingPoint {
  const t = GRID.find((g) => rate(diff, g) <= far) ?? 1;
  return { thresh: t, far: rate(diff, t), tar: rate(same, t) };
}

export function youden(same: readonly number[], diff: readonly number[]): OperatingPoint {
  let best: OperatingPoint = { thresh: 0, far: 1, tar: 1 };
  for (const t of GRID) {
    const p = { thresh: t, far: rate(diff, t), tar: rate(same, t) };
    if (p.tar - p.far > best.tar - best.far + 1e-12) best = p;
  }
  return best;
}

/**
 * Simulated tracks: for each k, pairs of disjoint random k-photo subsets of one identity (same person)
 * and k-photo subsets of two different identities (different people), each pooled like the pool stage,
 * compared by cosine. Same-person draws are capped per identity so the celebrities with 20+ photos do
 * not outweigh the rest; an identity needs 2k photos to give a same-person pair at k.
 */
export function pooledCalibration(items: readonly { id: string; emb: Float32Array }[], opts: PooledOptions = {}): PooledCalibration {
  const { ks = [1, 3, 5], chooseK = 3, samePerIdentity = 200, diffPairs = 20000, seed = 1 } = opts;
  const byId = new Map<string, Float32Array[]>();
  for (const it of items) byId.set(it.id, [...(byId.get(it.id) ?? []), it.emb]);
  const rows: PooledRow[] = [];
  for (const k of ks) {
    const rng = makeRng(seed * 1000 + k);
    const sameCos: number[] = [];
    const sameIds = [...byId.entries()].filter(([, e]) => e.length >= 2 * k);
    for (const [, embs] of sameIds) {
      const distinct = (binom(embs.length, k) * binom(embs.length - k, k)) / 2;
      for (let d = Math.min(samePerIdentity, Math.round(distinct)); d > 0; d--) {
        const idx = sampleIndices(rng, embs.length, 2 * k);
        const a = poolSubset(idx.slice(0, k).map((i) => embs[i]));
        const b = poolSubset(idx.slice(k).map((i) => embs[i]));
        sameCos.push(cosine(a, b));
      }
    }
    const diffEntries = [...byId.entries()].filter(([, e]) => e.length >= k);
    const diffIds = diffEntries.map(([, e]) => e);
    const diffCos: number[] = [];
    const diffPairIds: string[] = [];
    for (let d = 0; d < diffPairs && diffIds.length >= 2; d++) {
      const [x, y] = sampleIndices(rng, diffIds.length, 2);
      const a = poolSubset(sampleIndices(rng, diffIds[x].length, k).map((i) => diffIds[x][i]));
      const b = poolSubset(sampleIndices(rng, diffIds[y].length, k).map((i) => diffIds[y][i]));
      diffCos.push(cosine(a, b));
      diffPairIds.push([diffEntries[x][0], diffEntries[y][0]].sort().join(' | '));
    }
    if (!sameCos.length || !diffCos.length) throw new Error(`pooled calibration: no ${sameCos.length ? 'different' : 'same'}-person pairs at k=${k}`);
    rows.push({
      k,
      sameIdentities: sameIds.length,
      diffIdentities: diffIds.length,
      same: distribution(sameCos),
      diff: distribution(diffCos),
      far1: thresholdAtFar(sameCos, diffCos, 0.01),
      far01: thresholdAtFar(sameCos, diffCos, 0.001),
      youden: youden(sameCos, diffCos),
      sameCos,
      diffCos,
      diffPairIds,
    });
  }
  const chosen = rows.find((r) => r.k === chooseK);
  if (!chosen) throw new Error(`pooled calibration: chooseK ${chooseK} not among ks ${ks.join(', ')}`);
  return { rows, chooseK, recommended: chosen.far1.thresh };
}

/** Which identity pairs make up the different-person draws at or above `thresh` (most first). */
export function falseMergePairs(r: PooledRow, thresh: number): { pair: string; count: number }[] {
  const counts = new Map<string, number>();
  r.diffCos.forEach((c, i) => c >= thresh - 1e-9 && counts.set(r.diffPairIds[i], (counts.get(r.diffPairIds[i]) ?? 0) + 1));
  return [...counts].map(([pair, count]) => ({ pair, count })).sort((a, b) => b.count - a.count);
}

/** Markdown table of a pooled calibration. */
export function pooledTable(p: PooledCalibration): string {
  const f = (x: number) => x.toFixed(3);
  const pc = (x: number) => `${(100 * x).toFixed(1)}%`;
  const op = (o: OperatingPoint) => `${o.thresh.toFixed(2)} (TAR ${pc(o.tar)}, FAR ${pc(o.far)})`;
  const d = (x: Dist) => `${f(x.mean)} / ${f(x.p1)} / ${f(x.p5)} / ${f(x.p50)} / ${f(x.p95)} / ${f(x.p99)}`;
  return [
    '| k | same pairs (ids) | same mean / p1 / p5 / p50 / p95 / p99 | diff pairs (ids) | diff mean / p1 / p5 / p50 / p95 / p99 | thresh @ FAR 1% | thresh @ FAR 0.1% | max TAR−FAR |',
    '|---|---|---|---|---|---|---|---|',
    ...p.rows.map((r) => `| ${r.k} | ${r.same.n} (${r.sameIdentities}) | ${d(r.same)} | ${r.diff.n} (${r.diffIdentities}) | ${d(r.diff)} | ${op(r.far1)} | ${op(r.far01)} | ${op(r.youden)} |`),
  ].join('\n');
}

const stats = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `n=${v.length} mean=${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(3)} p1=${q(0.01).toFixed(3)} p5=${q(0.05).toFixed(3)} median=${q(0.5).toFixed(3)} p95=${q(0.95).toFixed(3)} p99=${q(0.99).toFixed(3)}`;
};

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const arg = process.argv[2] ?? 'eval';
  const md = process.argv.indexOf('--models-dir');
  const pack = await loadPack({
    ...(arg.endsWith('.json') && existsSync(arg) ? { manifestPath: arg } : { packId: arg }),
    userModelDir: md > 0 ? process.argv[md + 1] : undefined,
    device: 'cpu',
  });
  if (process.argv.includes('--pooled')) {
    const sd = process.argv.indexOf('--seed');
    const items = await embedPhotos(pack);
    const p = pooledCalibration(items, { seed: sd > 0 ? Number(process.argv[sd + 1]) : 1 });
    console.log(`${pack.id} (${pack.embedder.modelId}): ${items.length} photos embedded, ${new Set(items.map((i) => i.id)).size} identities; pooled (mean, renormalised) random k-photo tracks`);
    console.log(pooledTable(p));
    for (const r of p.rows) {
      for (const t of [...new Set([pack.defaultClusterThresh, r.far1.thresh])]) {
        const pairs = falseMergePairs(r, t);
        const top = pairs.slice(0, 4).map((q) => `${q.pair} ${q.count}`).join('; ');
        console.log(`k=${r.k} different-person draws >= ${t.toFixed(2)}: ${pairs.reduce((a, q) => a + q.count, 0)} from ${pairs.length} identity pairs${top ? ` (${top})` : ''}`);
      }
    }
    console.log(`recommended defaultClusterThresh (k=${p.chooseK}, false merges <= 1%): ${p.recommended}`);
    await pack.detector.dispose();
    await pack.embedder.dispose();
    process.exit(0);
  }
  const c = calibrate(await embedIdentities(pack));
  console.log(`${pack.id} (${pack.embedder.modelId}): ${c.photos} photos, ${c.identities} identities`);
  console.log(`same-person cosine:      ${stats(c.same)}`);
  console.log(`different-person cosine: ${stats(c.diff)}`);
  console.log(`balanced-error optimum ${c.balanced}; 1% different-person pairs above ${c.fmr1}`);
  console.log(`threshold ${c.threshold}: balanced pair accuracy ${(c.accuracy * 100).toFixed(1)}%, same-person pairs kept ${(c.sameKept * 100).toFixed(1)}%`);
  await pack.detector.dispose();
  await pack.embedder.dispose();
}
