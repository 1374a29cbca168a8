// The electron-builder config must point at what the build produces: the bundles, the renderer build,
// real node_modules folders to unpack and the generated model pack.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, matchesGlob, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { launchJob, threadTransport } from '../jobs/host';
import { isJobError } from '../jobs/protocol';
import { sidePaths } from '../pipeline/sidefiles';
import { BUNDLES, layoutFrom } from './paths';

const root = resolve(import.meta.dirname, '..', '..');
const config = JSON.parse(readFileSync(join(root, 'build/electron-builder.json'), 'utf8')) as {
  files: string[];
  asarUnpack: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  linux: { target: string[] };
  mac: { target: string[] };
  win: { target: string[] };
  directories: { output: string };
};
const require = createRequire(import.meta.url);

/** electron-builder semantics: included by a positive pattern and not removed by a later "!" one. */
function packed(rel: string): boolean {
  let inc = false;
  for (const p of config.files) {
    if (p.startsWith('!')) {
      if (matchesGlob(rel, p.slice(1))) inc = false;
    } else if (matchesGlob(rel, p)) inc = true;
  }
  return inc;
}
const unpacked = (rel: string) => config.asarUnpack.some((p) => matchesGlob(rel, p));

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

before(() => {
  const r = spawnSync(process.execPath, ['build/build-electron.mjs'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('the bundles exist where main.ts looks for them, and are packed', () => {
  for (const rel of [BUNDLES.main, BUNDLES.jobThread, BUNDLES.jobUtility, BUNDLES.decodeWorker, BUNDLES.preload]) {
    assert.ok(existsSync(join(root, rel)), `${rel} built`);
    assert.ok(packed(rel), `${rel} is in "files"`);
  }
  assert.ok(!packed(`${BUNDLES.main}.map`), 'source maps stay out');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
  assert.equal(pkg.main, BUNDLES.main);
  assert.ok(packed('package.json'));
  const layout = layoutFrom(join(root, 'dist/electron/main'));
  assert.equal(relative(root, layout.preloadPath), BUNDLES.preload);
  assert.equal(relative(root, layout.rendererDir), BUNDLES.renderer);
  assert.deepEqual(layoutFrom(join(root, 'electron/main')), layout, 'same layout when run from sources');
  // The preload is CommonJS (sandboxed preloads cannot be ESM) and requires nothing but electron.
  const preload = readFileSync(join(root, BUNDLES.preload), 'utf8');
  const requires = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(requires)], ['electron']);
});

test('vite writes the renderer where the config packs it from', async () => {
  const vite = (await import('../../vite.config')).default as { build: { outDir: string } };
  assert.equal(relative(root, vite.build.outDir), BUNDLES.renderer);
  assert.ok(packed(`${BUNDLES.renderer}/index.html`));
  assert.ok(packed(`${BUNDLES.renderer}/assets/index-abc123.js`));
});

test('asarUnpack covers the native bindings and binaries that really exist', () => {
  for (const p of config.asarUnpack) {
    const dir = p.replace(/\/\*\*\/\*$/, '');
    if (dir === 'node_modules/ffmpeg-static' && !existsSync(join(root, dir))) continue; // optional dependency
    assert.ok(existsSync(join(root, dir)), `${dir} exists`);
  }
  const natives = walk(join(root, 'node_modules/onnxruntime-node/bin')).filter((f) => f.endsWith('.node'));
  assert.ok(natives.length > 0);
  for (const f of natives) assert.ok(unpacked(relative(root, f)), relative(root, f));
  const sharpNative = walk(join(root, 'node_modules/@img')).filter((f) => f.endsWith('.node'));
  assert.ok(sharpNative.length > 0);
  for (const f of sharpNative) assert.ok(unpacked(relative(root, f)), relative(root, f));
  for (const pkg of ['@ffmpeg-installer/ffmpeg', '@ffprobe-installer/ffprobe']) {
    const bin = (require(pkg) as { path: string }).path;
    assert.ok(existsSync(bin), `${pkg} binary present`);
    assert.ok(unpacked(relative(root, bin)), `${relative(root, bin)} unpacked`);
  }
});

test('the model pack ships as extraResources', () => {
  const gen = config.extraResources.find((r) => r.to === 'models/generated')!;
  const packs = config.extraResources.find((r) => r.to === 'models/packs')!;
  const onnx = walk(join(root, gen.from)).filter((f) => f.endsWith('.onnx'));
  assert.ok(onnx.length > 0, 'models/generated holds .onnx files (npm install builds them)');
  for (const f of onnx) assert.ok(gen.filter.some((g) => matchesGlob(relative(join(root, gen.from), f), g)));
  const manifest = JSON.parse(readFileSync(join(root, packs.from, 'default.json'), 'utf8')) as { id: string };
  assert.ok(packs.filter.some((g) => matchesGlob('default.json', g)));
  assert.ok(existsSync(join(root, gen.from, manifest.id)), 'the default pack has generated files');
  assert.deepEqual([config.linux.target, config.mac.target, config.win.target], [['AppImage', 'deb'], ['dmg'], ['nsis']]);
});

const bundledJob = (kind: 'pipeline' | 'cleanup', input: unknown) => launchJob(kind, input, threadTransport(pathToFileURL(join(root, BUNDLES.jobThread))));

test('the bundled job thread loads with its externals and runs a pipeline job', async () => {
  const job = bundledJob('pipeline', { videoPath: join(root, 'no-such-video.mp4'), workspace: join(root, 'workspace-none'), epId: 'demo-s01e01', settings: defaultPipelineSettings() });
  // A run on a missing video must come back as a clear error from the job's body.
  await assert.rejects(job.done, (e: Error) => isJobError(e, 'failed') && /video not found/.test(e.message));
});

test('the bundled job thread decodes a real clip (its ffmpeg reader thread is found beside the bundle)', { timeout: 300_000 }, async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'sa-bundled-'));
  // The bundle looks for model packs beside itself (as packaged); here they are the repository's.
  process.env.SCREENALYTICS_MODELS_ROOT ??= root;
  try {
    const video = join(root, '..', 'shared', 'eval', 'videos', 'interview_two_people.mp4');
    const job = bundledJob('pipeline', { videoPath: video, workspace, epId: 'interview-s01e01', settings: { ...defaultPipelineSettings(), stride: 4 } });
    await job.done;
    const meta = JSON.parse(readFileSync(join(workspace, sidePaths('interview-s01e01').detectMeta), 'utf8')) as { frames: unknown[] };
    assert.equal(meta.frames.length, 75);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});

test('the bundled job thread runs a cleanup job', async () => {
  const job = bundledJob('cleanup', { workspace: join(root, 'workspace-none'), epId: 'demo-s01e01', actions: ['recluster'], dryRun: true, settings: defaultPipelineSettings(), undoEntry: false });
  await assert.rejects(job.done, (e: Error) => isJobError(e, 'failed') && /tracks.jsonl not found: run the pipeline for demo-s01e01 before cleanup/.test(e.message));
});
