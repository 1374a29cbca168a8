#!/usr/bin/env node
// Bundles the Electron side with esbuild (already installed as vite's and tsx's bundler):
//   dist/electron/main/main.js          ← electron/main/main.ts (ESM; service, store, web, shared inside)
//   dist/electron/main/thread-entry.mjs ← electron/jobs/thread-main.ts (jobs in a worker thread, web host:
//                                         new URL('./thread-entry.mjs', import.meta.url) finds it beside main.js)
//   dist/electron/main/utility-entry.mjs ← electron/jobs/utility-main.ts (jobs in an Electron utility
//                                         process: electron/main/utility-jobs.ts forks it)
//   dist/electron/main/decode-worker.mjs ← electron/pipeline/decode-worker.mjs (ffmpeg's reader thread:
//                                         decode.ts finds it beside whichever bundle runs the pipeline)
//   dist/electron/preload/preload.cjs   ← electron/preload/preload.ts (CJS: sandboxed preloads cannot load ESM)
// Native and binary-shipping packages stay external (resolved from node_modules, unpacked from the asar).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const EXTERNAL = [
  'electron',
  'onnxruntime-node',
  'sharp',
  '@img/*',
  '@ffmpeg-installer/*',
  '@ffprobe-installer/*',
  'ffmpeg-static',
  'tsx',
  'tsx/*',
];
// Bundled CommonJS dependencies may call require(); give ESM output a real one.
const esmBanner = "import { createRequire as __saCreateRequire } from 'node:module'; globalThis.require ??= __saCreateRequire(import.meta.url);";

// 'module' first: jsonc-parser's UMD build (its 'main') hides its requires from the bundler.
const common = { absWorkingDir: root, bundle: true, mainFields: ['module', 'main'], platform: 'node', target: 'node22', sourcemap: 'linked', logLevel: 'warning', external: EXTERNAL };

export async function buildElectron() {
  await Promise.all([
    build({ ...common, entryPoints: ['electron/main/main.ts'], outfile: 'dist/electron/main/main.js', format: 'esm', banner: { js: esmBanner } }),
    build({ ...common, entryPoints: ['electron/jobs/thread-main.ts'], outfile: 'dist/electron/main/thread-entry.mjs', format: 'esm', banner: { js: esmBanner } }),
    build({ ...common, entryPoints: ['electron/jobs/utility-main.ts'], outfile: 'dist/electron/main/utility-entry.mjs', format: 'esm', banner: { js: esmBanner } }),
    build({ ...common, entryPoints: ['electron/pipeline/decode-worker.mjs'], outfile: 'dist/electron/main/decode-worker.mjs', format: 'esm' }),
    build({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/electron/preload/preload.cjs', format: 'cjs', platform: 'node' }),
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = Date.now();
  await buildElectron();
  console.log(`electron bundles → dist/electron (${Date.now() - t0} ms)`);
}
