// `npm run eval:pipeline [-- --seed n --duration s --fps n --thresh x --linkage l --no-swap --out dir --pack id --models-dir dir --sweep x,y
//   --stride n --analyze-fps f --match-thresh x --static-motion m --reuse-video]`
// Composes a synthetic episode from the labeled photos (scripts/synth/compose.ts), runs the whole
// pipeline on it (electron/pipeline/orchestrator.ts runPipeline; --pack, default the eval pack: SCRFD-500M + MobileFaceNet)
// and scores tracks and identities against the ground truth (scripts/synth/metrics.ts), then re-clusters
// with each linkage to compare them. Outputs go under .cache/ (never committed).
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { episodePaths } from '../shared/layout';
import { faceSchema, identitiesDocSchema, type IdentitiesDoc } from '../shared/schema';
import { defaultPipelineSettings, type PipelineSettingsInput } from '../shared/schema/settings';
import { LINKAGES, type Linkage } from '../shared/cluster/agglomerative';
import { loadEvalPack } from '../electron/models/eval-pack';
import { loadPack } from '../electron/models/pack';
import type { LoadedPack } from '../electron/models/types';
import { readJson } from '../electron/store/json';
import { readJsonl } from '../electron/store/jsonl';
import { readNpy } from '../electron/store/npy';
import { Workspace } from '../electron/store/workspace';
import { runPipeline } from '../electron/pipeline/orchestrator';
import { clusterEpisode } from '../electron/pipeline/cluster';
import type { StageContext } from '../electron/pipeline/context';
import { composeEpisode, type Truth } from './synth/compose';
import { matchToTruth, scoreItems, type EpisodeScores } from './synth/metrics';

const EP = 'synth-s01e01';

