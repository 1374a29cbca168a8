// The installer against a real HTTP server on a loopback port serving the real model files of
// ../shared/eval/models: every outcome leaves either a verified, loadable pack or nothing new.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadPack, REPO_ROOT, sha256File } from '../pack';
import { EVAL_DIR, EVAL_MODELS_DIR, readRgb } from '../eval-pack';
import { readCatalog, type Catalog } from './catalog';
import { envDispatcher, InstallError } from './download';
import { installPack, removePack, sweepStaging, verifyInstalled, type InstallOptions, type InstallProgress } from './installer';
import { readReceipts } from './receipts';
import { startMirror, startProxy, type Mirror } from '../../../test-support/model-mirror';

const YUNET = 'face_detection_yunet_2026may.onnx';
let tmp: string;
let mirror: Mirror;
let zipDir: string;
const catalog = readCatalog();

/** A catalogue entry installing the eval pack's two files from a zip (built here with python's zipfile). */
function zipCatalog(zipSha: string, zipBytes: number): Catalog {
  const det = catalog.packs['insightface-buffalo-s'].files.det_500m;
  return {
    ...catalog,
    archives: { evalzip: { urls: ['https://example.invalid/eval.zip'], mirrorName: 'eval.zip', bytes: zipBytes, sha256: zipSha, hashStatus: 'verified-here', hashNote: 'built by the test' } },
    packs: {
      'zip-eval': {
        ...catalog.packs['insightface-buffalo-s'],
        files: {
          det_500m: { ...det, source: { kind: 'archive', archive: 'evalzip', member: 'det_500m.onnx' } },
          mobilefacenet_paddle: {
            path: 'mobilefacenet_paddle.onnx',
            bytes: 4001322,
            sha256: '6ced4e0c36abba9dd24b48d725f7dbb94089f75b3d3445d3d67b85157cb64743',
            hashStatus: 'verified-here',
            hashNote: 'SOURCES.md',
            source: { kind: 'archive', archive: 'evalzip', member: 'mobilefacenet_paddle.onnx' },
          },
        },
      },
    },
  };
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'sa-install-'));
  zipDir = join(tmp, 'zips');
  mkdirSync(zipDir);
  // Members inside a folder, as InsightFace's antelopev2 zip has them: matched by base name.
  execFileSync('python3', ['-c', 'import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED)\nfor f in sys.argv[2:]: z.write(f, "evalpack/"+f.split("/")[-1])\nz.close()', join(zipDir, 'eval.zip'), join(EVAL_MODELS_DIR, 'det_500m.onnx'), join(EVAL_MODELS_DIR, 'mobilefacenet_paddle.onnx')]);
  mirror = await startMirror([EVAL_MODELS_DIR, zipDir]);
});
after(async () => {
  await mirror?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function fresh(name: string): string {
  const d = join(tmp, name);
  mkdirSync(d);
  return d;
}

function opts(modelsDir: string, extra: Partial<InstallOptions> = {}): InstallOptions {
  return { catalog, packId: 'yunet-fr', modelsDir, mirror: mirror.url, attempts: 3, backoffMs: 20, ...extra };
}

/** "Nothing half-installed": the models folder holds exactly what it held before (here: nothing). */
function assertNothingLeft(dir: string): void {
  assert.deepEqual(readdirSync(dir), [], `left behind in ${dir}: ${readdirSync(dir).join(', ')}`);
}

async function rejectsWith(p: Promise<unknown>, code: InstallError['code'], msg: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof InstallError, String(e));
    assert.equal(e.code, code, e.message);
    assert.match(e.message, msg);
    return true;
  });
}

test('install: downloads, verifies and places the pack; it loads and detects faces', async () => {
  mirror.log.length = 0;
  const dir = fresh('ok');
  const events: InstallProgress[] = [];
  const receipt = await installPack(opts(dir, { onProgress: (p) => events.push(p) }));
  assert.deepEqual(readdirSync(dir).sort(), ['.installed', YUNET, 'fr_feature.onnx']);
  assert.equal(await sha256File(join(dir, YUNET)), catalog.packs['yunet-fr'].files.yunet.sha256);
  assert.equal(receipt.pack, 'yunet-fr');
  assert.equal(receipt.commercial_use, true);
  assert.deepEqual((await readReceipts(dir)).map((r) => r.pack), ['yunet-fr']);
  // Only the detector crosses the network; the embedder is copied from the default pack on disk.
  assert.deepEqual(mirror.log.map((l) => l.file), [YUNET]);
  const last = events.filter((e) => e.stage === 'download').at(-1)!;
  assert.equal(last.total, 229738);
  assert.ok(events.some((e) => e.total === 229738 && e.done === e.total), 'progress reaches the total');
  assert.equal(events.at(-1)!.stage, 'done');
  const pack = await loadPack({ packId: 'yunet-fr', userModelDir: dir, device: 'cpu' });
  assert.equal(pack.embedder.dim, 512);
  assert.deepEqual(pack.warnings, []);
  const [faces] = await pack.detector.detect([await readRgb(join(EVAL_DIR, 'faces/facerec-obama/1.jpg'))], { minConfidence: 0.6 });
  assert.equal(faces.length, 1, 'YuNet finds the one face');
  await pack.detector.dispose();
  await pack.embedder.dispose();
  assert.deepEqual(await verifyInstalled(catalog, dir), [{ pack: 'yunet-fr', ok: true, problems: [] }]);
});

