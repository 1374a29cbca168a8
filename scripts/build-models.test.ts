import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { buildModels, MANIFEST } from './build-models';

test('builds the default pack with the manifest hashes, then serves it from cache, and rebuilds a damaged file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'models-'));
  try {
    const logs: string[] = [];
    const first = buildModels({ outDir: dir, log: (s) => logs.push(s) });
    assert.deepEqual(first.built.sort(), ['fr_feature.onnx', 'landmark68.onnx', 'ultraface.onnx']);
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { files: Record<string, { path: string; sha256: string }> };
    for (const f of Object.values(manifest.files)) {
      const bytes = readFileSync(join(dir, f.path));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), f.sha256, f.path);
      const s = await ort.InferenceSession.create(bytes);
      assert.ok(s.outputNames.length > 0);
      await s.release();
    }
    assert.ok(logs.some((l) => l.includes('converted') && l.includes('fr_detect.onnx')));

    const second = buildModels({ outDir: dir, log: () => {} });
    assert.deepEqual(second.built, []);
    assert.equal(second.cached.length, 3);

    writeFileSync(join(dir, 'ultraface.onnx'), 'not a model');
    const third = buildModels({ outDir: dir, log: () => {} });
    assert.deepEqual(third.built, ['ultraface.onnx']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
