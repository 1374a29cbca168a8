import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmtSec } from './run';

test('ETA formatting rounds once: never "1m60s"', () => {
  assert.equal(fmtSec(119.6), '2m00s');
  assert.equal(fmtSec(59.6), '1m00s');
  assert.equal(fmtSec(125.2), '2m05s');
  assert.equal(fmtSec(7.4), '7s');
  assert.equal(fmtSec(null), '--');
  assert.equal(fmtSec(Number.POSITIVE_INFINITY), '--');
});

test('a --workspace that is a file is refused before any stage runs (exit 2, named)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'run-ws-file-'));
  const file = join(dir, 'not-a-folder');
  writeFileSync(file, 'x');
  const video = join(import.meta.dirname, '..', '..', 'package.json');
  const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin/screenalytics.mjs'), 'run', video, '--workspace', file, '--ep', 'demo-s01e01'], { encoding: 'utf8' });
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /--workspace ".*not-a-folder" is a file, not a folder/);
  assert.ok(!existsSync(join(dir, 'data')));
});
