// Pack loading and its failure modes, with real model files copied, damaged or renamed in a temp dir.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readPackManifest } from './manifest';
import { listPacks, loadPack, REPO_ROOT } from './pack';
import { EVAL_MODELS_DIR } from './eval-pack';

let tmp: string;
const evalManifest = () => JSON.parse(readFileSync(join(REPO_ROOT, 'models/packs/eval.json'), 'utf8'));

before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sa-pack-'));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A packs dir holding one manifest (`mutate` edits the eval pack's JSON) whose files live in `models`. */
function packWith(name: string, mutate: (m: any, models: string) => void) {
  const root = join(tmp, name);
  const packs = join(root, 'packs'), models = join(root, 'models');
  mkdirSync(packs, { recursive: true });
  mkdirSync(models, { recursive: true });
  const m = evalManifest();
  m.id = name;
  m.location = { kind: 'dir', path: models };
  mutate(m, models);
  writeFileSync(join(packs, `${name}.json`), JSON.stringify(m, null, 2));
  return { packsDir: packs, models, packId: name };
}

const copyEval = (models: string, ...files: string[]) => files.forEach((f) => copyFileSync(join(EVAL_MODELS_DIR, f), join(models, f)));

test('the eval pack loads, runs on cpu and reports its calibrated threshold', async () => {
  const p = packWith('okpack', (_m, models) => copyEval(models, 'det_500m.onnx', 'mobilefacenet_paddle.onnx'));
  const pack = await loadPack({ ...p, device: 'cpu' });
  assert.equal(pack.id, 'okpack');
  assert.equal(pack.device, 'cpu');
  assert.deepEqual(pack.warnings, []);
  assert.equal(pack.detector.modelId, 'det_500m');
  assert.equal(pack.embedder.dim, 128);
  assert.equal(pack.defaultClusterThresh, readPackManifest(join(REPO_ROOT, 'models/packs/eval.json')).defaultClusterThresh);
  await pack.detector.dispose();
  await pack.embedder.dispose();
});

test('a missing model file is named', async () => {
  const p = packWith('missing', (_m, models) => copyEval(models, 'det_500m.onnx'));
  await assert.rejects(loadPack(p), (e: Error) => {
    assert.match(e.message, /pack "missing": model file .*\/models\/mobilefacenet_paddle\.onnx is missing \(files\.mobilefacenet_paddle\)/);
    return true;
  });
});

test('a file whose sha256 differs from the manifest is refused, naming file and both hashes', async () => {
  const p = packWith('badhash', (_m, models) => {
    copyEval(models, 'det_500m.onnx', 'mobilefacenet_paddle.onnx');
    const f = join(models, 'det_500m.onnx');
    const b = readFileSync(f);
    b[b.length - 100] ^= 0xff; // one flipped byte deep in the weights
    writeFileSync(f, b);
  });
  await assert.rejects(loadPack(p), /model file .*det_500m\.onnx has sha256 [0-9a-f]{64}, expected 5e4447f5.*damaged or not the right model/);
});

test('a truncated ONNX file gives onnxruntime\'s error wrapped with the file name', async () => {
  const p = packWith('truncated', (m, models) => {
    copyEval(models, 'mobilefacenet_paddle.onnx');
    const b = readFileSync(join(EVAL_MODELS_DIR, 'det_500m.onnx'));
    writeFileSync(join(models, 'det_500m.onnx'), b.subarray(0, Math.floor(b.length / 3)));
    delete m.files.det_500m.sha256; // a user file of unknown hash: only onnxruntime can tell it is broken
  });
  await assert.rejects(loadPack({ ...p, device: 'cpu' }), /cannot load ONNX model .*\/truncated\/models\/det_500m\.onnx: /);
});

