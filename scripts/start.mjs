#!/usr/bin/env node
// `npm start [-- --workspace <dir>] [--port n] [--web]`: builds what is stale (renderer with vite, the
// Electron bundles with esbuild), then launches Electron when its binary is installed; otherwise (or
// with --web) says so and starts the web host, printing the URL with its token.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureRendererBuilt, isStale } from './renderer-build.mjs';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: { workspace: { type: 'string' }, port: { type: 'string' }, web: { type: 'boolean' }, rebuild: { type: 'boolean' } },
});
const workspace = resolve(values.workspace ?? process.env.SCREENALYTICS_WORKSPACE ?? join(root, 'workspace'));

function stale(output, inputs) {
  return values.rebuild || isStale(root, output, inputs);
}

function run(label, cmd, args) {
  console.log(`start: ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`start: ${label} failed`);
    process.exit(r.status ?? 1);
  }
}

try {
  await ensureRendererBuilt(root, { force: values.rebuild, log: (m) => console.log(`start: ${m}`) });
} catch (err) {
  console.error(`start: ${err.message}`);
  process.exit(1);
}

/** Path of the Electron binary, or null with the reason. */
function electronBinary() {
  try {
    const p = require('electron');
    if (typeof p === 'string' && existsSync(p)) return { path: p };
    return { path: null, why: `the Electron binary is missing (${p})` };
  } catch (err) {
    return { path: null, why: `Electron is not installed (${err.message.split('\n')[0]})` };
  }
}

const electron = values.web ? { path: null, why: '--web given' } : electronBinary();
if (electron.path) {
  if (stale('dist/electron/main/main.js', ['electron', 'shared', 'build/build-electron.mjs'])) {
    run('bundling the Electron side (esbuild)', process.execPath, [join(root, 'build/build-electron.mjs')]);
  }
  console.log(`start: launching Electron (workspace ${workspace})`);
  const child = spawn(electron.path, [root, `--workspace=${workspace}`], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`start: ${electron.why}; serving the review UI in the browser instead.`);
  const args = [join(root, 'bin/screenalytics.mjs'), 'serve', '--workspace', workspace];
  if (values.port) args.push('--port', values.port);
  const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
  const forward = (sig) => child.kill(sig);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}
