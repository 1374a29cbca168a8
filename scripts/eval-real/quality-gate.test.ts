// The quality gate on the labeled TV clip with the default pack: dark and turned faces (quality 0.35–0.40)
// pooled into a track pull it towards the other people's such tracks, so at the old gate 0.35 Eddie's
// and the grandmother's profile tracks share an identity with Louis'. At the default gate (0.40) the
// pipeline's identities hold no two people on ≥ 2 tracks and no track carries two people; re-pooling
// the same faces at 0.35 (recluster.ts, the pipeline's own pooling and planning) brings the mix back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVAL_DIR } from '../../electron/models/eval-pack';
import { REPO_ROOT } from '../../electron/models/pack';
import { runPipeline } from '../../electron/pipeline/orchestrator';
import { episodeArtifacts } from '../../electron/store/artifacts';
import { readJson } from '../../electron/store/json';
import { Workspace } from '../../electron/store/workspace';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { evaluateEpisode, type EpisodeEvaluation } from './evaluate';
import { labelsDocSchema } from './labels';
import { identitiesJoining, loadScoredEpisode, recluster, regate, scoreIdentities, type ScoredEpisode } from './recluster';

const EP = 'tvdinnerscene-s01e01';
let dir: string;
let ws: Workspace;
let scored: EpisodeEvaluation;
let ep: ScoredEpisode;
let thresh: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quality-gate-'));
  const doc = await readJson(join(REPO_ROOT, 'eval/labels/tv_dinner_scene.json'), labelsDocSchema);
  await runPipeline({ videoPath: join(EVAL_DIR, 'videos', doc.clip), workspace: dir, epId: EP, settings: { packId: 'default' } });
  ws = new Workspace(dir);
  scored = await evaluateEpisode(ws, EP, doc);
  ep = await loadScoredEpisode(ws, EP, scored.trackLabels);
  thresh = (await episodeArtifacts(ws, EP).readIdentities()).metadata.cluster_thresh;
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('the default gate is 0.40 and every face below it is rejected', () => {
  assert.equal(defaultPipelineSettings().qualityGate, 0.4);
  const below = ep.faces.filter((f) => f.quality_score < 0.4);
  assert.ok(below.length >= 10, `the TV scene has faces under the gate (${below.length})`);
  assert.deepEqual(below.filter((f) => !f.rejection_reason).map((f) => f.face_id), []);
});

test('TV scene, default pipeline: no identity mixes two people on ≥ 2 tracks, no track carries two people, WCP ≥ 0.99', async () => {
  assert.deepEqual(scored.multiTrackImpure, [], 'identities with ≥ 2 stray tracks');
  assert.deepEqual(scored.mixedTracks, []);
  assert.deepEqual(scored.mixedTracksAllBoxes, []);
  assert.ok(scored.trackWcp >= 0.99, `track WCP ${scored.trackWcp.toFixed(3)}`);
  const identityOf = new Map<string, string>();
  for (const i of (await episodeArtifacts(ws, EP).readIdentities()).identities) for (const t of i.track_ids) identityOf.set(t, i.identity_id);
  assert.deepEqual(identitiesJoining(ep, identityOf, 'eddie', 'louis'), []);
  assert.deepEqual(identitiesJoining(ep, identityOf, 'grandma', 'louis'), []);
});

/** Identities as sorted lists of their tracks, sorted. */
const partition = (identityOf: ReadonlyMap<string, string>) => {
  const groups = new Map<string, string[]>();
  for (const [t, id] of identityOf) groups.set(id, [...(groups.get(id) ?? []), t]);
  return [...groups.values()].map((g) => g.sort().join(' ')).sort();
};

test('re-pooling the same faces reproduces the pipeline at 0.40 and brings the profile mix back at 0.35', async () => {
  const pipeline = new Map<string, string>();
  for (const i of (await episodeArtifacts(ws, EP).readIdentities()).identities) for (const t of i.track_ids) pipeline.set(t, i.identity_id);
  assert.deepEqual(partition(recluster(ep, { thresh, faces: regate(ep.faces, 0.4) })), partition(pipeline));
  const old = recluster(ep, { thresh, faces: regate(ep.faces, 0.35) });
  const oldScores = scoreIdentities(ep, old);
  assert.ok(oldScores.multiTrackImpure.length >= 1, 'at 0.35 an identity holds two people on ≥ 2 tracks');
  assert.ok(oldScores.trackWcp < scored.trackWcp, `WCP at 0.35 ${oldScores.trackWcp.toFixed(3)} vs ${scored.trackWcp.toFixed(3)}`);
  assert.ok(identitiesJoining(ep, old, 'eddie', 'louis').length + identitiesJoining(ep, old, 'grandma', 'louis').length >= 1, 'Louis’ profile identity takes Eddie’s or the grandmother’s tracks');
});
