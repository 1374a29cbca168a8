// Runs one episode through every stage in order: detect (decode + scene cuts + detection, streamed),
// track, harvest, then pool and cluster. Emits {stage, done, total, rate, eta} progress, stops on an
// AbortSignal between units of work (every artifact write is atomic, so a cancel never tears a file),
// and resumes: a stage whose fingerprint (settings it reads + hashes of its inputs, see sidefiles.ts)
// matches run_state.json and whose outputs exist and validate is skipped. Serves the CLI, the app's
// worker and the tests alike.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { episodePaths } from '../../shared/layout';
import { pipelineSettingsSchema, type PipelineSettings, type PipelineSettingsInput } from '../../shared/schema/settings';
import { readJson, writeJson } from '../store/json';
import { validateEpisode, type EpisodeReport } from '../store/validate';
import { writtenBy, type ArtifactKind } from '../store/registry';
import { Workspace } from '../store/workspace';
import { loadPack } from '../models/pack';
import type { LoadedPack } from '../models/types';
import { checkAborted, type Logger, type SettingKey, type StageContext, type StageName, type StageProgress } from './context';
import { describeFfmpeg } from './ffmpeg';
import { probeVideo } from './decode';
import { detectEpisode, reads as detectReads } from './detect';
import { trackEpisode, reads as trackReads } from './track';
import { harvestEpisode, reads as harvestReads } from './harvest';
import { poolEpisode, reads as poolReads } from './pool';
import { clusterEpisode, reads as clusterReads } from './cluster';
import { EARLY_CROPS, type EarlyFaces } from './early-harvest';
import { detectMetaSchema, runStateSchema, sidePaths, trackSamplesSchema, type RunState } from './sidefiles';
import { settlePendingReviewEdits } from '../store/review';

export interface RunOptions {
  videoPath: string;
  workspace: string;
  epId: string;
  settings?: PipelineSettingsInput;
  /** Stage counters; the job runtime adds rate and ETA (electron/jobs/progress.ts). */
  onProgress?: (p: StageProgress) => void;
  onLog?: Logger;
  signal?: AbortSignal;
  /** Re-run every stage even when run_state.json says it is up to date. */
  force?: boolean;
  /** false: the harvest decodes its frames itself instead of taking the faces the detection pass harvested (tests compare the two). */
  singlePass?: boolean;
  /** Injected pack loader (tests and benches); default loads settings.packId via models/pack. */
  loadPack?: (settings: PipelineSettings) => Promise<LoadedPack>;
}

export interface StageOutcome {
  stage: StageName;
  status: 'ran' | 'skipped';
  elapsedSec: number;
}

export interface RunResult {
  epId: string;
  stages: StageOutcome[];
  device: string | null;
  ffmpeg: string;
  elapsedSec: number;
  report: EpisodeReport;
}

interface StageDef {
  name: StageName;
  /** Settings this stage's output depends on: the stage file's `reads`. */
  settings: readonly SettingKey[];
  /** Workspace-relative inputs, plus the video (key "video"). */
  inputs: string[];
  usesVideo: boolean;
  /** Spec artifacts it writes (validated by validateEpisode) and side files (validated by zod here). */
  artifacts: ArtifactKind[];
  sideFiles: Array<{ path: string; check: (abs: string) => Promise<unknown> }>;
  needsPack: boolean;
  run: (ctx: StageContext) => Promise<unknown>;
}

/** Video fingerprint: size + mtime + sha256 of the first and last MiB (hashing a 2 GB episode in full on every run would cost more than a stage). */
async function hashVideo(path: string): Promise<string> {
  const st = await stat(path);
  const fh = await open(path, 'r');
  try {
    const n = Math.min(st.size, 1 << 20);
    const head = Buffer.alloc(n);
    const tail = Buffer.alloc(n);
    await fh.read(head, 0, n, 0);
    await fh.read(tail, 0, n, Math.max(0, st.size - n));
    return createHash('sha256').update(`${st.size}:${st.mtimeMs}:`).update(head).update(tail).digest('hex');
  } finally {
    await fh.close();
  }
}

