import { test } from 'node:test';
import assert from 'node:assert/strict';
import { episodePaths } from '../../shared/layout';
import { ARTIFACT_KINDS, ARTIFACTS, EXTRA_FILES, writtenBy } from './registry';

test('each registered file has a path in shared/layout.ts whose extension is its format', () => {
  const p = episodePaths('show-s01e01');
  for (const spec of [...Object.values(ARTIFACTS), ...Object.values(EXTRA_FILES)]) {
    assert.ok(p[spec.path].endsWith(`.${spec.format}`), `${spec.path}: ${p[spec.path]}`);
  }
});

test('the pipeline stages write every artifact except the cleanup report, each once per stage', () => {
  const stages = ['detect', 'track', 'harvest', 'pool', 'cluster'] as const;
  const written = stages.flatMap((s) => writtenBy(s));
  assert.deepEqual([...new Set(written)].sort(), ARTIFACT_KINDS.filter((k) => k !== 'cleanupReport').sort());
  assert.deepEqual(writtenBy('detect'), ['detections']);
  assert.deepEqual(writtenBy('pool'), ['embeddingsMeta', 'trackEmbeddingsNpy']);
});

test('row and document schemas insist on the episode: another ep_id is an issue naming ep_id', () => {
  const row = { frame_idx: 0, ts_s: 0, bbox: [0.1, 0.1, 0.2, 0.2], landmarks: Array(10).fill(0.15), conf: 0.9, model_id: 'm', schema_version: 'det_v1' };
  const schema = ARTIFACTS.detections.schema('show-s01e01');
  assert.equal(schema.safeParse({ ...row, ep_id: 'show-s01e01' }).success, true);
  const r = schema.safeParse({ ...row, ep_id: 'other-s01e01' });
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues.map((i) => [i.path.join('.'), i.message]), [['ep_id', 'is "other-s01e01" but this is episode "show-s01e01"']]);
});
