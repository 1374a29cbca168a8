// `npm test` on a machine without the tests' system prerequisites: it names each missing one and the
// apt-get command (or, as root with apt-get, installs them — the path .ci/run relies on). Chromium and
// redis-server are made to look absent through CHROMIUM_PATH and PATH; SCREENALYTICS_NO_INSTALL keeps
// this test from installing anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..');

function check(files: Record<string, string>, env: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'prereqs-'));
  for (const [f, text] of Object.entries(files)) writeFileSync(join(root, f.replace(/\//g, '_')), text);
  const script = `import { ensurePrerequisites } from ${JSON.stringify(join(repo, 'scripts/test-prereqs.mjs'))};
const env = ensurePrerequisites(${JSON.stringify(root)}, ${JSON.stringify(Object.keys(files).map((f) => f.replace(/\//g, '_')))});
console.log('ok', env.SCREENALYTICS_PYTHON ?? '');`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, SCREENALYTICS_NO_INSTALL: '1', ...env } });
}

test('a missing Chromium is named with the apt-get command, and the run stops', () => {
  const r = check({ 'e2e/x.e2e.ts': 'launchBrowser()' }, { CHROMIUM_PATH: '/nonexistent/chromium' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /missing Chromium \(\/nonexistent\/chromium\)/);
  assert.match(r.stderr, /apt-get install -y --no-install-recommends chromium/);
});

test('redis-server off the PATH is named; tests that do not need a prerequisite do not ask for it', () => {
  const bin = mkdtempSync(join(tmpdir(), 'prereqs-bin-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  const r = check({ 'queue.test.ts': "spawn('redis-server')" }, { PATH: bin });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /missing redis-server/);
  assert.match(r.stderr, /--no-install-recommends redis-server$/m);
  const plain = check({ 'plain.test.ts': 'assert.ok(true)' }, { PATH: bin, CHROMIUM_PATH: '/nonexistent/chromium' });
  assert.equal(plain.status, 0, plain.stderr);
});

test('everything present (this machine): the tests run', () => {
  const r = check({ 'e2e/x.e2e.ts': 'launchBrowser()', 'npy.test.ts': "import { PYTHON } from '../../test-support/numpy'", 'queue.test.ts': 'redis-server' }, {});
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ok/);
});
