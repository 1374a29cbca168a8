// What killed writers and stale inputs must not leave behind: temp files of interrupted atomic writes
// are swept when an episode is opened (those of live writers are kept), and an edit that would write an
// identities.json `validate` rejects is refused before it is journalled.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode, type FixtureEpisode } from '../../scripts/fixture-episode';
import { Workspace } from '../store/workspace';
import { ReviewService } from './review-service';

let root: string;
let ws: Workspace;
const eps = new Map<string, FixtureEpisode>();

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-hygiene-'));
  ws = new Workspace(root);
  for (const epId of ['temps-s01e01', 'stale-s01e01']) {
    eps.set(epId, await makeFixtureEpisode({ workspace: root, epId, identities: 3, tracksPerIdentity: 2, facesPerTrack: 2, withImages: false, seed: 4, dim: 128 }));
  }
});
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

test('opening an episode sweeps temp files of killed writers (manifests, embeds, cast library), not of live ones', async () => {
  const EP = 'temps-s01e01';
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  const dirs = [ws.abs(ws.paths(EP).manifestsDir), ws.abs(ws.paths(EP).embedsDir), ws.abs('data/cast/temps')];
  for (const d of dirs) {
    await mkdir(d, { recursive: true });
    await writeFile(join(d, `.identities.json.tmp-${dead}-0a0b0c0d0e0f`), 'half a write');
  }
  const live = join(dirs[0], `.faces.jsonl.tmp-${process.pid}-0a0b0c0d0e0f`);
  await writeFile(live, 'still being written');
  await new ReviewService({ workspace: root, host: 'test' }).openEpisode({ ep_id: EP });
  for (const d of dirs) assert.ok(!(await readdir(d)).some((n) => n.includes(`.tmp-${dead}-`)), `${d} swept`);
  assert.equal(await readFile(live, 'utf8'), 'still being written', 'a live writer\'s temp file is kept');
});

test('an edit that would leave identities.json naming a track missing from tracks.jsonl is refused before the journal', async () => {
  const EP = 'stale-s01e01';
  const ep = eps.get(EP)!;
  const svc = new ReviewService({ workspace: root, host: 'test' });
  const open = await svc.openEpisode({ ep_id: EP });
  // tracks.jsonl re-written without one of identity 0's tracks (a pipeline re-run elsewhere).
  const tracksPath = ws.abs(ws.paths(EP).tracks);
  const lines = (await readFile(tracksPath, 'utf8')).trimEnd().split('\n');
  await writeFile(tracksPath, lines.filter((l) => !l.includes(`"${ep.tracksOf[0][0]}"`)).join('\n') + '\n');
  const before = await readFile(ws.abs(ws.paths(EP).identities), 'utf8');
  await assert.rejects(
    svc.applyReview({ ep_id: EP, revision: open.revision, command: { op: 'label', identity_id: ep.identityIds[1], name: 'Ada Lovelace' } }),
    (e: Error) => new RegExp(`identities\\[0\\]\\.track_ids\\[0\\]: refusing to write: ${ep.tracksOf[0][0]} is not in tracks\\.jsonl`).test(e.message),
  );
  assert.equal(await readFile(ws.abs(ws.paths(EP).identities), 'utf8'), before);
  assert.ok(!(await readdir(ws.abs(ws.paths(EP).manifestsDir))).includes('review_journal.jsonl'), 'nothing journalled');
});
