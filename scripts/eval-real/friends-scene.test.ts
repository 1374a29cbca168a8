// The labeled Friends clip through the default pipeline: its one same-setup link the clusters cannot
// take (Monica's turned track sits in a cluster with Joey's turned tracks, on screen with Monica's
// frontal one) moves that track on its own (shared/cluster/setup-join.ts). Every identity must then
// hold one person; without the links one identity mixes Monica and Joey.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVAL_DIR } from '../../electron/models/eval-pack';
import { runPipeline } from '../../electron/pipeline/orchestrator';
import { episodeArtifacts } from '../../electron/store/artifacts';
import { readJson } from '../../electron/store/json';
import { Workspace } from '../../electron/store/workspace';
import type { IdentitiesDoc } from '../../shared/schema';
import { evaluateEpisode } from './evaluate';
import { labelsDocSchema } from './labels';
import { identitiesJoining, loadScoredEpisode, recluster, regate, scoreIdentities, type ScoredEpisode } from './recluster';

const EP = 'friends-s01e01';
let root: string;
let ep: ScoredEpisode;
let doc: IdentitiesDoc;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-friends-scene-'));
  await runPipeline({ videoPath: join(EVAL_DIR, 'videos', 'sitcom_friends_group.mp4'), workspace: root, epId: EP });
  const ws = new Workspace(root);
  const labels = await readJson(new URL('../../eval/labels/sitcom_friends_group.json', import.meta.url).pathname, labelsDocSchema);
  ep = await loadScoredEpisode(ws, EP, (await evaluateEpisode(ws, EP, labels)).trackLabels);
  doc = await episodeArtifacts(ws, EP).readIdentities();
});
after(() => rm(root, { recursive: true, force: true }));

test('a link whose join is refused moves the linked track: every identity holds one person', () => {
  const identityOf = new Map<string, string>();
  for (const i of doc.identities) for (const t of i.track_ids) identityOf.set(t, i.identity_id);
  const withLinks = scoreIdentities(ep, identityOf);
  const withoutMap = recluster(ep, { thresh: doc.metadata.cluster_thresh, faces: regate(ep.faces, 0.4), setupLinks: false });
  const without = scoreIdentities(ep, withoutMap);
  console.log(`# ${ep.setupLinks.length} links; impure ${without.impureIdentities.length} → ${withLinks.impureIdentities.length}, WCP ${without.trackWcp.toFixed(3)} → ${withLinks.trackWcp.toFixed(3)}, B-cubed F ${without.bcubed.f1.toFixed(3)} → ${withLinks.bcubed.f1.toFixed(3)}`);
  assert.deepEqual(identitiesJoining(ep, withoutMap, 'monica', 'joey').length, 1, 'without links, Monica\'s turned track is with Joey\'s');
  assert.deepEqual(identitiesJoining(ep, identityOf, 'monica', 'joey'), []);
  assert.equal(withLinks.impureIdentities.length, 0);
  assert.ok(withLinks.trackWcp >= 0.99 && withLinks.bcubed.f1 > without.bcubed.f1, `WCP ${withLinks.trackWcp}, F ${without.bcubed.f1} → ${withLinks.bcubed.f1}`);
});
