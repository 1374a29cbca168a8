// Calibrates a pack's default cluster threshold: detect (top face) → align → embed every photo of
// the identities with ≥ 4 photos in ../shared/eval/faces, then report the same-person and
// different-person cosine distributions and the threshold that best separates them.
// Run: node --import tsx electron/models/calibrate.ts [packId|manifest.json] [--models-dir DIR]
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { alignFace } from './align';
import { cosine } from './arcface';
import { loadPack } from './pack';
import { EVAL_DIR, readRgb } from './testing';
import type { LoadedPack } from './types';

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
      const [emb] = await pack.embedder.embed([alignFace(img, dets[0].landmarks, pack.embedder.inputSize)]);
      out.push({ id, emb });
    }
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
  const c = calibrate(await embedIdentities(pack));
  console.log(`${pack.id} (${pack.embedder.modelId}): ${c.photos} photos, ${c.identities} identities`);
  console.log(`same-person cosine:      ${stats(c.same)}`);
  console.log(`different-person cosine: ${stats(c.diff)}`);
  console.log(`balanced-error optimum ${c.balanced}; 1% different-person pairs above ${c.fmr1}`);
  console.log(`threshold ${c.threshold}: balanced pair accuracy ${(c.accuracy * 100).toFixed(1)}%, same-person pairs kept ${(c.sameKept * 100).toFixed(1)}%`);
  await pack.detector.dispose();
  await pack.embedder.dispose();
}
