// `npm run eval:cleanup [-- --seed n --duration s --fps n --out dir]`
// Composes the synthetic evaluation episode with a forced face swap (a track holding two people,
// scripts/synth/compose.ts), runs the whole pipeline on it (eval pack), scores tracks and identities
// against the ground truth (scripts/synth/metrics.ts), runs cleanup (split_tracks, reembed, recluster)
// and scores again. Prints before/after figures; outputs under .cache/ (never committed).
import { parseArgs } from 'node:util';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CleanupReport } from '../shared/schema';
import { loadEvalPack } from '../electron/models/eval-pack';
import type { LoadedPack } from '../electron/models/types';
import { episodeArtifacts } from '../electron/store/artifacts';
import { Workspace } from '../electron/store/workspace';
import { runPipeline } from '../electron/pipeline/orchestrator';
import { runCleanup } from '../electron/pipeline/cleanup/cleanup';
import type { TrackSplit } from '../electron/pipeline/cleanup/split-tracks';
import { composeEpisode, type Truth } from './synth/compose';
import { matchToTruth, scoreItems, type EpisodeScores } from './synth/metrics';

export const EVAL_EP = 'synth-s01e01';

export async function scoreEpisode(ws: Workspace, epId: string, truth: Truth): Promise<EpisodeScores> {
  const art = episodeArtifacts(ws, epId);
  const [faces, doc] = await Promise.all([art.readFaces(), art.readIdentities()]);
  const identityOf = new Map<string, string>();
  for (const i of doc.identities) for (const t of i.track_ids) identityOf.set(t, i.identity_id);
  const persons = matchToTruth(faces, truth.frames);
  return scoreItems(faces.map((f, k) => ({ track: f.track_id, identity: identityOf.get(f.track_id) ?? '(none)', person: persons[k] })));
}

export interface CleanupEvaluation {
  truth: Truth;
  before: EpisodeScores;
  after: EpisodeScores;
  report: CleanupReport;
  /** Every split: the track, the tracks it became, the cut frames. */
  splits: TrackSplit[];
  workspace: string;
  videoPath: string;
}

export interface EvaluateOptions {
  outDir: string;
  pack: LoadedPack;
  seed?: number;
  durationSec?: number;
  fps?: number;
  /** Called after the pipeline, before cleanup (tests snapshot the files here). */
  beforeCleanup?: (ws: Workspace) => void | Promise<void>;
}

export async function evaluateCleanup(opts: EvaluateOptions): Promise<CleanupEvaluation> {
  const wsDir = join(opts.outDir, 'workspace');
  rmSync(wsDir, { recursive: true, force: true });
  const { videoPath, truth } = await composeEpisode({
    outDir: opts.outDir,
    seed: opts.seed ?? 1,
    durationSec: opts.durationSec ?? 60,
    fps: opts.fps ?? 10,
    forceSwap: true,
    detector: opts.pack.detector,
  });
  await runPipeline({
    videoPath,
    workspace: wsDir,
    epId: EVAL_EP,
    // Same settings as npm run eval:pipeline: denser face samples than the app default.
    settings: { packId: 'eval', faceSampleSpacingSec: 0.25, maxFacesPerTrack: 40 },
    force: true,
    loadPack: async () => opts.pack,
    onLog: () => {},
  });
  const ws = new Workspace(wsDir);
  const before = await scoreEpisode(ws, EVAL_EP, truth);
  await opts.beforeCleanup?.(ws);
  const { report, splits } = await runCleanup({ workspace: ws, epId: EVAL_EP, actions: ['split_tracks', 'reembed', 'recluster'], pack: opts.pack });
  const after = await scoreEpisode(ws, EVAL_EP, truth);
  return { truth, before, after, report, splits, workspace: wsDir, videoPath };
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

export function formatScores(label: string, s: EpisodeScores): string {
  return [
    `${label}: faces ${s.items} (${s.matchedItems} matched to truth), tracks ${s.tracks}, identities ${s.identities}`,
    `  track purity ${pct(s.trackPurity)}; tracks mixing two people ${s.mixedTracks}${s.mixedTracks ? ` (${s.mixedTrackIds.join(', ')})` : ''}`,
    `  identity WCP ${pct(s.identityWcp)}; B-cubed P ${pct(s.bcubed.precision)} R ${pct(s.bcubed.recall)} F ${pct(s.bcubed.f1)}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      duration: { type: 'string', default: '60' },
      fps: { type: 'string', default: '10' },
      out: { type: 'string', default: '.cache/eval-cleanup' },
    },
  });
  const pack = await loadEvalPack();
  try {
    const t = performance.now();
    const r = await evaluateCleanup({ outDir: resolve(values.out!), pack, seed: Number(values.seed), durationSec: Number(values.duration), fps: Number(values.fps) });
    console.log(`synthetic episode: seed ${values.seed}, ${r.truth.num_frames} frames, ${r.truth.shots.length} shots, swaps ${r.truth.swaps.map((s) => `frame ${s.frame} ${s.from}→${s.to}`).join(', ')}`);
    console.log(formatScores('before cleanup', r.before));
    console.log(formatScores('after cleanup ', r.after));
    const rep = r.report;
    console.log(
      `cleanup_report: tracks ${rep.before.num_tracks} → ${rep.after.num_tracks}; split ${rep.split_tracks_summary.tracks_split} → ${rep.split_tracks_summary.new_tracks_created} new; ` +
        `faces rejected ${rep.reembed_summary.faces_rejected}; mean quality ${rep.reembed_summary.mean_quality_before.toFixed(3)} → ${rep.reembed_summary.mean_quality_after.toFixed(3)}; ` +
        `clusters ${rep.before.num_clusters} → ${rep.after.num_clusters} (merged ${rep.recluster_summary.clusters_merged}); cleanup ${rep.elapsed_sec.toFixed(2)} s`,
    );
    console.log(`total ${((performance.now() - t) / 1000).toFixed(1)} s; workspace ${r.workspace}`);
  } finally {
    await pack.detector.dispose();
    await pack.embedder.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(`eval:cleanup: ${(err as Error).stack ?? err}`);
    process.exit(1);
  });
}
