import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BACKUP_LAYOUT, castPaths, EPISODE_FILES, episodePaths, modelFiles, runLockPaths, workspaceFiles } from './layout';

test('every episode file lives in its manifests or embeds folder under its spec name', () => {
  const p = episodePaths('rhobh-s05e02');
  for (const [key, name] of Object.entries(EPISODE_FILES)) {
    const path = p[key as keyof typeof EPISODE_FILES];
    const folder = ['facesNpy', 'trackEmbeddingsNpy', 'embeddingsMeta'].includes(key) ? 'data/embeds/rhobh-s05e02' : 'data/manifests/rhobh-s05e02';
    assert.equal(path, `${folder}/${name}`, key);
  }
  assert.equal(p.detections, 'data/manifests/rhobh-s05e02/detections.jsonl');
  assert.equal(p.facesNpy, 'data/embeds/rhobh-s05e02/faces.npy');
  assert.equal(p.reviewJournal, 'data/manifests/rhobh-s05e02/review_journal.jsonl');
  assert.equal(p.backupsDir, `data/manifests/rhobh-s05e02/${BACKUP_LAYOUT.root}`);
  assert.equal(p.cropsDir, 'artifacts/crops/rhobh/s05/e02/tracks');
  assert.equal(p.identityThumbsDir, 'artifacts/thumbs/rhobh/s05/e02/identities');
});

test('workspace, cast, run-lock and model-folder files', () => {
  assert.deepEqual(castPaths('rhobh'), {
    dir: 'data/cast/rhobh',
    json: 'data/cast/rhobh/cast.json',
    npy: 'data/cast/rhobh/cast_embeddings.npy',
    prevNpy: 'data/cast/rhobh/cast_embeddings.prev.npy',
    lock: 'data/cast/rhobh/cast.lock',
  });
  assert.equal(workspaceFiles.settings, '.screenalytics/settings.json');
  assert.deepEqual(runLockPaths('rhobh-s05e02'), { lock: '.screenalytics/locks/rhobh-s05e02.lock', owner: '.screenalytics/locks/rhobh-s05e02.json' });
  assert.equal(modelFiles.receipt('default'), '.installed/default.json');
});
