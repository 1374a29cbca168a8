import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createSession, providerCandidates, sessionOptions, supportedBackends } from './providers';
import { EVAL_MODELS_DIR } from './eval-pack';

const MODEL = join(EVAL_MODELS_DIR, 'mobilefacenet.onnx');

test('onnxruntime-node reports its backends and cpu is always among them', () => {
  const names = supportedBackends().map((b) => b.name);
  assert.ok(names.includes('cpu'), names.join(','));
});

test('device requests map to provider lists with cpu last', () => {
  assert.deepEqual(providerCandidates('cpu'), ['cpu']);
  assert.deepEqual(providerCandidates('cuda'), ['cuda', 'cpu']);
  assert.deepEqual(providerCandidates('coreml'), ['coreml', 'cpu']);
  // auto only tries accelerators that ship with the build.
  assert.deepEqual(providerCandidates('auto', [{ name: 'cpu', bundled: true }, { name: 'cuda', bundled: false }]), ['cpu']);
  assert.deepEqual(providerCandidates('auto', [{ name: 'cpu', bundled: true }, { name: 'dml', bundled: true }]), ['dml', 'cpu']);
  const o = sessionOptions('cpu');
  assert.equal(o.graphOptimizationLevel, 'all');
  assert.ok((o.intraOpNumThreads ?? 0) >= 1);
});

test('cpu runs the real model and reports "cpu" without a warning', async () => {
  const s = await createSession(MODEL, 'cpu');
  assert.equal(s.device, 'cpu');
  assert.equal(s.warning, undefined);
  assert.deepEqual(s.session.inputNames, ['input']);
  await s.session.release();
});

test('an accelerator this machine lacks falls back to cpu with a warning naming the request', async () => {
  const available = new Set(supportedBackends().filter((b) => b.bundled).map((b) => b.name));
  // Pick the one provider that cannot work here: coreml off macOS, dml off Windows, cuda without its libraries.
  const missing = (['coreml', 'dml', 'cuda'] as const).find((p) => !available.has(p));
  assert.ok(missing, 'expected at least one accelerator to be unavailable on this machine');
  const s = await createSession(MODEL, missing);
  assert.equal(s.device, 'cpu');
  assert.match(s.warning ?? '', new RegExp(`device "${missing}" is not available.*running on CPU`));
  await s.session.release();
});

test('auto on a machine without a bundled accelerator runs on cpu silently', async () => {
  const s = await createSession(MODEL, 'auto');
  assert.ok(['cpu', 'cuda', 'dml', 'coreml'].includes(s.device));
  if (s.device === 'cpu') assert.equal(s.warning, undefined);
  await s.session.release();
});
