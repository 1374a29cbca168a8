// The built review UI (dist/renderer) that `screenalytics serve` and `npm start` serve: rebuilt with
// vite when missing or older than its sources (renderer/, shared/ — bundled into it — and the vite
// config). A lock folder (the one the e2e fixtures take too) keeps two builds from running at once.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const RENDERER_INDEX = 'dist/renderer/index.html';
export const RENDERER_INPUTS = ['renderer', 'shared', 'vite.config.ts'];
const LOCK = 'dist/.renderer-build.lock';
/** A lock older than this was left by a killed build (a build takes seconds). */
const LOCK_STALE_MS = 120_000;

/** Newest mtime under the given paths (files or folders; node_modules, dot files and tests skipped). */
export function newestMtime(root, paths) {
  let t = 0;
  const visit = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (name !== 'node_modules' && !name.startsWith('.')) visit(join(p, name));
    } else if (!/\.test\.tsx?$/.test(p)) t = Math.max(t, st.mtimeMs);
  };
  paths.forEach((p) => visit(join(root, p)));
  return t;
}

/** True when `output` (repo-relative) is missing or older than any of `inputs`. */
export function isStale(root, output, inputs) {
  const out = join(root, output);
  return !existsSync(out) || statSync(out).mtimeMs < newestMtime(root, inputs);
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/**
 * Builds dist/renderer when stale (or when `force`). Resolves with whether a build ran; rejects when
 * vite fails (its output was printed).
 */
export async function ensureRendererBuilt(root, { force = false, log = console.log } = {}) {
  if (!force && !isStale(root, RENDERER_INDEX, RENDERER_INPUTS)) return false;
  const lock = join(root, LOCK);
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      else await sleep(250);
      if (!force && !isStale(root, RENDERER_INDEX, RENDERER_INPUTS)) return false;
    }
  }
  try {
    log('building the review UI (vite) into dist/renderer');
    const vite = spawn(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    const [code, signal] = await new Promise((ok, fail) => vite.on('error', fail).on('exit', (c, sig) => ok([c, sig])));
    if (code !== 0) throw new Error(`vite build failed (exit ${code ?? signal})`);
    return true;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
