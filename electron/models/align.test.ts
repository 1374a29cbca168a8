import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ARCFACE_TEMPLATE_112, alignFace, applyAffine, arcfaceTransform, estimateSimilarity, invertAffine } from './align';
import type { RgbImage } from './types';

const COLORS: [number, number, number][] = [
  [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [0, 255, 255],
];

/** Gray image with a coloured disc of radius r at each of the 5 points (one colour per landmark). */
function drawDots(w: number, h: number, pts: number[], r: number): RgbImage {
  const data = new Uint8Array(w * h * 3).fill(128);
  for (let k = 0; k < 5; k++) {
    const [cx, cy] = [pts[2 * k], pts[2 * k + 1]];
    for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
      for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
        if (x < 0 || y < 0 || x >= w || y >= h || (x - cx) ** 2 + (y - cy) ** 2 > r * r) continue;
        data.set(COLORS[k], (y * w + x) * 3);
      }
    }
  }
  return { data, width: w, height: h };
}

/** Centroid of the pixels close to each landmark colour. */
function findDots(img: RgbImage): number[] {
  const out: number[] = [];
  for (const col of COLORS) {
    let sx = 0, sy = 0, n = 0;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        const p = (y * img.width + x) * 3;
        const d = Math.abs(img.data[p] - col[0]) + Math.abs(img.data[p + 1] - col[1]) + Math.abs(img.data[p + 2] - col[2]);
        if (d < 90) { sx += x; sy += y; n++; }
      }
    }
    assert.ok(n > 0, `colour ${col} not found in the aligned image`);
    out.push(sx / n, sy / n);
  }
  return out;
}

test('landmarks already on the template give the identity transform and an unchanged image', () => {
  const m = arcfaceTransform(ARCFACE_TEMPLATE_112);
  const id = [1, 0, 0, 0, 1, 0];
  m.forEach((v, i) => assert.ok(Math.abs(v - id[i]) < 1e-9, `m[${i}] = ${v}`));
  const img = drawDots(112, 112, [...ARCFACE_TEMPLATE_112], 3);
  const out = alignFace(img, ARCFACE_TEMPLATE_112);
  assert.equal(out.width, 112);
  assert.deepEqual(Buffer.from(out.data), Buffer.from(img.data));
});

test('a rotated, scaled, shifted face comes back upright on the template', () => {
  const angle = (35 * Math.PI) / 180, s = 2.3, tx = 140, ty = 60;
  const fwd: [number, number, number, number, number, number] = [
    s * Math.cos(angle), -s * Math.sin(angle), tx, s * Math.sin(angle), s * Math.cos(angle), ty,
  ];
  const pts = applyAffine(fwd, ARCFACE_TEMPLATE_112);
  const img = drawDots(420, 380, pts, 7);
  const out = alignFace(img, pts);
  const found = findDots(out);
  for (let i = 0; i < 10; i++) {
    assert.ok(Math.abs(found[i] - ARCFACE_TEMPLATE_112[i]) < 1.0, `coord ${i}: ${found[i]} vs ${ARCFACE_TEMPLATE_112[i]}`);
  }
  // Eyes level, nose below them, mouth below the nose.
  assert.ok(Math.abs(found[1] - found[3]) < 1.0, 'eyes level');
  assert.ok(found[5] > found[1] && found[7] > found[5] && found[9] > found[5]);
  assert.ok(found[0] < found[2], 'left eye on the left');
});

test('any output size uses the scaled template', () => {
  const pts = [...ARCFACE_TEMPLATE_112];
  const out = alignFace(drawDots(112, 112, pts, 4), pts, 224);
  assert.equal(out.width, 224);
  const found = findDots(out);
  for (let i = 0; i < 10; i++) assert.ok(Math.abs(found[i] - 2 * ARCFACE_TEMPLATE_112[i]) < 1.5);
});

test('the least-squares fit recovers a known similarity from noisy points and inverts exactly', () => {
  const truth: [number, number, number, number, number, number] = [0.6, -0.8, 10, 0.8, 0.6, -4];
  const src = [10, 10, 50, 12, 30, 40, 15, 60, 45, 62];
  const noise = [0.3, -0.2, -0.1, 0.25, 0.05, -0.3, 0.2, 0.1, -0.25, -0.05];
  const dst = applyAffine(truth, src).map((v, i) => v + noise[i]);
  const m = estimateSimilarity(src, dst);
  m.forEach((v, i) => assert.ok(Math.abs(v - truth[i]) < 0.3, `m[${i}] = ${v}, want ${truth[i]}`));
  const back = applyAffine(invertAffine(m), applyAffine(m, src));
  back.forEach((v, i) => assert.ok(Math.abs(v - src[i]) < 1e-9));
  assert.throws(() => estimateSimilarity([1, 1, 1, 1], [0, 0, 1, 1]), /same point/);
  assert.throws(() => arcfaceTransform([1, 2, 3]), /10 landmark values/);
});

test('the closed-form fit equals Umeyama\'s SVD solution computed by numpy (as skimage/insightface do it)', () => {
  // Landmark sets: a tilted face, a small face, a near-profile squeeze.
  const sets = [
    [590, 519, 864, 525, 727, 693, 590, 778, 858, 784],
    [101.2, 60.3, 118.9, 58.1, 110.4, 70.2, 103.3, 79.9, 117.5, 78.6],
    [300, 200, 340, 230, 300, 260, 280, 290, 310, 310],
  ];
  const py = `
import json, sys, numpy as np
def umeyama(src, dst):
    n, m = src.shape
    sm, dm = src.mean(0), dst.mean(0)
    sd, dd = src - sm, dst - dm
    A = dd.T @ sd / n
    d = np.ones(m)
    if np.linalg.det(A) < 0: d[m - 1] = -1
    U, S, Vt = np.linalg.svd(A)
    T = np.eye(m + 1)
    T[:m, :m] = U @ np.diag(d) @ Vt
    scale = 1.0 / sd.var(0).sum() * (S @ d)
    T[:m, m] = dm - scale * (T[:m, :m] @ sm)
    T[:m, :m] *= scale
    return T[:2].ravel().tolist()
dst = np.array(json.loads(sys.argv[1])).reshape(5, 2)
print(json.dumps([umeyama(np.array(s, float).reshape(5, 2), dst) for s in json.load(sys.stdin)]))`;
  const out = execFileSync('python3', ['-c', py, JSON.stringify(ARCFACE_TEMPLATE_112)], { input: JSON.stringify(sets) }).toString();
  const want = JSON.parse(out) as number[][];
  sets.forEach((s, k) => {
    const got = arcfaceTransform(s);
    got.forEach((v, i) => assert.ok(Math.abs(v - want[k][i]) < 1e-9 * Math.max(1, Math.abs(want[k][i])) + 1e-9, `set ${k} m[${i}]: ${v} vs ${want[k][i]}`));
  });
});
