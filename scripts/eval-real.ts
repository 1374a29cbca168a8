// `npm run eval:real [-- --pack id --models-dir dir --clip name[,name] --analyze-fps f --static-motion m --quality-gate q --reuse <workspace>
//   --out dir --json file --no-cleanup]` (outputs: .cache/eval-real/<pack or "reuse">/)
// Runs the pipeline on the real sitcom clips (../shared/eval/videos) and scores it against the labeled
// boxes of eval/labels/<clip>.json (scripts/eval-real/): identities vs people, impure identities,
// mixed tracks, track-level WCP, B-cubed P/R/F, people split across identities and detection recall —
// before and after `cleanup` (the default actions, on a copy of the episode) — and what a reviewer
// answering the "Same person?" questions by the labels makes of the pipeline's identities
// (scripts/eval-real/review-sim.ts). Prints markdown tables and writes the figures as JSON. --reuse scores the episodes already in a workspace
// (as written by an earlier run of this script or `screenalytics run --ep <clip ep id>`) without
// running the pipeline. Outputs go under .cache/ (never committed).
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { EVAL_DIR } from '../electron/models/eval-pack';
import { REPO_ROOT } from '../electron/models/pack';
import { readJson, writeJson } from '../electron/store/json';
import { Workspace } from '../electron/store/workspace';
import { runPipeline } from '../electron/pipeline/orchestrator';
import { runCleanup } from '../electron/pipeline/cleanup/cleanup';
import { episodePaths } from '../shared/layout';
import type { PipelineSettingsInput } from '../shared/schema/settings';
import { labelsDocSchema } from './eval-real/labels';
import { evaluateEpisode, type EpisodeEvaluation } from './eval-real/evaluate';
import { formatTable } from './eval-real/report';
import { loadScoredEpisode } from './eval-real/recluster';
import { simulateQuestions, type ReviewSimulation } from './eval-real/review-sim';
import { episodeArtifacts } from '../electron/store/artifacts';
import { DEFAULT_CLEANUP_ACTIONS } from '../shared/schema/cleanup';

export const CLIPS = ['sitcom_friends_group', 'tv_dinner_scene'] as const;
/** The episode id a clip is analysed under (ep ids allow no underscores). */
export const clipEpId = (clip: string) => `${clip.replace(/[^a-z0-9]/g, '')}-s01e01`;

export interface ClipResult {
  clip: string;
  epId: string;
  workspace: string;
  people: string[];
  before: EpisodeEvaluation;
  after: EpisodeEvaluation | null;
  /** The pipeline's identities as a reviewer answering the "Same person?" questions changes them. */
  questions: ReviewSimulation;
  pipelineSec: number | null;
}

/** Questions a simulated reviewer answers at most per clip. */
const MAX_QUESTIONS = 60;

/** Copies one episode's files (manifests, embeddings, crops, thumbnails) to another workspace root. */
function copyEpisode(fromDir: string, toDir: string, epId: string): void {
  rmSync(toDir, { recursive: true, force: true });
  const p = episodePaths(epId);
  for (const rel of [p.manifestsDir, p.embedsDir, p.cropsDir, p.trackThumbsDir, p.identityThumbsDir]) {
    if (existsSync(join(fromDir, rel))) cpSync(join(fromDir, rel), join(toDir, rel), { recursive: true });
  }
}