test('wrong tensor names or shapes in the manifest are reported against the file', async () => {
  const names = packWith('badnames', (m, models) => {
    copyEval(models, 'det_500m.onnx', 'mobilefacenet_paddle.onnx');
    m.embedder.output = 'embedding';
  });
  await assert.rejects(loadPack(names), /mobilefacenet_paddle\.onnx: model has no output "embedding" \(it has "reshape2_0\.tmp_0"\)/);
  const dim = packWith('baddim', (m, models) => {
    copyEval(models, 'det_500m.onnx', 'mobilefacenet_paddle.onnx');
    m.embedder.dim = 512;
  });
  await assert.rejects(loadPack(dim), /mobilefacenet_paddle\.onnx: output "reshape2_0\.tmp_0" has shape \[[^\]]*,128\], expected \[\?,512\]/);
  const det = packWith('baddet', (m, models) => {
    copyEval(models, 'det_500m.onnx', 'mobilefacenet_paddle.onnx');
    m.detector.input.name = 'images';
  });
  await assert.rejects(loadPack(det), /det_500m\.onnx: model has no input "images" \(it has "input\.1"\)/);
});

test('an invalid manifest names the manifest file and each bad field; bad JSON its line', async () => {
  const p = packWith('badmanifest', (m) => {
    m.detector.input.layout = 'CHW';
    m.embedder.file = 'nope';
    m.files.det_500m.source = 'pip';
    delete m.files.det_500m.sha256;
  });
  await assert.rejects(loadPack(p), (e: Error) => {
    assert.match(e.message, /invalid pack manifest .*badmanifest\.json/);
    assert.match(e.message, /line \d+: detector\.input\.layout/);
    assert.match(e.message, /embedder\.file: refers to "nope"/);
    assert.match(e.message, /files\.det_500m\.sha256: required unless source is "user-supplied"/);
    return true;
  });
  const dir = join(tmp, 'syntax');
  mkdirSync(dir);
  writeFileSync(join(dir, 'syntax.json'), '{\n  "id": "syntax",\n  "name": oops\n}\n');
  await assert.rejects(loadPack({ packsDir: dir, packId: 'syntax' }), /invalid JSON in pack manifest .*syntax\.json \(line 3/);
  await assert.rejects(loadPack({ packsDir: dir, packId: 'nosuch' }), /unknown model pack "nosuch" .*packs: syntax/);
});

test('an unknown detector kind is refused with the kinds that exist', async () => {
  const p = packWith('kind', (m, models) => {
    copyEval(models, 'det_500m.onnx', 'mobilefacenet_paddle.onnx');
    m.detector.kind = 'mtcnn';
  });
  await assert.rejects(loadPack(p), /detector kind "mtcnn" is not supported \(known: [^)]*\bscrfd\b[^)]*\bretinaface\b[^)]*\byunet\b/);
});

test('listPacks: user-folder packs are available only when the folder holds their files', () => {
  const none = listPacks();
  const ids = none.map((p) => p.id);
  for (const id of ['insightface-buffalo-l', 'insightface-buffalo-s', 'insightface-retinaface-r50', 'yunet']) assert.ok(ids.includes(id), id);
  assert.ok(!ids.includes('eval'), 'test-only pack hidden by default');
  const bs = none.find((p) => p.id === 'insightface-buffalo-s')!;
  assert.equal(bs.available, false);
  assert.match(bs.missing[0], /set the models folder/);

  const user = join(tmp, 'user-models');
  mkdirSync(user);
  copyEval(user, 'det_500m.onnx');
  writeFileSync(join(user, 'w600k_mbf.onnx'), 'not checked until load');
  const withDir = listPacks({ userModelDir: user, includeTestOnly: true });
  assert.equal(withDir.find((p) => p.id === 'insightface-buffalo-s')!.available, true);
  const bl = withDir.find((p) => p.id === 'insightface-buffalo-l')!;
  assert.equal(bl.available, false);
  assert.deepEqual(bl.missing.map((m) => m.split('/').pop()), ['det_10g.onnx', 'w600k_r50.onnx']);
  assert.equal(withDir.find((p) => p.id === 'eval')!.available, true);
});

test('a corrupt user-supplied file fails cleanly; a user pack without a models folder says what to set', async () => {
  const user = join(tmp, 'user-bad');
  mkdirSync(user);
  copyEval(user, 'det_500m.onnx');
  writeFileSync(join(user, 'w600k_mbf.onnx'), 'this is not an onnx model');
  await assert.rejects(loadPack({ packId: 'insightface-buffalo-s', userModelDir: user, device: 'cpu' }), /cannot load ONNX model .*user-bad\/w600k_mbf\.onnx/);
  await assert.rejects(loadPack({ packId: 'insightface-buffalo-s', device: 'cpu' }), /uses model files you supply: set the models folder/);
});
