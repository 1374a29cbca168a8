// The InsightFace packs (user-supplied files) through loadPack. The real det_500m.onnx is used as
// is; det_10g.onnx, retinaface_r50_v1, w600k_r50.onnx and w600k_mbf.onnx are not available here, so
// each is stood in for by an ONNX graph with the same input/output names and shapes:
//  - det_10g: the real det_500m graph with its outputs renamed to det_10g's (448/471/494, …),
//  - retinaface_r50_v1: constant score/delta maps that encode one known face (decoder checked exactly),
//  - w600k_r50 / w600k_mbf: mean colour → 512-d linear map, so the expected embedding is computable.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
import { alignFace } from './align';
import { arcfaceStandIn as arcfaceModel, constantOutputsModel } from '../../test-support/onnx-models';
import { loadPack } from './pack';
import { EVAL_DIR, EVAL_MODELS_DIR, readRgb } from './eval-pack';
import type { LoadedPack, RgbImage } from './types';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sa-insightface-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic pseudo-random 3×512 projection. */
function projection(seed: number): Float32Array {
  const w = new Float32Array(3 * 512);
  let s = seed;
  for (let i = 0; i < w.length; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    w[i] = s / 2147483648 - 0.5;
  }
  return w;
}

function solid(r: number, g: number, b: number, size = 112): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < data.length; i += 3) data.set([r, g, b], i);
  return { data, width: size, height: size };
}

/** What the ArcFace adapter must output for a solid crop: ((px − 127.5) / 127.5) in RGB order · W, L2-normalised. */
function expectedEmbedding(rgb: [number, number, number], w: Float32Array): Float32Array {
  const m = rgb.map((v) => (v - 127.5) / 127.5);
  const e = new Float32Array(512);
  for (let j = 0; j < 512; j++) e[j] = m[0] * w[j] + m[1] * w[512 + j] + m[2] * w[1024 + j];
  const n = Math.hypot(...e);
  return e.map((v) => v / n);
}

async function closeAll(p: LoadedPack) {
  await p.detector.dispose();
  await p.embedder.dispose();
}

test('buffalo_s: real det_500m + a w600k_mbf stand-in (tensor names "*"), 512-d unit embeddings of real faces', async () => {
  const models = join(dir, 'buffalo_s');
  rmSync(models, { recursive: true, force: true });
  mkdirSync(models);
  symlinkSync(join(EVAL_MODELS_DIR, 'det_500m.onnx'), join(models, 'det_500m.onnx'));
  const w = projection(7);
  writeFileSync(join(models, 'w600k_mbf.onnx'), arcfaceModel('data_in', 'fc1_out', w));
  const pack = await loadPack({ packId: 'insightface-buffalo-s', userModelDir: models, device: 'cpu' });
  assert.equal(pack.device, 'cpu');
  // det_500m matches its known hash; the stand-in does not, so exactly one warning, naming it.
  assert.equal(pack.warnings?.length, 1, JSON.stringify(pack.warnings));
  assert.match(pack.warnings![0], /w600k_mbf\.onnx has sha256 .* not a known hash/);
  assert.equal(pack.embedder.dim, 512);
  const img = await readRgb(join(EVAL_DIR, 'scenes', 'kit_with_rose.jpg'));
  const [dets] = await pack.detector.detect([img]);
  assert.equal(dets.length, 2);
  const crops = dets.map((d) => alignFace(img, d.landmarks));
  const embs = await pack.embedder.embed([...crops, solid(200, 30, 90)]);
  assert.equal(embs.length, 3);
  for (const e of embs) assert.ok(e.length === 512 && Math.abs(Math.hypot(...e) - 1) < 1e-4);
  const want = expectedEmbedding([200, 30, 90], w);
  for (let j = 0; j < 512; j++) assert.ok(Math.abs(embs[2][j] - want[j]) < 1e-4, `dim ${j}`);
  await closeAll(pack);
});

