import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alignFace } from '../../electron/models/align';
import { openDefaultPack } from '../../electron/models/default/index';
import { readRgb } from '../../electron/models/default/eval-data';
import { readPackManifest } from '../../electron/models/manifest';
import { loadPack, REPO_ROOT } from '../../electron/models/pack';
import { dot } from '../../shared/vec';
import { openCandidate, writeCandidateDir } from './candidates';

const FACES = join(REPO_ROOT, '../shared/eval/faces');
const PHOTOS = ['celeb-madonna/1.jpg', 'celeb-madonna/2.jpg', 'celeb-jerry-seinfeld/1.jpg', 'celeb-jerry-seinfeld/10.jpg'];

// FaceRes fed pixels 0…255 on the ArcFace-aligned crop; dlib's ResNet on its own 150-px face chip.
for (const [name, dim] of [['human faceres', 1024], ['face-api dlib', 128]] as const) {
  test(`${name} on real photos, aligned as it wants: each same-person pair beats every cross pair`, async () => {
    const pack = await openDefaultPack();
    const emb = await openCandidate(name);
    try {
      const vecs: Float32Array[] = [];
      for (const p of PHOTOS) {
        const img = await readRgb(join(FACES, p));
        const [dets] = await pack.detector.detect([img]);
        const best = dets.sort((a, b) => b.conf - a.conf)[0];
        assert.ok(best, `${p}: no face`);
        const [v] = await emb.embed([alignFace(img, best.landmarks, emb.inputSize, emb.alignTemplate)]);
        assert.equal(v.length, dim);
        assert.ok(Math.abs(dot(v, v) - 1) < 1e-4);
        vecs.push(v);
      }
      const same = [dot(vecs[0], vecs[1]), dot(vecs[2], vecs[3])];
      const cross = [dot(vecs[0], vecs[2]), dot(vecs[0], vecs[3]), dot(vecs[1], vecs[2]), dot(vecs[1], vecs[3])];
      assert.ok(Math.min(...same) > Math.max(...cross), `same ${same} cross ${cross}`);
    } finally {
      await Promise.all([emb.dispose(), pack.detector.dispose(), pack.embedder.dispose()]);
    }
  });
}

test('the faceres-candidate pack loads from the folder writeCandidateDir fills (1024-d, 224-px crops)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cand-'));
  try {
    writeCandidateDir('human faceres', dir, join(REPO_ROOT, 'models/generated/default'));
    assert.deepEqual(readdirSync(dir).sort(), ['faceres.onnx', 'landmark68.onnx', 'ultraface.onnx']);
    const pack = await loadPack({ packId: 'faceres-candidate', userModelDir: dir, device: 'cpu' });
    try {
      assert.equal(pack.embedder.dim, 1024);
      assert.equal(pack.embedder.inputSize, 224);
      assert.deepEqual(pack.warnings, []);
    } finally {
      await Promise.all([pack.detector.dispose(), pack.embedder.dispose()]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the faceres-candidate pack keeps the default pack\'s detector (spec and file hashes)', () => {
  const read = (id: string) => readPackManifest(join(REPO_ROOT, 'models/packs', `${id}.json`));
  const def = read('default'), cand = read('faceres-candidate');
  assert.deepEqual(cand.detector, def.detector);
  for (const k of ['ultraface', 'landmark68']) assert.deepEqual(cand.files[k].knownSha256, [def.files[k].sha256], k);
});

test('an unknown candidate name lists the known ones', async () => {
  await assert.rejects(openCandidate('nope'), /unknown candidate embedder "nope" \(known: fr_feature, human mobileface/);
});