async function hashFile(path: string): Promise<string> {
  if (!existsSync(path)) return 'missing';
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

/**
 * The stages in order. A detection pass that runs hands the faces it harvested on the way to this
 * run's harvest (early-harvest.ts), which then decodes only what is missing; frame exports take the
 * harvest's own decoding pass.
 */
function stageDefs(epId: string, settings: PipelineSettings, videoPath: string, singlePass: boolean): StageDef[] {
  const p = episodePaths(epId);
  const side = sidePaths(epId);
  let early: EarlyFaces | undefined;
  return [
    {
      name: 'detect',
      settings: detectReads,
      inputs: [],
      usesVideo: true,
      artifacts: writtenBy('detect'),
      sideFiles: [{ path: side.detectMeta, check: (a) => readJson(a, detectMetaSchema) }],
      needsPack: true,
      run: async (ctx) => {
        ({ early } = await detectEpisode(ctx, videoPath, { harvestEarly: singlePass && !settings.saveFrames }));
      },
    },
    {
      name: 'track',
      settings: trackReads,
      inputs: [p.detections, side.detectMeta],
      usesVideo: false,
      artifacts: writtenBy('track'),
      sideFiles: [{ path: side.trackSamples, check: (a) => readJson(a, trackSamplesSchema) }],
      needsPack: false,
      run: (ctx) => trackEpisode(ctx),
    },
    {
      name: 'harvest',
      settings: harvestReads,
      // The tracker's tracks come in track_samples.json: tracks.jsonl is the harvest's own output (it cuts tracks).
      inputs: [side.trackSamples, side.detectMeta],
      usesVideo: true,
      artifacts: writtenBy('harvest'),
      sideFiles: [],
      needsPack: true,
      run: async (ctx) => {
        await harvestEpisode(ctx, videoPath, early);
        early = undefined;
      },
    },
    {
      name: 'pool',
      settings: poolReads,
      inputs: [p.faces, p.facesNpy, p.tracks],
      usesVideo: false,
      artifacts: writtenBy('pool'),
      sideFiles: [],
      needsPack: false,
      run: (ctx) => poolEpisode(ctx),
    },
    {
      name: 'cluster',
      settings: clusterReads,
      inputs: [p.trackEmbeddingsNpy, p.embeddingsMeta, p.tracks, p.faces],
      usesVideo: false,
      artifacts: writtenBy('cluster'),
      sideFiles: [],
      needsPack: false,
      run: (ctx) =>
        clusterEpisode(ctx, { clusterThresh: settings.clusterThresh, minClusterSize: settings.minClusterSize, linkage: settings.linkage }),
    },
  ];
}

/** Runs the pipeline with settings as given (parsed here: scripts, tests and benches call this). */
export function runPipeline(opts: RunOptions): Promise<RunResult> {
  return runParsedPipeline({ ...opts, settings: pipelineSettingsSchema.parse(opts.settings ?? {}) });
}

/** Runs the pipeline with settings already parsed at the edge (the job runtime's hosts). */
export async function runParsedPipeline(opts: Omit<RunOptions, 'settings'> & { settings: PipelineSettings }): Promise<RunResult> {
  const started = performance.now();
  const settings = opts.settings;
  const ws = new Workspace(opts.workspace);
  const paths = episodePaths(opts.epId);
  const side = sidePaths(opts.epId);
  const signal = opts.signal ?? new AbortController().signal;
  const log: Logger = opts.onLog ?? (() => {});
  if (!existsSync(opts.videoPath)) throw new Error(`video not found: ${opts.videoPath}`);
  const ffmpeg = describeFfmpeg();
  log('info', ffmpeg);
  // Fail fast on audio-only or unreadable input, before loading models or touching any artifact.
  await probeVideo(opts.videoPath);
  // Review edits journaled but not yet in identities.json (app crashed mid-save) go in before any stage reads it.
  const settled = await settlePendingReviewEdits(ws, opts.epId);
  if (settled) log('info', `replayed ${settled} journaled review edit(s) into identities.json before the run`);

  const runStatePath = ws.abs(side.runState);
  const state = await readRunState(runStatePath, side.runState, opts.epId, log);
  const videoHash = await hashVideo(opts.videoPath);
  const defs = stageDefs(opts.epId, settings, opts.videoPath, opts.singlePass ?? true);
  let pack: LoadedPack | undefined;
  const ensurePack = async () => (pack ??= await loadPackLogged(opts.loadPack, settings, log));
  const ctx: StageContext = {
    workspace: ws,
    epId: opts.epId,
    paths,
    settings,
    progress: opts.onProgress ?? (() => {}),
    signal,
    log,
  };

  const outcomes: StageOutcome[] = [];
  // One whole-episode validation serves the skip checks until a stage writes something.
  let report: EpisodeReport | null = null;
  const validated = async () => (report ??= await validateEpisode(ws, opts.epId));
  try {
    for (const def of defs) {
      checkAborted(signal);
      const { inputs, stageSettings, fingerprint } = await stageFingerprint(ws, def, settings, videoHash);
      const prev = state.stages[def.name];
      if (!opts.force && prev?.fingerprint === fingerprint && (await outputsValid(ws, def, validated))) {
        log('info', `${def.name}: up to date, skipped`);
        outcomes.push({ stage: def.name, status: 'skipped', elapsedSec: 0 });
        continue;
      }
      if (def.needsPack) ctx.pack = await ensurePack();
      const t = performance.now();
      // The stage's record is dropped before it runs: a cancel or crash mid-stage leaves no claim that
      // its (possibly older) outputs match these settings.
      if (state.stages[def.name]) {
        delete state.stages[def.name];
        await writeJson(runStatePath, state, runStateSchema);
      }
      report = null;
      await def.run(ctx);
      checkAborted(signal);
      const elapsedSec = (performance.now() - t) / 1000;
      state.stages[def.name] = { fingerprint, settings: stageSettings, inputs, finished_at: new Date().toISOString(), elapsed_sec: elapsedSec };
      await writeJson(runStatePath, state, runStateSchema);
      outcomes.push({ stage: def.name, status: 'ran', elapsedSec });
    }
  } finally {
    // Crops the detection pass staged and no harvest took (skipped, cancelled or failed).
    await rm(ws.abs(join(paths.cropsDir, EARLY_CROPS)), { recursive: true, force: true });
    const p = pack as LoadedPack | undefined;
    if (p && !opts.loadPack) await Promise.allSettled([p.detector.dispose(), p.embedder.dispose()]);
  }
  return {
    epId: opts.epId,
    stages: outcomes,
    device: (pack as LoadedPack | undefined)?.device ?? null,
    ffmpeg,
    elapsedSec: (performance.now() - started) / 1000,
    report: await validateEpisode(ws, opts.epId),
  };
}

/** run_state.json, or an empty state when it is absent or unreadable (then every stage runs). */
async function readRunState(runStatePath: string, rel: string, epId: string, log: Logger): Promise<RunState> {
  if (!existsSync(runStatePath)) return { ep_id: epId, stages: {} };
  try {
    return await readJson(runStatePath, runStateSchema);
  } catch (err) {
    log('warn', `ignoring unreadable ${rel} (${(err as Error).message}); every stage will run`);
    return { ep_id: epId, stages: {} };
  }
}

/** A stage's inputs (hashed), the settings it reads, and the fingerprint of both that run_state.json records. */
async function stageFingerprint(ws: Workspace, def: StageDef, settings: PipelineSettings, videoHash: string) {
  const inputs: Record<string, string> = {};
  if (def.usesVideo) inputs.video = videoHash;
  for (const rel of def.inputs) inputs[rel] = await hashFile(ws.abs(rel));
  const stageSettings = Object.fromEntries(def.settings.map((k) => [k, settings[k] ?? null]));
  const fingerprint = createHash('sha256').update(JSON.stringify([def.name, stageSettings, inputs])).digest('hex');
  return { inputs, stageSettings, fingerprint };
}

/** Loads the model pack (injected loader or models/pack) and logs the device it runs on. */
async function loadPackLogged(inject: RunOptions['loadPack'], settings: PipelineSettings, log: Logger): Promise<LoadedPack> {
  const pack = inject
    ? await inject(settings)
    : await loadPack({ packId: settings.packId, device: settings.device, userModelDir: settings.modelsDir });
  log('info', `device: ${pack.device} (pack ${pack.id})${pack.deviceWarning ? ` — ${pack.deviceWarning}` : ''}`);
  return pack;
}

async function outputsValid(ws: Workspace, def: StageDef, validated: () => Promise<EpisodeReport>): Promise<boolean> {
  for (const f of def.sideFiles) {
    try {
      await f.check(ws.abs(f.path));
    } catch {
      return false;
    }
  }
  if (!def.artifacts.length) return true;
  const report = await validated();
  return def.artifacts.every((k) => report.artifacts.find((a) => a.kind === k)?.status === 'ok');
}
