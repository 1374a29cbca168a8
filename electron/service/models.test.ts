// The model-installer channels through ReviewService (what both hosts serve): install in the
// background against a loopback mirror with models:progress events, the pack becomes selectable,
// the default if asked, a run of it reads the installed folder; remove falls back to the default pack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channels, IpcFailure, type EventOf } from '../../shared/ipc';
import { EVAL_MODELS_DIR } from '../models/eval-pack';
import { startMirror, type Mirror } from '../../test-support/model-mirror';
import { withModelsDir } from './models';
import { ReviewService } from './review-service';

let root: string;
let modelsDir: string;
let mirror: Mirror;
const saved = { dir: process.env.SCREENALYTICS_MODELS_DIR, mirror: process.env.SCREENALYTICS_MODELS_MIRROR };

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-models-svc-'));
  modelsDir = join(root, 'user-models');
  mirror = await startMirror([EVAL_MODELS_DIR]);
  process.env.SCREENALYTICS_MODELS_DIR = modelsDir;
  process.env.SCREENALYTICS_MODELS_MIRROR = mirror.url;
});
after(async () => {
  for (const [k, v] of [['SCREENALYTICS_MODELS_DIR', saved.dir], ['SCREENALYTICS_MODELS_MIRROR', saved.mirror]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await mirror.close();
  await rm(root, { recursive: true, force: true });
});

function finished(svc: ReviewService, pack: string): Promise<EventOf<'models:progress'>[]> {
  const seen: EventOf<'models:progress'>[] = [];
  return new Promise((ok) => {
    const off = svc.on('models:progress', (p) => {
      if (p.pack_id !== pack) return;
      seen.push(p);
      if (p.state !== 'running') {
        off();
        ok(seen);
      }
    });
  });
}

test('models:list shows licence and size before download; install makes the pack selectable and the default', async () => {
  const svc = new ReviewService({ workspace: root, host: 'test' });
  const before = await svc.listModels({});
  assert.equal(before.models_dir, modelsDir);
  assert.equal(before.mirror, mirror.url);
  const y = before.packs.find((p) => p.id === 'yunet-fr')!;
  assert.deepEqual([y.installed, y.commercial_use, y.download_bytes, y.unpinned], [false, true, 229738, []]);
  assert.match(y.licence_text, /MIT License/);
  const bl = before.packs.find((p) => p.id === 'insightface-buffalo-l')!;
  assert.equal(bl.commercial_use, false);
  assert.match(bl.licence_text, /non-commercial research purposes only/);
  assert.equal(bl.download_bytes, 288621354);
  assert.equal(before.selectable.find((p) => p.id === 'yunet-fr')!.available, false);

  const done = finished(svc, 'yunet-fr');
  assert.deepEqual(await svc.installModel(channels['models:install'].request.parse({ pack_id: 'yunet-fr', make_default: true })), { pack_id: 'yunet-fr', started: true });
  const events = await done;
  assert.equal(events.at(-1)!.state, 'done', JSON.stringify(events.at(-1)));
  assert.ok(events.some((e) => e.state === 'running' && e.stage === 'download'));

  const after = await svc.listModels({});
  assert.equal(after.packs.find((p) => p.id === 'yunet-fr')!.installed, true);
  assert.equal(after.selectable.find((p) => p.id === 'yunet-fr')!.available, true);
  const settings = await svc.getSettings({});
  assert.equal(settings.packId, 'yunet-fr');
  // The UI never sets modelsDir; a run of the installed pack still reads the installed folder.
  assert.equal(settings.modelsDir, undefined);
  assert.equal(withModelsDir(settings).modelsDir, modelsDir);
  assert.equal(withModelsDir({ ...settings, packId: 'default' }).modelsDir, undefined, 'generated packs keep their stage settings');
  assert.deepEqual(await svc.verifyModels({}), { results: [{ pack: 'yunet-fr', ok: true, problems: [] }] });

  const removed = await svc.removeModel({ pack_id: 'yunet-fr' });
  assert.deepEqual(removed, { removed: ['face_detection_yunet_2026may.onnx', 'fr_feature.onnx'], kept: [], default_pack: 'default' });
  assert.deepEqual((await readdir(modelsDir)).filter((n) => !n.startsWith('.')), []);
  await assert.rejects(svc.removeModel({ pack_id: 'yunet-fr' }), (e: unknown) => e instanceof IpcFailure && e.error.code === 'not_found');
});

test('a failed install reports failed with the reason and leaves nothing; bad payloads are refused by the contract', async () => {
  mirror.behaviour = { corrupt: 'face_detection_yunet_2026may.onnx' };
  const svc = new ReviewService({ workspace: root, host: 'test' });
  try {
    const done = finished(svc, 'yunet-fr');
    await svc.installModel(channels['models:install'].request.parse({ pack_id: 'yunet-fr' }));
    const last = (await done).at(-1)!;
    assert.equal(last.state, 'failed');
    assert.equal(last.code, 'mismatch');
    assert.match(last.message!, /sha256 .* expected ebafce4e.*nothing was installed/);
  } finally {
    mirror.behaviour = {};
  }
  assert.deepEqual((await readdir(modelsDir)).filter((n) => !n.startsWith('.installed')), []);
  assert.equal(channels['models:install'].request.safeParse({ pack_id: '../etc' }).success, false);
  assert.equal(channels['models:install'].request.safeParse({ pack_id: 'yunet-fr', url: 'http://evil' }).success, false);
  await assert.rejects(svc.installModel({ pack_id: 'no-such-pack', allow_unpinned: false, make_default: false }), (e: unknown) => e instanceof IpcFailure && e.error.code === 'not_found');
});