async function score(ws: Workspace, truth: Truth): Promise<{ s: EpisodeScores; doc: IdentitiesDoc }> {
  const paths = episodePaths(EP);
  const npy = await readNpy(ws.abs(paths.facesNpy));
  const faces = await readJsonl(ws.abs(paths.faces), faceSchema(npy.shape[1]));
  const doc = await readJson(ws.abs(paths.identities), identitiesDocSchema);
  const identityOf = new Map<string, string>();
  for (const i of doc.identities) for (const t of i.track_ids) identityOf.set(t, i.identity_id);
  const persons = matchToTruth(faces, truth.frames);
  const items = faces.map((f, k) => ({ track: f.track_id, identity: identityOf.get(f.track_id) ?? '(none)', person: persons[k] }));
  return { s: scoreItems(items), doc };
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function report(label: string, s: EpisodeScores, truthPeople: number): string {
  return [
    `${label}:`,
    `  items (harvested faces) ${s.items}, matched to truth ${s.matchedItems}; tracks ${s.tracks}; identities ${s.identities} vs ${truthPeople} people in truth`,
    `  track purity ${pct(s.trackPurity)}; tracks mixing two people ${s.mixedTracks}${s.mixedTracks ? ` (${s.mixedTrackIds.join(', ')})` : ''}`,
    `  identity WCP ${pct(s.identityWcp)}; B-cubed over faces P ${pct(s.bcubed.precision)} R ${pct(s.bcubed.recall)} F ${pct(s.bcubed.f1)}`,
  ].join('\n');
}

async function composeAndRun(out: string, wsDir: string, values: { seed?: string; duration?: string; fps?: string; thresh?: string; 'no-swap'?: boolean; stride?: string; 'analyze-fps'?: string; 'match-thresh'?: string; 'static-motion'?: string; 'reuse-video'?: boolean }, linkage: Linkage, pack: LoadedPack): Promise<Truth> {
  rmSync(wsDir, { recursive: true, force: true });
  let t = performance.now();
  // --reuse-video: analyse the last composed episode again (comparing analysis rates on one video).
  const reused = values['reuse-video'] && existsSync(join(out, 'synthetic.mp4')) && existsSync(join(out, 'synthetic.truth.json'));
  const { videoPath, truthPath, truth } = reused
    ? { videoPath: join(out, 'synthetic.mp4'), truthPath: join(out, 'synthetic.truth.json'), truth: JSON.parse(readFileSync(join(out, 'synthetic.truth.json'), 'utf8')) as Truth }
    : await composeEpisode({
        outDir: out,
        seed: Number(values.seed),
        durationSec: Number(values.duration),
        fps: Number(values.fps),
        forceSwap: !values['no-swap'],
        detector: pack.detector,
      });
  const truthPeople = new Set(truth.frames.flat().map((f) => f.person)).size;
  console.log(`${reused ? 'reused' : 'composed'} ${videoPath} (${truth.num_frames} frames at ${truth.fps} fps, ${truth.shots.length} shots, ${truthPeople} people, ${truth.swaps.length} swap) in ${((performance.now() - t) / 1000).toFixed(1)} s; truth ${truthPath}`);

  const settings: PipelineSettingsInput = {
    packId: pack.id,
    linkage,
    // Denser face samples than the app default, so the scores rest on more faces per track.
    faceSampleSpacingSec: 0.25,
    maxFacesPerTrack: 40,
    ...(values.stride ? { stride: Number(values.stride) } : {}),
    ...(values['analyze-fps'] ? { analyzeFps: Number(values['analyze-fps']) } : {}),
    ...(values['match-thresh'] ? { matchThresh: Number(values['match-thresh']) } : {}),
    ...(values['static-motion'] ? { staticShotMotion: Number(values['static-motion']) } : {}),
    ...(values.thresh ? { clusterThresh: Number(values.thresh) } : {}),
  };
  t = performance.now();
  const result = await runPipeline({
    videoPath,
    workspace: wsDir,
    epId: EP,
    settings,
    force: true,
    loadPack: async () => pack,
    onLog: (level, m) => level !== 'info' && console.log(`  [${level}] ${m}`),
  });
  console.log(`pipeline: ${result.stages.map((s) => `${s.stage} ${s.elapsedSec.toFixed(1)} s`).join(', ')}; total ${((performance.now() - t) / 1000).toFixed(1)} s`);

  return truth;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      duration: { type: 'string', default: '60' },
      fps: { type: 'string', default: '10' },
      thresh: { type: 'string' },
      linkage: { type: 'string', default: 'average' },
      'no-swap': { type: 'boolean', default: false },
      out: { type: 'string', default: '.cache/eval-pipeline' },
      /** Re-score (and re-cluster) the last run in --out without composing or running the pipeline again. */
      'score-only': { type: 'boolean', default: false },
      /** Pack id (models/packs/<id>.json); the eval pack by default. */
      pack: { type: 'string', default: 'eval' },
      /** Folder of a user-location pack's files (e.g. a test-only candidate pack). */
      'models-dir': { type: 'string' },
      /** Extra thresholds for the re-cluster sweep, comma-separated. */
      sweep: { type: 'string', default: '' },
      /** Analysis rate overrides (unset = the settings defaults). */
      stride: { type: 'string' },
      'analyze-fps': { type: 'string' },
      'match-thresh': { type: 'string' },
      'static-motion': { type: 'string' },
      /** Re-use the episode already composed in --out instead of composing again. */
      'reuse-video': { type: 'boolean', default: false },
    },
  });
  const linkage = values.linkage as Linkage;
  if (!LINKAGES.includes(linkage)) throw new Error(`--linkage must be one of ${LINKAGES.join(', ')}`);
  const out = resolve(values.out!);
  const wsDir = join(out, 'workspace');
  const pack = values.pack === 'eval' ? await loadEvalPack() : await loadPack({ packId: values.pack!, device: 'cpu', ...(values['models-dir'] ? { userModelDir: resolve(values['models-dir']) } : {}) });
  console.log(`pack ${pack.id} (${pack.embedder.modelId}), default cluster thresh ${pack.defaultClusterThresh}`);
  const ws = new Workspace(wsDir);
  let truth: Truth;
  if (values['score-only']) {
    truth = JSON.parse(readFileSync(join(out, 'synthetic.truth.json'), 'utf8')) as Truth;
  } else {
    truth = await composeAndRun(out, wsDir, values, linkage, pack);
  }
  const truthPeople = new Set(truth.frames.flat().map((f) => f.person)).size;
  const first = await score(ws, truth);
  console.log(report(`${linkage} linkage, thresh ${first.doc.metadata.cluster_thresh}`, first.s, truthPeople));
  for (const swap of truth.swaps) console.log(`  forced swap at frame ${swap.frame} (${swap.from} → ${swap.to}, no cut): ${first.s.mixedTracks ? 'a mixed track exists' : 'no mixed track (the tracker split it)'}`);

  // Re-cluster only (pool + cluster are cheap): each linkage × a few thresholds, as a table.
  const ctx: StageContext = {
    workspace: ws,
    epId: EP,
    paths: episodePaths(EP),
    settings: { ...defaultPipelineSettings(), packId: pack.id },
    pack,
    progress: () => {},
    signal: new AbortController().signal,
    log: () => {},
  };
  const extra = values.sweep!.split(',').filter(Boolean).map(Number);
  if (extra.some((x) => !Number.isFinite(x))) throw new Error(`--sweep: expected comma-separated numbers, got ${values.sweep}`);
  const threshes = [...new Set([first.doc.metadata.cluster_thresh, ...extra, 0.35, 0.5])].sort((a, b) => a - b);
  console.log('\nre-cluster sweep (B-cubed over harvested faces):');
  console.log('  linkage   thresh  identities  WCP     B3-P    B3-R    B3-F');
  for (const l of LINKAGES) {
    for (const th of threshes) {
      // Start from no identities so carry-over does not colour the comparison.
      rmSync(ws.abs(ctx.paths.identities), { force: true });
      await clusterEpisode(ctx, { linkage: l, clusterThresh: th });
      const { s } = await score(ws, truth);
      console.log(`  ${l.padEnd(9)} ${th.toFixed(2).padStart(6)}  ${String(s.identities).padStart(10)}  ${pct(s.identityWcp).padStart(6)}  ${pct(s.bcubed.precision).padStart(6)}  ${pct(s.bcubed.recall).padStart(6)}  ${pct(s.bcubed.f1).padStart(6)}`);
    }
  }
  console.log(`  (truth: ${truthPeople} people)`);
  // Leave the run's own clustering on disk, so --score-only reproduces the first block.
  rmSync(ws.abs(ctx.paths.identities), { force: true });
  await clusterEpisode(ctx, { linkage, clusterThresh: first.doc.metadata.cluster_thresh, minClusterSize: first.doc.metadata.min_cluster_size });
  await pack.detector.dispose();
  await pack.embedder.dispose();
}

main().catch((err) => {
  console.error(`eval:pipeline: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