test('buffalo_l: det_10g signature (real SCRFD graph, outputs renamed 448…500) + w600k_r50 stand-in', async () => {
  const models = join(dir, 'buffalo_l');
  mkdirSync(models, { recursive: true });
  const m = onnx.ModelProto.decode(readFileSync(join(EVAL_MODELS_DIR, 'det_500m.onnx')));
  const rename: Record<string, string> = {
    '443': '448', '468': '471', '493': '494', '446': '451', '471': '474', '496': '497', '449': '454', '474': '477', '499': '500',
  };
  // Every other tensor gets a prefix first: det_500m uses some of det_10g's output names internally.
  const ren = (n: string) => (n === 'input.1' || n === '' ? n : (rename[n] ?? `t_${n}`));
  const g = m.graph!;
  for (const n of g.node!) {
    n.input = n.input!.map(ren);
    n.output = n.output!.map(ren);
  }
  for (const t of g.initializer!) t.name = ren(t.name!);
  for (const v of [...g.output!, ...(g.valueInfo ?? [])]) v.name = ren(v.name!);
  writeFileSync(join(models, 'det_10g.onnx'), onnx.ModelProto.encode(m).finish());
  const w = projection(11);
  writeFileSync(join(models, 'w600k_r50.onnx'), arcfaceModel('input.1', '683', w));
  const pack = await loadPack({ packId: 'insightface-buffalo-l', userModelDir: models, device: 'cpu' });
  assert.equal(pack.defaultClusterThresh, 0.58);
  const img = await readRgb(join(EVAL_DIR, 'scenes', 'two_people.jpg'));
  const [dets] = await pack.detector.detect([img]);
  assert.equal(dets.length, 2);
  const [e] = await pack.embedder.embed([solid(10, 120, 250)]);
  const want = expectedEmbedding([10, 120, 250], w);
  for (let j = 0; j < 512; j++) assert.ok(Math.abs(e[j] - want[j]) < 1e-4);
  await closeAll(pack);
});

test('RetinaFace-R50: anchor/delta decoding of a built retinaface_r50_v1-signature graph, letterboxed input', async () => {
  const models = join(dir, 'retina');
  mkdirSync(models, { recursive: true });
  const A = 2;
  const outputs: { name: string; dims: number[]; values: Float32Array }[] = [];
  // One face at stride 16, cell (x 20, y 15), anchor 0 (scale 8 → 128 px); a weaker overlapping
  // duplicate at anchor 1 of the same cell (NMS must drop it); a 0.3 face elsewhere (below threshold).
  const face = { stride: 16, x: 20, y: 15, a: 0, d: [0.1, -0.05, Math.log(1.2), Math.log(1.4)] };
  const lmOffsets = [-0.2, -0.15, 0.2, -0.15, 0, 0.05, -0.15, 0.25, 0.15, 0.25];
  for (const s of [32, 16, 8]) {
    const H = 640 / s, W = 640 / s, plane = H * W;
    const cls = new Float32Array(2 * A * plane).fill(0);
    for (let i = 0; i < A * plane; i++) cls[i] = 1; // background probability
    const box = new Float32Array(4 * A * plane), lmk = new Float32Array(10 * A * plane);
    if (s === 16) {
      const p = face.y * W + face.x;
      cls[(A + 0) * plane + p] = 0.95;
      cls[(A + 1) * plane + p] = 0.7;
      cls[(A + 0) * plane + 30 * W + 5] = 0.3;
      face.d.forEach((v, j) => (box[(0 * 4 + j) * plane + p] = v));
      // Anchor 1 is half the size, so these deltas give nearly the same box as anchor 0's.
      [0.2, -0.1, Math.log(2.4), Math.log(2.8)].forEach((v, j) => (box[(1 * 4 + j) * plane + p] = v));
      lmOffsets.forEach((v, k) => (lmk[(0 * 10 + k) * plane + p] = v));
    }
    outputs.push(
      { name: `face_rpn_cls_prob_reshape_stride${s}`, dims: [1, 2 * A, H, W], values: cls },
      { name: `face_rpn_bbox_pred_stride${s}`, dims: [1, 4 * A, H, W], values: box },
      { name: `face_rpn_landmark_pred_stride${s}`, dims: [1, 10 * A, H, W], values: lmk },
    );
  }
  writeFileSync(join(models, 'retinaface_r50_v1.onnx'), constantOutputsModel({ name: 'data', dims: [1, 3, 640, 640] }, outputs));
  writeFileSync(join(models, 'w600k_r50.onnx'), arcfaceModel('input.1', '683', projection(3)));
  const pack = await loadPack({ packId: 'insightface-retinaface-r50', userModelDir: models, device: 'cpu' });
  assert.equal(pack.detector.family, 'retinaface');
  // 1280×960 image → letterboxed at scale 0.5 into 640×480 (+ padding), so every pixel doubles.
  const [dets] = await pack.detector.detect([{ data: new Uint8Array(1280 * 960 * 3), width: 1280, height: 960 }]);
  assert.equal(dets.length, 1, JSON.stringify(dets));
  // Expected, by hand from insightface's bbox_pred / landmark_pred: anchor 0 at stride 16 spans
  // 7.5 ± 63.5 around the cell origin → width 128, centre (7.5 + 320, 7.5 + 240).
  const cx = 327.5 + 0.1 * 128, cy = 247.5 - 0.05 * 128, pw = 1.2 * 128, ph = 1.4 * 128;
  const want = [cx - 0.5 * (pw - 1), cy - 0.5 * (ph - 1), cx + 0.5 * (pw - 1), cy + 0.5 * (ph - 1)].map((v) => v * 2);
  dets[0].bbox.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-3, `bbox[${i}] ${v} vs ${want[i]}`));
  const wantLm = lmOffsets.map((v, k) => (k % 2 === 0 ? 327.5 + v * 128 : 247.5 + v * 128) * 2);
  dets[0].landmarks.forEach((v, i) => assert.ok(Math.abs(v - wantLm[i]) < 1e-3, `lm[${i}] ${v} vs ${wantLm[i]}`));
  assert.ok(Math.abs(dets[0].conf - 0.95) < 1e-6);
  await closeAll(pack);
});

