import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEta, plural, withoutInternalPaths } from './format';

test('ETA rounds once: never "9 min 60 s"', () => {
  assert.equal(formatEta(599.4), '10 min 0 s');
  assert.equal(formatEta(59.2), '1 min 0 s');
  assert.equal(formatEta(125.2), '2 min 6 s');
  assert.equal(formatEta(7.4), '8 s');
  assert.equal(formatEta(null), '–');
});

test('withoutInternalPaths: workspace paths become relative, other absolute paths their last segment', () => {
  const root = '/tmp/ws-1';
  assert.equal(
    withoutInternalPaths('no cleanup to undo for demo-s01e02: /tmp/ws-1/data/backups/demo-s01e02 holds no finished backup', root),
    'no cleanup to undo for demo-s01e02: data/backups/demo-s01e02 holds no finished backup',
  );
  assert.equal(withoutInternalPaths("ENOENT: open '/home/x/app/models/det.onnx'", root), "ENOENT: open 'det.onnx'");
  assert.equal(withoutInternalPaths('/tmp/ws-1', root), '.');
  // Workspace-relative paths and ids are left alone.
  assert.equal(withoutInternalPaths('data/manifests/a-s01e01/identities.json:3: labels.name', root), 'data/manifests/a-s01e01/identities.json:3: labels.name');
  assert.equal(withoutInternalPaths('identity identity-00008 not found', null), 'identity identity-00008 not found');
});

test('plural: one noun for 1, the plural for 0 and more', () => {
  assert.equal(plural(1, 'track'), '1 track');
  assert.equal(plural(2, 'track'), '2 tracks');
  assert.equal(plural(0, 'face'), '0 faces');
  assert.equal(plural(1, 'identity', 'identities'), '1 identity');
  assert.equal(plural(2000, 'identity', 'identities'), '2,000 identities');
});