async function evalClip(clip: string, opts: { wsDir: string; outDir: string; reuse: boolean; settings: PipelineSettingsInput; cleanup: boolean }): Promise<ClipResult> {
  const labelsPath = join(REPO_ROOT, 'eval/labels', `${clip}.json`);
  const doc = await readJson(labelsPath, labelsDocSchema);
  const epId = clipEpId(clip);
  let pipelineSec: number | null = null;
  if (!opts.reuse) {
    const t = performance.now();
    const r = await runPipeline({
      videoPath: join(EVAL_DIR, 'videos', doc.clip),
      workspace: opts.wsDir,
      epId,
      settings: opts.settings,
      force: true,
      onLog: (level, m) => level !== 'info' && console.error(`  [${level}] ${m}`),
    });
    pipelineSec = (performance.now() - t) / 1000;
    console.error(`${clip}: pipeline ${r.stages.map((s) => `${s.stage} ${s.elapsedSec.toFixed(1)} s`).join(', ')}`);
  }
  const ws = new Workspace(opts.wsDir);
  const before = await evaluateEpisode(ws, epId, doc);
  const art = episodeArtifacts(ws, epId);
  const [identities, te, scored] = await Promise.all([art.readIdentities(), art.readTrackEmbeddings(), loadScoredEpisode(ws, epId, before.trackLabels)]);
  const questions = simulateQuestions(scored, identities, { vectors: te.matrix.data, dim: te.meta.embedding_dim, trackOrder: te.trackOrder }, MAX_QUESTIONS);
  let after: EpisodeEvaluation | null = null;
  if (opts.cleanup) {
    // Cleanup rewrites the episode: run it on a copy so the pipeline's output stays as it was.
    const copyDir = join(opts.outDir, `cleanup-${epId}`);
    copyEpisode(opts.wsDir, copyDir, epId);
    const copy = new Workspace(copyDir);
    const r = await runCleanup({ workspace: copy, epId, actions: DEFAULT_CLEANUP_ACTIONS });
    console.error(`${clip}: cleanup split ${r.splits.length} track(s), rejected ${r.rejectedFaces.length} face(s); clusters ${r.report.before.num_clusters} → ${r.report.after.num_clusters}`);
    after = await evaluateEpisode(copy, epId, doc, { preWs: ws, splits: r.splits });
  }
  return { clip, epId, workspace: opts.wsDir, people: doc.people, before, after, questions, pipelineSec };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pack: { type: 'string', default: 'default' },
      'models-dir': { type: 'string' },
      clip: { type: 'string' },
      'analyze-fps': { type: 'string' },
      'static-motion': { type: 'string' },
      'quality-gate': { type: 'string' },
      reuse: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      'no-cleanup': { type: 'boolean', default: false },
    },
  });
  const hasLabels = (c: string) => existsSync(join(REPO_ROOT, 'eval/labels', `${c}.json`));
  const clips = values.clip ? values.clip.split(',').map((c) => basename(c.trim(), '.mp4')).filter(Boolean) : CLIPS.filter(hasLabels);
  for (const c of clips) if (!hasLabels(c)) throw new Error(`--clip ${c}: no labels at eval/labels/${c}.json`);
  const fps = values['analyze-fps'] === undefined ? undefined : Number(values['analyze-fps']);
  if (fps !== undefined && !(fps >= 0)) throw new Error(`--analyze-fps: expected a number ≥ 0, got ${values['analyze-fps']}`);
  const motion = values['static-motion'] === undefined ? undefined : Number(values['static-motion']);
  if (motion !== undefined && !(motion >= 0)) throw new Error(`--static-motion: expected a number ≥ 0, got ${values['static-motion']}`);
  const gate = values['quality-gate'] === undefined ? undefined : Number(values['quality-gate']);
  if (gate !== undefined && !(gate >= 0 && gate <= 1)) throw new Error(`--quality-gate: expected a number in [0, 1], got ${values['quality-gate']}`);
  const out = resolve(values.out ?? join('.cache/eval-real', values.reuse ? 'reuse' : values.pack!));
  const wsDir = values.reuse ? resolve(values.reuse) : join(out, 'workspace');
  if (!values.reuse) mkdirSync(wsDir, { recursive: true });
  const settings: PipelineSettingsInput = {
    packId: values.pack!,
    ...(values['models-dir'] ? { modelsDir: resolve(values['models-dir']) } : {}),
    ...(fps !== undefined ? { analyzeFps: fps } : {}),
    ...(motion !== undefined ? { staticShotMotion: motion } : {}),
    ...(gate !== undefined ? { qualityGate: gate } : {}),
  };
  const results: ClipResult[] = [];
  for (const clip of clips) results.push(await evalClip(clip, { wsDir, outDir: out, reuse: Boolean(values.reuse), settings, cleanup: !values['no-cleanup'] }));
  const title = values.reuse ? `workspace ${wsDir}` : `pack ${values.pack}${values['models-dir'] ? ` (${values['models-dir']})` : ''}, analyze-fps ${fps ?? 'default'}, static-motion ${motion ?? 'default'}, quality-gate ${gate ?? 'default'}`;
  console.log(formatTable(title, results));
  const jsonPath = resolve(values.json ?? join(out, 'eval-real.json'));
  mkdirSync(resolve(jsonPath, '..'), { recursive: true });
  // The report is this script's own output: written atomically as built, no schema to check.
  await writeJson(jsonPath, { title, results }, z.unknown());
  console.log(`\nJSON: ${jsonPath}`);
}

main().catch((err) => {
  console.error(`eval:real: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