test('SCRFD layout with a batch dim, other output names and landmark order (insightface "RetinaFace"-class exports)', async () => {
  const root = join(dir, 'batched');
  const models = join(root, 'models');
  mkdirSync(models, { recursive: true });
  const size = 320, A = 2;
  const outputs: { name: string; dims: number[]; values: Float32Array }[] = [];
  // One face at stride 16, cell (col 9, row 7), anchor 1 → anchor index (7·20 + 9)·2 + 1, centre (144, 112).
  // The model emits its landmarks as right eye, left eye, nose, right mouth, left mouth.
  const modelKps = [0.8, -0.9, -0.8, -0.9, 0, 0.2, 0.6, 1.2, -0.6, 1.2];
  for (const s of [8, 16, 32]) {
    const n = (size / s) ** 2 * A;
    const score = new Float32Array(n), box = new Float32Array(n * 4), kps = new Float32Array(n * 10);
    if (s === 16) {
      const i = (7 * 20 + 9) * 2 + 1;
      score[i] = 0.9;
      box.set([2, 2.5, 2, 3], i * 4);
      kps.set(modelKps, i * 10);
    }
    outputs.push({ name: `score_${s}`, dims: [1, n, 1], values: score }, { name: `bbox_${s}`, dims: [1, n, 4], values: box }, { name: `kps_${s}`, dims: [1, n, 10], values: kps });
  }
  writeFileSync(join(models, 'det.onnx'), constantOutputsModel({ name: 'images', dims: [1, 3, size, size] }, outputs.reverse()));
  symlinkSync(join(EVAL_MODELS_DIR, 'mobilefacenet.onnx'), join(models, 'mobilefacenet.onnx'));
  const manifest = {
    id: 'batched', name: 'batched', location: { kind: 'dir', path: models }, defaultClusterThresh: 0.3, calibration: 'test',
    files: {
      det: { path: 'det.onnx', source: 'user-supplied', licence: 'test', origin: 'built in this test' },
      emb: { path: 'mobilefacenet.onnx', source: 'user-supplied', licence: 'none stated', origin: '../shared/eval' },
    },
    detector: {
      kind: 'scrfd', file: 'det',
      input: { name: 'images', size: [size, size], layout: 'NCHW', channelOrder: 'RGB', mean: [127.5, 127.5, 127.5], std: [128, 128, 128] },
      outputs: { scores: ['score_8', 'score_16', 'score_32'], boxes: ['bbox_8', 'bbox_16', 'bbox_32'], kps: ['kps_8', 'kps_16', 'kps_32'] },
      strides: [8, 16, 32], anchorsPerCell: A,
      landmarkOrder: ['right_eye', 'left_eye', 'nose', 'mouth_right', 'mouth_left'],
    },
    embedder: { kind: 'arcface', file: 'emb', input: { name: 'input', size: [112, 112], layout: 'NCHW', channelOrder: 'RGB', mean: [127.5, 127.5, 127.5], std: [128, 128, 128] }, output: 'output', dim: 128 },
  };
  writeFileSync(join(root, 'batched.json'), JSON.stringify(manifest));
  const pack = await loadPack({ manifestPath: join(root, 'batched.json'), device: 'cpu' });
  // 640×480 → letterboxed at scale 0.5, so model pixels double.
  const [dets] = await pack.detector.detect([{ data: new Uint8Array(640 * 480 * 3), width: 640, height: 480 }]);
  assert.equal(dets.length, 1);
  assert.deepEqual(dets[0].bbox.map((v) => Math.round(v * 1000) / 1000), [(144 - 32) * 2, (112 - 40) * 2, (144 + 32) * 2, (112 + 48) * 2]);
  const canonical = [-0.8, -0.9, 0.8, -0.9, 0, 0.2, -0.6, 1.2, 0.6, 1.2];
  const want = canonical.map((v, k) => ((k % 2 === 0 ? 144 : 112) + v * 16) * 2);
  dets[0].landmarks.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-3, `lm[${i}] ${v} vs ${want[i]}`));
  await closeAll(pack);
});
