// `validate` on the states a reviewer and a run really leave: after a merge in the UI (screentime.json
// named the merged identity), and after a run killed or cancelled during harvest (tracks.jsonl names
// crops not written yet) — "in progress", not invalid, until harvest is recorded as finished.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode, type FixtureEpisode } from '../../scripts/fixture-episode';
import { formatReport, validateEpisode } from '../store/validate';
import { Workspace } from '../store/workspace';
import { ReviewService } from './review-service';

let root: string;
let ws: Workspace;
let ep: FixtureEpisode;
const EP = 'derived-s01e01';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-derived-'));
  ws = new Workspace(root);
  ep = await makeFixtureEpisode({ workspace: root, epId: EP, identities: 4, tracksPerIdentity: 2, facesPerTrack: 2, withImages: true, seed: 9, dim: 128 });
});
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

test('a merge refreshes screentime.json: the merged identity is gone from it and the episode validates', async () => {
  const svc = new ReviewService({ workspace: root, host: 'test' });
  const open = await svc.openEpisode({ ep_id: EP });
  await svc.exportScreenTime({ ep_id: EP });
  // Identities 0 and 2 never share the screen (see scripts/fixture-episode.ts), so they merge.
  const [target, , source] = ep.identityIds;
  const merged = await svc.applyReview({ ep_id: EP, revision: open.revision, command: { op: 'merge', target_id: target, source_ids: [source] } });
  assert.equal(merged.warnings, undefined);
  const st = JSON.parse(await readFile(join(root, 'data/manifests', EP, 'screentime.json'), 'utf8')) as { identities: { identity_id: string }[] };
  assert.ok(!st.identities.some((i) => i.identity_id === source), 'the merged-away identity is not named');
  const report = await validateEpisode(ws, EP);
  assert.ok(report.ok, formatReport(report));
});

test('crops not yet written while run_state.json has no finished harvest: "in progress"; once harvest is recorded, invalid', async () => {
  const dir = join(root, 'data/manifests', EP);
  const crop = join(root, 'artifacts/crops/derived/s01/e01/tracks', ep.trackIds[0]);
  await rm(crop, { recursive: true });
  const stage = { fingerprint: 'x', settings: {}, inputs: {}, finished_at: new Date().toISOString(), elapsed_sec: 1 };
  // Killed (or Ctrl-C) during harvest: the orchestrator dropped harvest's record before running it.
  await writeFile(join(dir, 'run_state.json'), JSON.stringify({ ep_id: EP, stages: { detect: stage, track: stage } }));
  const running = await validateEpisode(ws, EP);
  assert.ok(running.ok, formatReport(running));
  assert.match(running.inProgress ?? '', /harvest stage has not finished/);
  assert.equal(running.artifacts.find((a) => a.kind === 'tracks')?.status, 'in progress');
  assert.match(formatReport(running), /RESULT: in progress/);
  await writeFile(join(dir, 'run_state.json'), JSON.stringify({ ep_id: EP, stages: { detect: stage, track: stage, harvest: stage } }));
  const finished = await validateEpisode(ws, EP);
  assert.equal(finished.ok, false);
  assert.match(formatReport(finished), /does not exist/);
});