test('resume: a connection cut mid-file is resumed with an HTTP Range request', async () => {
  mirror.log.length = 0;
  mirror.behaviour = { cut: { file: YUNET, after: 100_000, times: 2 } };
  const dir = fresh('resume');
  try {
    await installPack(opts(dir));
  } finally {
    mirror.behaviour = {};
  }
  const ranges = mirror.log.filter((l) => l.file === YUNET).map((l) => l.range);
  assert.equal(ranges[0], null);
  assert.ok(ranges.slice(1).every((r) => r !== null && /^bytes=\d+-$/.test(r) && Number(/\d+/.exec(r)![0]) >= 100_000), `ranges: ${ranges}`);
  assert.equal(ranges.length, 3, 'two cuts, two resumes');
  assert.equal(await sha256File(join(dir, YUNET)), catalog.packs['yunet-fr'].files.yunet.sha256);
});

test('a connection that never completes the file: truncated error, nothing installed', async () => {
  mirror.behaviour = { cut: { file: YUNET, after: 50_000, times: 100 } };
  const dir = fresh('truncated');
  try {
    await rejectsWith(installPack(opts(dir)), 'truncated', /face_detection_yunet_2026may\.onnx/);
  } finally {
    mirror.behaviour = {};
  }
  assertNothingLeft(dir);
});

test('wrong checksum: the download is refused and nothing is installed', async () => {
  mirror.behaviour = { corrupt: YUNET };
  const dir = fresh('corrupt');
  try {
    await rejectsWith(installPack(opts(dir)), 'mismatch', /face_detection_yunet_2026may\.onnx: sha256 [0-9a-f]{64}, expected ebafce4e/);
  } finally {
    mirror.behaviour = {};
  }
  assertNothingLeft(dir);
});

test('server gone (offline): a clear error naming the host, nothing installed', async () => {
  const gone = await startMirror([EVAL_MODELS_DIR]);
  const url = gone.url;
  await gone.close();
  const dir = fresh('offline');
  await rejectsWith(installPack(opts(dir, { mirror: url })), 'offline', /cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\): offline, or the server is down/);
  assertNothingLeft(dir);
});

test('disk full: a write failing with ENOSPC stops the install, nothing installed', async () => {
  const dir = fresh('enospc');
  let written = 0;
  const openWrite = () =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        written += chunk.length;
        if (written > 64 * 1024) cb(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
        else cb();
      },
    });
  await rejectsWith(installPack(opts(dir, { openWrite })), 'disk-full', /no space left on the disk while writing/);
  assertNothingLeft(dir);
});

test('cancel mid-download: stops, nothing installed', async () => {
  mirror.behaviour = { slow: { file: YUNET, ms: 30 } };
  const dir = fresh('cancel');
  const ac = new AbortController();
  try {
    await rejectsWith(
      installPack(opts(dir, { signal: ac.signal, onProgress: (p) => p.stage === 'download' && p.done > 32 * 1024 && ac.abort() })),
      'cancelled',
      /cancelled/,
    );
  } finally {
    mirror.behaviour = {};
  }
  assertNothingLeft(dir);
});

test('release zip: members are extracted, verified, and the pack loads', async () => {
  const zip = join(zipDir, 'eval.zip');
  const cat = zipCatalog(await sha256File(zip), readFileSync(zip).length);
  const dir = fresh('zip');
  await installPack({ ...opts(dir), catalog: cat, packId: 'zip-eval' });
  assert.deepEqual(readdirSync(dir).sort(), ['.installed', 'det_500m.onnx', 'mobilefacenet_paddle.onnx']);
  const packs = fresh('zip-packs');
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'models/packs/eval.json'), 'utf8'));
  writeFileSync(join(packs, 'zip-eval.json'), JSON.stringify({ ...manifest, id: 'zip-eval', location: { kind: 'user' } }));
  const pack = await loadPack({ packId: 'zip-eval', packsDir: packs, userModelDir: dir, device: 'cpu' });
  assert.equal(pack.embedder.dim, 128);

  // A zip whose member does not match its pin: refused, nothing new.
  const bad = zipCatalog(await sha256File(zip), readFileSync(zip).length);
  bad.packs['zip-eval'].files.det_500m.sha256 = '0'.repeat(64);
  const dir2 = fresh('zip-bad');
  await rejectsWith(installPack({ ...opts(dir2), catalog: bad, packId: 'zip-eval' }), 'mismatch', /det_500m\.onnx: sha256 5e4447f5/);
  assertNothingLeft(dir2);
});

