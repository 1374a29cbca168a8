// The synthetic evaluation episode (scripts/synth/compose.ts with a forced face swap: the tracker's
// track holds two people) through the real pipeline (eval pack), whose harvest must cut the track at
// the swap; then cleanup: it must not lower identity WCP or B-cubed F, must leave no track mixing two
// people, must find nothing more to cut, and undo must bring back every file exactly. Figures for a
// longer episode: npm run eval:cleanup.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEvalPack } from '../../models/eval-pack';
import type { LoadedPack } from '../../models/types';
import { formatReport, validateEpisode } from '../../store/validate';
import { Workspace } from '../../store/workspace';
import { episodeArtifacts } from '../../store/artifacts';
import { EVAL_EP, evaluateCleanup, formatScores, scoreEpisode, type CleanupEvaluation } from '../../../scripts/eval-cleanup';
import { undoLastCleanup } from './backup';
import { runPipeline } from '../orchestrator';
import { sidePaths, trackSamplesSchema } from '../sidefiles';
import { readJson } from '../../store/json';
import { runCleanup } from './cleanup';
import { hashTree } from '../../../test-support/cleanup-episodes';
import { harvestSplits } from '../../../scripts/eval-real/run-tracks';
import type { TrackSplit } from './split-tracks';

let pack: LoadedPack;
let dir: string;
let pristine: Map<string, string>;
let r: CleanupEvaluation;
/** The harvest's cuts of the tracker's tracks, read before cleanup. */
let harvestCuts: TrackSplit[];
const noBackups = (rel: string) => rel.endsWith('/backups');

before(async () => {
  pack = await loadEvalPack();
  dir = mkdtempSync(join(tmpdir(), 'h9-synth-'));
  // 16 s at 8 fps keeps the whole pipeline under a minute on two shared cores; with seed 1 the tracker
  // follows the forced swap (no cut, same place), so the episode starts with a mixed track.
  r = await evaluateCleanup({
    outDir: dir, pack, seed: 1, durationSec: 16, fps: 8,
    beforeCleanup: async (ws) => {
      pristine = hashTree(ws.root, noBackups);
      const art = episodeArtifacts(ws, EVAL_EP);
      const samples = await readJson(ws.abs(sidePaths(EVAL_EP).trackSamples), trackSamplesSchema);
      harvestCuts = harvestSplits(samples.samples, await art.readFaces(), await art.readTracks());
    },
  });
});

after(async () => {
  await pack?.detector.dispose();
  await pack?.embedder.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the harvest cuts the swapped track at the swap; cleanup keeps no mixed track, WCP and B-cubed F not lower', async () => {
  const msg = `\n${formatScores('before', r.before)}\n${formatScores('after', r.after)}`;
  assert.equal(r.before.mixedTracks, 0, `the pipeline leaves no track holding two people${msg}`);
  assert.equal(r.after.mixedTracks, 0, msg);
  assert.ok(r.after.identityWcp >= r.before.identityWcp, msg);
  assert.ok(r.after.bcubed.f1 >= r.before.bcubed.f1, msg);
  assert.equal(r.after.items, r.before.items, 'no face row is dropped');

  // The tracker's track that followed the swap is cut within a few frames of it (faces are sampled every 0.25 s = 2 frames).
  const [swap] = r.truth.swaps;
  const cut = harvestCuts.find((s) => s.cutFrames.some((f) => Math.abs(f - swap.frame) <= 4));
  assert.ok(cut, `a track is cut at the swap (frame ${swap.frame}): ${JSON.stringify(harvestCuts)}`);
  const rep = r.report.split_tracks_summary;
  assert.equal(r.report.after.num_tracks, r.report.before.num_tracks + rep.new_tracks_created - rep.tracks_split);

  const ws = new Workspace(r.workspace);
  const check = await validateEpisode(ws, EVAL_EP);
  assert.ok(check.ok, formatReport(check));
  // The pipeline's side file follows the split: every sampled face names a track that exists.
  const ids = new Set((await episodeArtifacts(ws, EVAL_EP).readTracks()).map((t) => t.track_id));
  const samples = await readJson(ws.abs(sidePaths(EVAL_EP).trackSamples), trackSamplesSchema);
  assert.deepEqual(samples.samples.filter((s) => !ids.has(s.track_id)), []);
  // Nothing is left to split (dry run).
  const again = await runCleanup({ workspace: ws, epId: EVAL_EP, actions: ['split_tracks'], dryRun: true });
  assert.equal(again.report.split_tracks_summary.tracks_split, 0);
});

test('undo on the pipeline episode restores every file exactly, and the scores with them', async () => {
  const ws = new Workspace(r.workspace);
  await undoLastCleanup(ws, EVAL_EP);
  assert.deepEqual(hashTree(ws.root, noBackups), pristine);
  assert.deepEqual(await scoreEpisode(ws, EVAL_EP, r.truth), r.before);
});

test('a pipeline re-run after cleanup (not forced) keeps the split and a valid episode', async () => {
  const ws = new Workspace(r.workspace);
  await runCleanup({ workspace: ws, epId: EVAL_EP, actions: ['split_tracks', 'reembed', 'recluster'], pack });
  const result = await runPipeline({
    videoPath: r.videoPath,
    workspace: r.workspace,
    epId: EVAL_EP,
    settings: { packId: 'eval', faceSampleSpacingSec: 0.25, maxFacesPerTrack: 40 },
    loadPack: async () => pack,
    onLog: () => {},
  });
  const ran = result.stages.filter((s) => s.status === 'ran').map((s) => s.stage);
  assert.ok(!ran.includes('track'), `the track stage is not re-run over the cleaned tracks: ran ${ran.join(', ')}`);
  const check = await validateEpisode(ws, EVAL_EP);
  assert.ok(check.ok, formatReport(check));
  const s = await scoreEpisode(ws, EVAL_EP, r.truth);
  assert.equal(s.mixedTracks, 0, formatScores('after re-run', s));
});
