#!/usr/bin/env node
// One entry point for `npm test`: every *.test.ts (unit, integration) and e2e/*.e2e.ts (Chromium),
// all under Node's own test runner so CI reads one summary. Installs (as root) or names what the
// selected tests need from the machine first (scripts/test-prereqs.mjs).
// Usage: node scripts/run-tests.mjs [--unit|--e2e] [path-filter...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensurePrerequisites } from './test-prereqs.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.find((a) => a === '--unit' || a === '--e2e');
const filters = args.filter((a) => !a.startsWith('--'));
const skipDirs = new Set(['node_modules', 'dist', '.git', 'out', '.cache', 'workspace']);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (skipDirs.has(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(relative(root, full));
  }
  return out;
}

const all = walk(root, []).sort();
const unit = all.filter((f) => /\.test\.tsx?$/.test(f));
const e2e = all.filter((f) => /^e2e\/.*\.e2e\.ts$/.test(f));
let files = only === '--unit' ? unit : only === '--e2e' ? e2e : [...unit, ...e2e];
if (filters.length) files = files.filter((f) => filters.some((p) => f.includes(p)));
if (files.length === 0) {
  console.error('run-tests: no test files matched');
  process.exit(1);
}
const env = ensurePrerequisites(root, files);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env: { ...env, SCREENALYTICS_TEST: '1' } },
);
process.exit(result.status ?? 1);