test('a file without a pinned hash is refused unless explicitly allowed', async () => {
  const cat = structuredClone(catalog);
  Object.assign(cat.packs['yunet-fr'].files.yunet, { sha256: null, hashStatus: 'unverifiable-here' });
  const dir = fresh('unpinned');
  await rejectsWith(installPack(opts(dir, { catalog: cat })), 'unpinned', /no sha256 is known here for face_detection_yunet_2026may\.onnx.*--allow-unpinned/);
  assertNothingLeft(dir);
  const r = await installPack(opts(dir, { catalog: cat, allowUnpinned: true }));
  assert.deepEqual(r.files.map((f) => [f.key, f.pinned]), [['yunet', false], ['fr_feature', true]]);
});

test('remove keeps files another installed pack uses; verify catches a damaged file', async () => {
  const dir = fresh('remove');
  const cat = structuredClone(catalog);
  // A second pack sharing fr_feature.onnx (as yunet and buffalo_l share w600k_r50.onnx).
  cat.packs['fr-only'] = { ...cat.packs['yunet-fr'], files: { fr_feature: cat.packs['yunet-fr'].files.fr_feature } };
  await installPack(opts(dir, { catalog: cat }));
  await installPack(opts(dir, { catalog: cat, packId: 'fr-only' }));
  copyFileSync(join(EVAL_MODELS_DIR, 'det_500m.onnx'), join(dir, YUNET));
  const v = await verifyInstalled(cat, dir);
  assert.equal(v.find((x) => x.pack === 'yunet-fr')!.ok, false);
  assert.match(v.find((x) => x.pack === 'yunet-fr')!.problems[0], /face_detection_yunet_2026may\.onnx: sha256 5e4447f5.*, expected ebafce4e/);
  assert.deepEqual(await removePack(dir, 'yunet-fr'), { removed: [YUNET], kept: ['fr_feature.onnx'] });
  assert.deepEqual(readdirSync(dir).sort(), ['.installed', 'fr_feature.onnx']);
  await assert.rejects(removePack(dir, 'yunet-fr'), /not installed/);
});

test('HTTP_PROXY is honoured (and NO_PROXY bypasses it)', async () => {
  const proxy = await startProxy();
  const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY, http_proxy: process.env.http_proxy, no_proxy: process.env.no_proxy };
  try {
    Object.assign(process.env, { HTTP_PROXY: proxy.url, NO_PROXY: '' });
    delete process.env.http_proxy;
    delete process.env.no_proxy;
    await installPack(opts(fresh('proxy'), { dispatcher: envDispatcher() }));
    assert.deepEqual(proxy.targets, [new URL(mirror.url).host]);
    process.env.NO_PROXY = '127.0.0.1';
    await installPack(opts(fresh('noproxy'), { dispatcher: envDispatcher() }));
    assert.equal(proxy.targets.length, 1, 'NO_PROXY host went direct');
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await proxy.close();
  }
});

test('the catalogue matches the pack manifests: same files, paths and hashes', () => {
  for (const [id, p] of Object.entries(catalog.packs)) {
    const m = JSON.parse(readFileSync(join(REPO_ROOT, 'models/packs', `${id}.json`), 'utf8'));
    const used = new Set([m.detector.file, ...Object.values(m.detector.extraFiles ?? {}), m.embedder.file]);
    assert.deepEqual(Object.keys(p.files).sort(), [...used].sort(), id);
    for (const [key, f] of Object.entries(p.files)) {
      const mf = m.files[key];
      assert.equal(f.path, mf.path, `${id}.${key}.path`);
      assert.ok(f.sha256 === mf.sha256 || mf.knownSha256?.includes(f.sha256), `${id}.${key}: catalogue hash not pinned by the manifest`);
    }
  }
  assert.ok(existsSync(join(REPO_ROOT, 'models/catalog.json')));
});

test("staging folders of a killed install are swept; a live install's are left alone", async () => {
  const dir = fresh('sweep');
  const dead = '.install-yunet-fr-2147483646-0badc0de';
  const live = `.install-yunet-fr-${process.pid}-0badc0de`;
  for (const d of [dead, live]) mkdirSync(join(dir, d));
  writeFileSync(join(dir, dead, YUNET), 'half a download');
  assert.deepEqual(await sweepStaging(dir), [dead]);
  assert.deepEqual(readdirSync(dir), [live]);
});
