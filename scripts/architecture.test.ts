// Keeps the runtime boundaries of ARCHITECTURE.md honest (the role a lint rule like
// import/no-restricted-paths plays elsewhere): shared/ is pure, the renderer never reaches into
// Node or the main process, and only electron/main + preload import the Electron runtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(rel);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specs: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) {
    // `import type` vanishes at runtime; it cannot break a runtime boundary.
    if (/^\s*(?:import|export)\s+type\s/.test(m[0].replace(/^\n/, ''))) continue;
    specs.push(m[1] ?? m[2]);
  }
  return specs;
}

const NODE_BUILTIN = /^(node:|fs$|path$|os$|child_process$|worker_threads$|http$|crypto$|stream$|url$)/;

test('shared/ imports nothing from Node, Electron, the DOM side or main-process code', () => {
  const offences: string[] = [];
  for (const file of sources('shared')) {
    for (const spec of imports(file)) {
      if (NODE_BUILTIN.test(spec) || spec === 'electron' || /(^|\/)(electron|renderer)\//.test(spec)) {
        offences.push(`${file}: ${spec}`);
      }
    }
  }
  assert.deepEqual(offences, []);
});

test('renderer/ imports no Node builtins, no Electron and no main-process code', () => {
  const offences: string[] = [];
  for (const file of sources('renderer')) {
    for (const spec of imports(file)) {
      if (NODE_BUILTIN.test(spec) || spec === 'electron' || /(^|\/)electron\//.test(spec)) offences.push(`${file}: ${spec}`);
    }
  }
  assert.deepEqual(offences, []);
});

test('only electron/main and electron/preload import the Electron runtime', () => {
  const offences: string[] = [];
  for (const file of [...sources('electron'), ...sources('scripts'), ...sources('bench')]) {
    const rel = relative(root, join(root, file));
    if (rel.startsWith('electron/main/') || rel.startsWith('electron/preload/')) continue;
    if (imports(file).includes('electron')) offences.push(rel);
  }
  assert.deepEqual(offences, []);
});

test('electron/main takes host code from electron/host/, never from the web transport (electron/web/)', () => {
  const offences: string[] = [];
  for (const file of sources('electron/main')) {
    for (const spec of imports(file)) {
      if (spec.startsWith('.') && join(file, '..', spec).startsWith(join('electron', 'web'))) offences.push(`${file}: ${spec}`);
    }
  }
  assert.deepEqual(offences, []);
});
