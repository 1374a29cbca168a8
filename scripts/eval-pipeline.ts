// `npm run eval:pipeline [-- --seed n --duration s --fps n --thresh x --linkage l --no-swap --out dir]`
// Composes a synthetic episode from the labeled photos (scripts/synth/compose.ts), runs the whole
// pipeline on it (electron/pipeline/orchestrator.ts runPipeline, eval pack: SCRFD-500M + MobileFaceNet)
// and scores tracks and identities against the ground truth (scripts/synth/metrics.ts), then re-clusters
// with each linkage to compare them. Outputs go under .cache/ (never committed).
import { parseArgs } from 'node:util';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { episodePaths } from '../shared/episode';
import { faceSchema, identitiesDocSchema, type IdentitiesDoc } from '../shared/schema';
import { defaultPipelineSettings, type PipelineSettingsInput } from '../shared/schema/settings';
import { LINKAGES, type Linkage } from '../shared/cluster/agglomerative';
import { loadEvalPack } from '../electron/models/testing';
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
    },
  });
  const linkage = values.linkage as Linkage;
  if (!LINKAGES.includes(linkage)) throw new Error(`--linkage must be one of ${LINKAGES.join(', ')}`);
  const out = resolve(values.out!);
  const wsDir = join(out, 'workspace');
  rmSync(wsDir, { recursive: true, force: true });

  const pack = await loadEvalPack();
  let t = performance.now();
  const { videoPath, truthPath, truth } = await composeEpisode({
    outDir: out,
    seed: Number(values.seed),
    durationSec: Number(values.duration),
    fps: Number(values.fps),
    forceSwap: !values['no-swap'],
    detector: pack.detector,
  });
  const truthPeople = new Set(truth.frames.flat().map((f) => f.person)).size;
  console.log(`composed ${videoPath} (${truth.num_frames} frames, ${truth.shots.length} shots, ${truthPeople} people, ${truth.swaps.length} swap) in ${((performance.now() - t) / 1000).toFixed(1)} s; truth ${truthPath}`);

  const settings: PipelineSettingsInput = {
    packId: 'eval',
    linkage,
    // Denser face samples than the app default, so the scores rest on more faces per track.
    faceSampleSpacingSec: 0.25,
    maxFacesPerTrack: 40,
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

  const ws = new Workspace(wsDir);
  const first = await score(ws, truth);
  console.log(report(`${linkage} linkage, thresh ${first.doc.metadata.cluster_thresh}`, first.s, truthPeople));
  for (const swap of truth.swaps) console.log(`  forced swap at frame ${swap.frame} (${swap.from} → ${swap.to}, no cut): ${first.s.mixedTracks ? 'a mixed track exists' : 'no mixed track (the tracker split it)'}`);

  // Re-cluster only, for each linkage, at the same threshold.
  const ctx: StageContext = {
    workspace: ws,
    epId: EP,
    paths: episodePaths(EP),
    settings: { ...defaultPipelineSettings(), packId: 'eval' },
    pack,
    progress: () => {},
    signal: new AbortController().signal,
    log: () => {},
  };
  for (const l of LINKAGES) {
    if (l === linkage) continue;
    // Start from no identities so carry-over does not colour the comparison.
    rmSync(ws.abs(ctx.paths.identities), { force: true });
    await clusterEpisode(ctx, { linkage: l, clusterThresh: first.doc.metadata.cluster_thresh });
    const r = await score(ws, truth);
    console.log(report(`${l} linkage, thresh ${r.doc.metadata.cluster_thresh}`, r.s, truthPeople));
  }
  await pack.detector.dispose();
  await pack.embedder.dispose();
}

main().catch((err) => {
  console.error(`eval:pipeline: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
