// `screenalytics cast …` end to end through the real bin: fixture episodes of one show (same seed →
// same people), names given in episode 1 on disk, then sync / suggest / settings / auto-assign / undo.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode, type FixtureEpisode } from '../../scripts/fixture-episode';

const bin = new URL('../../bin/screenalytics.mjs', import.meta.url).pathname;
let root: string;
let ep2: FixtureEpisode;

const cli = (...args: string[]) => spawnSync(process.execPath, [bin, 'cast', ...args, '--workspace', root], { encoding: 'utf8' });
const labelsOf = async (id: string) =>
  JSON.parse(await readFile(join(root, 'data/manifests/demo-s01e02/identities.json'), 'utf8')).identities.find((i: { identity_id: string }) => i.identity_id === id).labels;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'cast-cli-'));
  const common = { workspace: root, identities: 4, tracksPerIdentity: 2, facesPerTrack: 2, withImages: false, seed: 3, dim: 64 };
  // Locked: only confirmed identities teach the cast library.
  await makeFixtureEpisode({ ...common, epId: 'demo-s01e01', names: ['Ada Lovelace', 'Grace Hopper'], locked: [0, 1] });
  ep2 = await makeFixtureEpisode({ ...common, epId: 'demo-s01e02' });
});
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

test('import/export a cast list; a bad list names the entry and field', async () => {
  const list = join(root, 'cast.json');
  await writeFile(list, JSON.stringify([{ name: 'Katherine Johnson' }, { person_id: 'ada-lovelace', name: 'Ada Lovelace' }]));
  let r = cli('import', 'demo', list);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /demo: 2 added, 0 renamed, 2 people/);
  r = cli('export', 'demo');
  assert.deepEqual(JSON.parse(r.stdout), [{ person_id: 'katherine-johnson', name: 'Katherine Johnson' }, { person_id: 'ada-lovelace', name: 'Ada Lovelace' }]);

  await writeFile(list, JSON.stringify([{ person_id: 'Not A Slug', name: 'X' }]));
  r = cli('import', 'demo', list);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /0\.person_id: person_id must be a lower-case slug/);
});

test('sync → suggest → settings → auto-assign → undo, through the bin', async () => {
  let r = cli('sync', 'demo-s01e01');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /demo-s01e01: 4 reference tracks/);
  r = cli('suggest', 'demo-s01e02');
  assert.match(r.stdout, new RegExp(`^${ep2.identityIds[0]}  Ada Lovelace — `, 'm'));
  assert.match(r.stdout, new RegExp(`^${ep2.identityIds[1]}  Grace Hopper — `, 'm'));

  r = cli('auto-assign', 'demo-s01e02');
  assert.match(r.stdout, /nothing assigned \(auto-assign off/);
  assert.deepEqual(await labelsOf(ep2.identityIds[0]), {});

  r = cli('settings', 'demo', '--auto-assign', 'on', '--threshold', '0.6');
  assert.match(r.stdout, /demo: auto-assign on, threshold 0\.6, min margin 0\.05/);
  r = cli('auto-assign', 'demo-s01e02');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^${ep2.identityIds[0]} ← Ada Lovelace`, 'm'));
  assert.deepEqual(await labelsOf(ep2.identityIds[0]), { person_id: 'ada-lovelace', name: 'Ada Lovelace' });

  r = cli('undo-auto-assign', 'demo-s01e02', ep2.identityIds[0]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(await labelsOf(ep2.identityIds[0]), {});
  r = cli('suggest', 'demo-s01e02');
  assert.doesNotMatch(r.stdout, new RegExp(`^${ep2.identityIds[0]}  Ada Lovelace`, 'm'), 'undone → rejected for that identity');
});
