// SCRFD → 5-point alignment → the real MobileFaceNets from ../shared/eval/models, on photos of three
// people: the same person must score clearly above different people.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { alignFace } from './align';
import { cosine, l2normalize } from '../../shared/vec';
import { ArcFaceEmbedder, mirror } from './arcface';
import { EmbedderSpecSchema } from './manifest';
import { createSession } from './providers';
import { EVAL_DIR, EVAL_MODELS_DIR, loadEvalPack, readRgb } from './eval-pack';
import type { FaceEmbedder, RgbImage } from './types';

const PEOPLE = ['deepface-p01', 'deepface-p02', 'deepface-p03'];
const PHOTOS = ['1.jpg', '2.jpg', '3.jpg', '4.jpg'];

async function alignedCrops(): Promise<{ id: string; crop: RgbImage }[]> {
  const pack = await loadEvalPack();
  const out: { id: string; crop: RgbImage }[] = [];
  for (const id of PEOPLE) {
    for (const f of PHOTOS) {
      const img = await readRgb(join(EVAL_DIR, 'faces', id, f));
      const [dets] = await pack.detector.detect([img]);
      assert.equal(dets.length, 1, `${id}/${f}`);
      out.push({ id, crop: alignFace(img, dets[0].landmarks) });
    }
  }
  await pack.detector.dispose();
  await pack.embedder.dispose();
  return out;
}

const cropsP = alignedCrops();

function separation(crops: { id: string }[], embs: Float32Array[]) {
  let minSame = Infinity, maxDiff = -Infinity;
  for (let i = 0; i < embs.length; i++) {
    for (let j = i + 1; j < embs.length; j++) {
      const c = cosine(embs[i], embs[j]);
      if (crops[i].id === crops[j].id) minSame = Math.min(minSame, c);
      else maxDiff = Math.max(maxDiff, c);
    }
  }
  return { minSame, maxDiff };
}

async function embedder(file: string, spec: unknown): Promise<FaceEmbedder> {
  const path = join(EVAL_MODELS_DIR, file);
  const { session } = await createSession(path, 'cpu');
  return new ArcFaceEmbedder(session, EmbedderSpecSchema.parse(spec), file.replace('.onnx', ''), path);
}

const norm = { layout: 'NCHW', mean: [127.5, 127.5, 127.5], std: [128, 128, 128], size: [112, 112] };

for (const [file, spec] of [
  ['mobilefacenet_paddle.onnx', { kind: 'arcface', file: 'x', input: { ...norm, name: 'x', channelOrder: 'BGR' }, output: 'reshape2_0.tmp_0', dim: 128 }],
  ['mobilefacenet.onnx', { kind: 'arcface', file: 'x', input: { ...norm, name: 'input', channelOrder: 'RGB' }, output: 'output', dim: 128 }],
] as const) {
  test(`${file}: unit-norm embeddings, every same-person pair above every different-person pair`, async () => {
    const crops = await cropsP;
    const emb = await embedder(file, spec);
    // All 12 crops in one call: batched for the Paddle model (dynamic batch), looped for the other.
    const embs = await emb.embed(crops.map((c) => c.crop));
    assert.equal(embs.length, crops.length);
    for (const e of embs) {
      assert.equal(e.length, 128);
      assert.ok(Math.abs(Math.hypot(...e) - 1) < 1e-4);
    }
    const { minSame, maxDiff } = separation(crops, embs);
    assert.ok(minSame > maxDiff + 0.05, `${file}: min same ${minSame.toFixed(3)} vs max different ${maxDiff.toFixed(3)}`);
    assert.ok(maxDiff < 0.35, `${file}: different people at ${maxDiff.toFixed(3)}`);
    // Batched and one-by-one runs agree.
    const [single] = await emb.embed([crops[5].crop]);
    assert.ok(cosine(single, embs[5]) > 0.9999);
    await emb.dispose();
  });
}

test('a crop of the wrong size is refused with the model named', async () => {
  const emb = await embedder('mobilefacenet.onnx', { kind: 'arcface', file: 'x', input: { ...norm, name: 'input', channelOrder: 'RGB' }, output: 'output', dim: 128 });
  await assert.rejects(emb.embed([{ data: new Uint8Array(100 * 100 * 3), width: 100, height: 100 }]), /mobilefacenet: crop 0 is 100×100, expected 112×112/);
  await emb.dispose();
});

test('flip test (params.flip): the embedding of crop + mirrored crop, summed then normalised', async () => {
  const crops = (await cropsP).slice(0, 3).map((c) => c.crop);
  const spec = { kind: 'arcface', file: 'x', input: { ...norm, name: 'x', channelOrder: 'BGR' }, output: 'reshape2_0.tmp_0', dim: 128 };
  const plain = await embedder('mobilefacenet_paddle.onnx', spec);
  const flipped = await embedder('mobilefacenet_paddle.onnx', { ...spec, params: { flip: true } });
  const a = await plain.embed(crops);
  const m = await plain.embed(crops.map(mirror));
  const f = await flipped.embed(crops);
  for (let i = 0; i < crops.length; i++) {
    const want = l2normalize(a[i].map((v, k) => v + m[i][k]));
    assert.ok(cosine(f[i], want) > 0.9999, `crop ${i}`);
    assert.ok(cosine(a[i], m[i]) < 0.999, 'a face and its mirror image embed differently');
  }
  // mirror is its own inverse
  assert.deepEqual(mirror(mirror(crops[0])).data, crops[0].data);
  await plain.dispose();
  await flipped.dispose();
});
