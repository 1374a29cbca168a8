// `screenalytics models …` through the real bin against a loopback mirror of ../shared/eval/models:
// list shows licence and size, install prints the licence first and places a verified pack, verify
// catches a damaged file (exit 1), remove deletes it; a wrong hash installs nothing (exit 1).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVAL_MODELS_DIR } from '../models/eval-pack';
import { startMirror, type Mirror } from '../../test-support/model-mirror';

const bin = new URL('../../bin/screenalytics.mjs', import.meta.url).pathname;
let root: string;
let mirror: Mirror;

/** Async spawn: the mirror answers from this process, so the CLI must not block it. */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    const env = { ...process.env, SCREENALYTICS_MODELS_MIRROR: '' };
    const p = spawn(process.execPath, [bin, 'models', ...args], { env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => ok({ status, stdout, stderr }));
  });
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'models-cli-'));
  mirror = await startMirror([EVAL_MODELS_DIR]);
});
after(async () => {
  await mirror?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

test('models list / install / verify / remove', async () => {
  const dir = join(root, 'm');
  const list = await cli('list', '--models-dir', dir);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /yunet-fr +230 kB +commercial use OK +MIT/);
  assert.match(list.stdout, /insightface-buffalo-l +288\.6 MB +NON-COMMERCIAL/);

  const inst = await cli('install', 'yunet-fr', '--models-dir', dir, '--mirror', mirror.url);
  assert.equal(inst.status, 0, inst.stderr);
  assert.match(inst.stderr, /licence: MIT \(YuNet\) \+ MIT \(fr_feature\) — commercial use permitted[\s\S]*download: 230 kB/);
  assert.match(inst.stdout, /installed yunet-fr into .*--pack yunet-fr --models-dir/);
  const json = JSON.parse((await cli('list', '--json', '--models-dir', dir)).stdout);
  assert.equal(json.packs.find((p: { id: string }) => p.id === 'yunet-fr').installed, true);

  assert.equal((await cli('verify', '--models-dir', dir)).status, 0);
  await writeFile(join(dir, 'fr_feature.onnx'), 'damaged');
  const bad = await cli('verify', '--models-dir', dir);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /DAMAGED yunet-fr\n {2}.*fr_feature\.onnx: sha256 [0-9a-f]{64}, expected 87aacdfe/);

  const rmv = await cli('remove', 'yunet-fr', '--models-dir', dir);
  assert.equal(rmv.status, 0, rmv.stderr);
  assert.deepEqual((await readdir(dir)).filter((n) => !n.startsWith('.')), []);
  assert.equal((await cli('install', '--models-dir', dir)).status, 2, 'install needs a pack id');
});

test('models install with a corrupted download: exit 1, a clear reason, nothing installed', async () => {
  const dir = join(root, 'bad');
  mirror.behaviour = { corrupt: 'face_detection_yunet_2026may.onnx' };
  try {
    const r = await cli('install', 'yunet-fr', '--models-dir', dir, '--mirror', mirror.url);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /install failed \(mismatch\): face_detection_yunet_2026may\.onnx: sha256 [0-9a-f]{64}, expected ebafce4e.*nothing was installed/);
  } finally {
    mirror.behaviour = {};
  }
  assert.deepEqual(await readdir(dir), []);
});
