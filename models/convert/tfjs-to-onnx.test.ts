import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import type { RgbImage } from '../../electron/models/types';
import { dot } from '../../shared/vec';
import { tfjsParity } from './parity';
import { HUMAN_MODELS, packageFile } from './targets';
import { halfToFloat } from './tfjs-graph';
import { convertTfjsToOnnx, transposeConst } from './tfjs-to-onnx';

const PHOTO = join(import.meta.dirname, '../../../shared/eval/faces/celeb-madonna/1.jpg');
const OTHER = join(import.meta.dirname, '../../../shared/eval/faces/celeb-jerry-seinfeld/1.jpg');

async function photoAt(size: number, file = PHOTO): Promise<RgbImage> {
  const { data, info } = await sharp(file).resize(size, size, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

const model = (name: string) => packageFile(HUMAN_MODELS, `models/${name}.json`);

test('BlazeFace (back) converts and matches tfjs within 1e-3 on a real photo (logits clipped to ±100 as decoded)', async () => {
  const onnx = convertTfjsToOnnx(model('blazeface-back'), { dynamicSpatial: true, inputName: 'input' });
  const diff = await tfjsParity(model('blazeface-back'), onnx, [await photoAt(256)], (v) => v / 127.5 - 1, 100);
  assert.ok(diff <= 1e-3, `max abs diff ${diff}`);
});

test('FaceMesh (fp16 weights, PReLU, channel padding) matches tfjs within 1e-3', async () => {
  const onnx = convertTfjsToOnnx(model('facemesh'), { inputName: 'input' });
  const diff = await tfjsParity(model('facemesh'), onnx, [await photoAt(192), await photoAt(192)], (v) => v / 255);
  assert.ok(diff <= 1e-3, `max abs diff ${diff}`);
});

test('MobileFace (Pad, relu6-style Maximum/Minimum, flatten + MatMul) matches tfjs within 1e-3', async () => {
  const onnx = convertTfjsToOnnx(model('mobileface'), { inputName: 'input' });
  const diff = await tfjsParity(model('mobileface'), onnx, [await photoAt(112)], (v) => v);
  assert.ok(diff <= 1e-3, `max abs diff ${diff}`);
});

test('MobileFaceNet (fused depthwise, PReLU as Abs/Sub/Mul, Squeeze, L2 norm by Square/Sum/Rsqrt) matches tfjs within 1e-5', async () => {
  const onnx = convertTfjsToOnnx(model('mobilefacenet'), { inputName: 'input' });
  const diff = await tfjsParity(model('mobilefacenet'), onnx, [await photoAt(112), await photoAt(112, OTHER)], (v) => (v - 127.5) / 128);
  assert.ok(diff <= 1e-5, `max abs diff ${diff}`);
});

test('MobileFaceNet as shipped gives two different people near-identical embeddings (why it is no candidate)', async () => {
  const session = await ort.InferenceSession.create(convertTfjsToOnnx(model('mobilefacenet'), { inputName: 'input' }));
  try {
    const embed = async (img: RgbImage) => {
      const x = Float32Array.from(img.data, (v) => (v - 127.5) / 128);
      return (await session.run({ input: new ort.Tensor('float32', x, [1, 112, 112, 3]) })).embeddings.data as Float32Array;
    };
    const [a, b] = [await embed(await photoAt(112)), await embed(await photoAt(112, OTHER))];
    assert.ok(dot(a, b) > 0.99, `cosine ${dot(a, b)}`);
  } finally {
    await session.release();
  }
});

test('FaceRes-deep (224×224, pixels 0…255, 1024-d global pooling) matches tfjs within 1e-4', async () => {
  const onnx = convertTfjsToOnnx(model('faceres-deep'), { inputName: 'input', outputs: ['global_pooling/Mean'] });
  const diff = await tfjsParity(model('faceres-deep'), onnx, [await photoAt(224)], (v) => v);
  assert.ok(diff <= 1e-4, `max abs diff ${diff}`);
});

test('conversion is deterministic (same bytes twice)', () => {
  const h = () => createHash('sha256').update(convertTfjsToOnnx(model('blazeface-back'), { dynamicSpatial: true })).digest('hex');
  assert.equal(h(), h());
});

test('an unsupported op is reported with the file, node name and op', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-'));
  try {
    const src = JSON.parse(readFileSync(model('blazeface-back'), 'utf8'));
    const node = src.modelTopology.node.find((n: { op: string }) => n.op === 'MaxPool');
    node.op = 'FancyPool';
    src.weightsManifest[0].paths = [packageFile(HUMAN_MODELS, 'models/blazeface-back.bin')].map((p) => p.replace(/.*\//, ''));
    writeFileSync(join(dir, 'broken.json'), JSON.stringify(src));
    writeFileSync(join(dir, 'blazeface-back.bin'), readFileSync(packageFile(HUMAN_MODELS, 'models/blazeface-back.bin')));
    assert.throws(() => convertTfjsToOnnx(join(dir, 'broken.json')), (e: Error) =>
      e.message.includes('broken.json') && e.message.includes(node.name) && e.message.includes('FancyPool'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a truncated weight shard is reported with the weight name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfjs-'));
  try {
    writeFileSync(join(dir, 'm.json'), readFileSync(model('mobileface')));
    writeFileSync(join(dir, 'mobileface.bin'), readFileSync(packageFile(HUMAN_MODELS, 'models/mobileface.bin')).subarray(0, 1000));
    assert.throws(() => convertTfjsToOnnx(join(dir, 'm.json')), /m\.json: weight ".+" runs past the end/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('HWIO → OIHW constant transpose and half floats', () => {
  // 1×1 kernel, 2 in, 3 out: HWIO [1,1,2,3] holds w[i][o] = 10i + o.
  const t = transposeConst(Float32Array.from([0, 1, 2, 10, 11, 12]), [1, 1, 2, 3], [3, 2, 0, 1]);
  assert.deepEqual(t.shape, [3, 2, 1, 1]);
  assert.deepEqual(Array.from(t.data), [0, 10, 1, 11, 2, 12]);
  assert.equal(halfToFloat(0x3c00), 1);
  assert.equal(halfToFloat(0xc000), -2);
  assert.equal(halfToFloat(0x3555), 0.333251953125);
});
