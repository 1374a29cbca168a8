// Keeps the boundaries of the architecture map honest (the role a lint rule like
// import/no-restricted-paths plays elsewhere), one test per boundary:
//   shared/ is pure · the renderer imports no Node and reaches the host only through api/client.ts ·
//   only electron/main + preload import Electron · main imports no web-host module · pipeline and
//   cleanup never import the services · the store imports neither services nor pipeline · runtime
//   code never imports test-support/ · a path the app writes is spelled only in shared/layout.ts ·
//   no runtime file over 400 lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { APP_FILES, BACKUP_LAYOUT, CAST_FILES, EPISODE_FILES, modelFiles, workspaceFiles } from '../shared/layout';

const root = new URL('..', import.meta.url).pathname;

/** Source files under `dir` (repo-relative), tests excluded. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...sources(rel));
    else if (/\.(ts|tsx|mjs)$/.test(name) && !/\.(test|e2e)\.tsx?$/.test(name)) out.push(rel);
  }
  return out;
}

/** Code that ships: the Electron side, shared and the renderer (tests and test-support excluded). */
const runtime = () => [...sources('electron'), ...sources('shared'), ...sources('renderer/src')];

interface Import {
  spec: string;
  /** `import type` / `export type`: erased at run time. */
  typeOnly: boolean;
}

function imports(file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8');
  const out: Import[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(re)) {
    out.push({ spec: m[1] ?? m[2], typeOnly: /^\s*(?:import|export)\s+type\s/.test(m[0].replace(/^\n/, '')) });
  }
  return out;
}

/** Repo-relative target of a relative import (no extension), or the bare specifier. */
function target(file: string, spec: string): string {
  return spec.startsWith('.') ? normalize(join(dirname(file), spec)) : spec;
}

/** `file: spec` for every import of `files` whose target matches `forbidden` (type imports too unless `runtimeOnly`). */
function offending(files: string[], forbidden: (to: string) => boolean, runtimeOnly = false): string[] {
  const out: string[] = [];
  for (const file of files) {
    for (const { spec, typeOnly } of imports(file)) {
      if (runtimeOnly && typeOnly) continue;
      if (forbidden(target(file, spec))) out.push(`${file}: ${spec}`);
    }
  }
  return out;
}

const NODE_BUILTIN = /^(node:|fs$|path$|os$|child_process$|worker_threads$|http$|crypto$|stream$|url$)/;
const under = (...dirs: string[]) => (to: string) => dirs.some((d) => to === d || to.startsWith(`${d}/`));

test('shared/ imports nothing from Node, Electron, the DOM side or main-process code', () => {
  const bad = (to: string) => NODE_BUILTIN.test(to) || to === 'electron' || /^(react|react-dom)(\/|$)/.test(to) || under('electron', 'renderer')(to);
  assert.deepEqual(offending(sources('shared'), bad, true), []);
});

test('renderer/ imports no Node builtins, no Electron and no main-process code', () => {
  const bad = (to: string) => NODE_BUILTIN.test(to) || to === 'electron' || under('electron')(to);
  assert.deepEqual(offending(sources('renderer'), bad, true), []);
});

test('the renderer reaches the host only through renderer/src/api/client.ts', () => {
  const offences: string[] = [];
  for (const file of sources('renderer/src')) {
    if (file === 'renderer/src/api/client.ts') continue;
    const code = stripComments(readFileSync(join(root, file), 'utf8'));
    for (const m of code.matchAll(/\bfetch\(|\bwindow\.api\b|\bgetApi\(|\bEventSource\b|\bXMLHttpRequest\b|\bWebSocket\b/g)) offences.push(`${file}: ${m[0]}`);
  }
  assert.deepEqual(offences, []);
});

test('only electron/main and electron/preload import the Electron runtime', () => {
  const files = [...sources('electron'), ...sources('shared'), ...sources('scripts'), ...sources('bench')].filter(
    (f) => !f.startsWith('electron/main/') && !f.startsWith('electron/preload/'),
  );
  assert.deepEqual(offending(files, (to) => to === 'electron', true), []);
});

test('electron/main takes host code from electron/host/, never from the web transport (electron/web/)', () => {
  assert.deepEqual(offending(sources('electron/main'), under('electron/web')), []);
});

test('the pipeline and cleanup never import the services', () => {
  assert.deepEqual(offending(sources('electron/pipeline'), under('electron/service', 'electron/services')), []);
});

test('the store imports neither the services nor the pipeline', () => {
  assert.deepEqual(offending(sources('electron/store'), under('electron/service', 'electron/services', 'electron/pipeline')), []);
});

test('runtime code never imports test-support/', () => {
  const files = runtime();
  const offences = offending(files, under('test-support'));
  for (const f of files) if (/['"`][^'"`]*test-support\//.test(stripComments(readFileSync(join(root, f), 'utf8')))) offences.push(`${f}: names test-support/`);
  assert.deepEqual(offences, []);
});

function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

test('a path the app writes is spelled only in shared/layout.ts', () => {
  const names = [
    ...Object.values(EPISODE_FILES),
    ...Object.values(CAST_FILES),
    ...Object.values(APP_FILES),
    BACKUP_LAYOUT.manifest,
    BACKUP_LAYOUT.redoMarker,
  ];
  // A file name as a whole string literal or as the last segment of a path inside one; error messages
  // that mention a file ("… is not in tracks.jsonl") do not match.
  const fileRe = new RegExp(`['"\`/](?:${names.map((n) => n.replace(/[.]/g, '\\.')).join('|')})['"\`]`, 'g');
  const dirs = ['data/manifests', 'data/embeds', 'data/cast', 'artifacts/crops', 'artifacts/thumbs', 'artifacts/frames', workspaceFiles.locksDir.split('/')[0] + '/', `'${modelFiles.receiptsDir}'`];
  const offences: string[] = [];
  for (const file of [...sources('electron'), ...sources('shared')]) {
    if (file === 'shared/layout.ts') continue;
    const code = stripComments(readFileSync(join(root, file), 'utf8'));
    for (const m of code.matchAll(fileRe)) offences.push(`${file}: ${m[0]}`);
    for (const d of dirs) if (code.includes(d)) offences.push(`${file}: ${d}`);
  }
  assert.deepEqual(offences, []);
});

/** Runtime files allowed past 400 lines, each with the reason (none today). */
const LONG_FILES: Record<string, string> = {};

test('no runtime file is over 400 lines (exceptions listed with a reason)', () => {
  const long: string[] = [];
  for (const file of runtime()) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n').length - 1;
    if (lines > 400 && !Object.hasOwn(LONG_FILES, file)) long.push(`${file}: ${lines} lines`);
  }
  assert.deepEqual(long, []);
});

test('the checks above see real files (the walkers and the import parser are not silently empty)', () => {
  assert.ok(runtime().length > 100);
  assert.ok(imports('electron/store/validate.ts').some((i) => i.spec === './registry'));
  assert.equal(relative(root, join(root, target('electron/pipeline/cleanup/x.ts', '../../service/journal'))), 'electron/service/journal');
});
