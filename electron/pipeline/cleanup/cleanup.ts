// Episode cleanup (spec §8, cleanup_report.json): split_tracks → reembed → recluster, in that order,
// over the episode held in memory; then, unless it is a dry run, a backup (backup.ts), the write-back
// through the store writers, a whole-episode validation (a failure restores the backup) and the report.
//
// Human work is untouchable: tracks of locked identities are never split and get no new rejections,
// and re-clustering copies locked identities verbatim (shared/cluster/plan.ts).
//
// Report fields: num_faces counts accepted faces (no rejection_reason) — so before − after equals
// faces_rejected when nothing else changes, as in the spec's example; num_clusters and
// singleton_fraction are identities.json's metadata (0 when there is no identities.json).
// track_metrics.json keeps the tracker's figures (they describe the tracking run) except longest_tracks,
// recomputed as the track stage does (top 5 by frame-span length) so it names no split-away track.
// track_samples.json (pipeline side file) is remapped to the new track ids too, so a pipeline re-run
// that re-harvests stays consistent with the split tracks.jsonl.
import { existsSync } from 'node:fs';
import type { Linkage } from '../../../shared/cluster/agglomerative';
import { cleanupReportSchema, type CleanupReport, type EmbeddingsMeta, type Face, type IdentitiesDoc, type Track } from '../../../shared/schema';
import { defaultPipelineSettings, type PipelineSettings } from '../../../shared/schema/settings';
import type { LoadedPack } from '../../models/types';
import { readJson } from '../../store/json';
import { formatReport, validateEpisode } from '../../store/validate';
import type { Workspace } from '../../store/workspace';
import { checkAborted, type SettingKey, type StageContext } from '../context';
import { resolveClusterThresh } from '../cluster';
import { readIdentities } from '../identities';
import { readEpisodeFaces, readTracks } from '../pool';
import { episodeArtifacts, type EpisodeArtifacts } from '../../store/artifacts';
import { detectMetaSchema, sidePaths, trackSamplesSchema } from '../sidefiles';
import { reembedFaces, STRICT_GATE_MARGIN } from './reembed';
import { applySplitsToIdentities, pool, reclusterEpisode, recount, type ReclusterInput } from './recluster';
import { CUT_BOUND_FRACTION, STEADY_CUT_FRACTION, jumpFrames, splitTracks, type SplitOptions, type SplitResult, type TrackSplit } from './split-tracks';
import { isEmptyConstraints, translateConstraints } from '../../../shared/cluster/reviewer-constraints';
import { readConstraints } from '../../store/constraints';
import { identityChanges, type IdentityChange } from './changes';
import { commitEpisodeEdit, type EpisodeEdit } from './write-back';
import { readSetupLinks } from '../shot-thumbs';
import { CLEANUP_ACTIONS, CLEANUP_STEPS, type CleanupAction } from '../../../shared/schema/cleanup';
import type { StageCounters } from '../../jobs/protocol';

/**
 * Settings a cleanup reads: the clustering ones (when identities.json records none), the run's quality
 * gate (the stricter gate's base), and the pack (its threshold; job.ts loads it on `device`).
 */
export const reads = ['clusterThresh', 'minClusterSize', 'linkage', 'qualityGate', 'packId', 'modelsDir', 'device'] as const satisfies readonly SettingKey[];

export { CLEANUP_ACTIONS, type CleanupAction };

/** Progress in the job runtime's shape (electron/jobs/protocol.ts), its stage one of the cleanup's steps. */
export interface CleanupProgress extends StageCounters {
  stage: (typeof CLEANUP_STEPS)[number];
}

export interface CleanupOptions {
  workspace: Workspace;
  epId: string;
  actions: readonly CleanupAction[];
  /** Compute and report, write nothing (not even a backup). */
  dryRun?: boolean;
  settings?: PipelineSettings;
  /** Needed only to re-embed (model change, or faces.npy rows that disagree with faces.jsonl). */
  pack?: LoadedPack;
  /** Defaults: the clustering threshold of identities.json (or the pack's / settings'). */
  clusterThresh?: number;
  splitCosine?: number;
  outlierCosine?: number;
  /** Default: settings.qualityGate + STRICT_GATE_MARGIN. */
  strictGate?: number;
  signal?: AbortSignal;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  progress?: (p: CleanupProgress) => void;
  /**
   * Last write of the write-back, after validation and before the post-cleanup hashes are sealed (the
   * review app pushes its undo step here, store/review/cleanup-steps.ts); a failure rolls the cleanup back.
   */
  beforeSeal?: (backupDir: string) => Promise<void>;
}

export interface CleanupResult {
  report: CleanupReport;
  dryRun: boolean;
  /** Workspace-relative backup folder (null for a dry run). */
  backup: string | null;
  splits: TrackSplit[];
  /** face_ids newly rejected by reembed, and those re-embedded from their crops. */
  rejectedFaces: string[];
  reembeddedFaces: string[];
  /** The identities document the cleanup wrote (or would write). */
  identities: IdentitiesDoc | null;
  /** Per identity of the current document: what the cleanup changes (only identities it changes). */
  changes: IdentityChange[];
}

const LINKAGES_OK = new Set(['average', 'complete', 'ward']);

function snapshot(tracks: readonly unknown[], faces: readonly Face[], doc: IdentitiesDoc | null) {
  const m = doc ? recount(doc).metadata : null;
  return {
    num_tracks: tracks.length,
    num_faces: faces.filter((f) => !f.rejection_reason).length,
    num_clusters: m?.num_clusters ?? 0,
    singleton_fraction: m?.singleton_fraction ?? 0,
  };
}

export function parseActions(list: string): CleanupAction[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (!names.length) throw new Error(`--actions needs at least one of ${CLEANUP_ACTIONS.join(', ')}`);
  for (const n of names) if (!(CLEANUP_ACTIONS as readonly string[]).includes(n)) throw new Error(`unknown cleanup action "${n}": expected ${CLEANUP_ACTIONS.join(', ')}`);
  // Always run in pipeline order, each at most once.
  return CLEANUP_ACTIONS.filter((a) => names.includes(a));
}

export async function runCleanup(opts: CleanupOptions): Promise<CleanupResult> {
  const started = performance.now();
  const ws = opts.workspace;
  const epId = opts.epId;
  const signal = opts.signal ?? new AbortController().signal;
  const log = opts.log ?? (() => {});
  const progress = opts.progress ?? (() => {});
  const settings = opts.settings ?? defaultPipelineSettings();
  const actions = CLEANUP_ACTIONS.filter((a) => opts.actions.includes(a));
  if (!actions.length) throw new Error('cleanup: no action given');
  const ctx: StageContext = { workspace: ws, epId, paths: ws.paths(epId), settings, pack: opts.pack, progress: () => {}, signal, log };
  for (const need of [ctx.paths.tracks, ctx.paths.faces, ctx.paths.facesNpy]) {
    if (!existsSync(ws.abs(need))) throw new Error(`${ws.abs(need)} not found: run the pipeline for ${epId} before cleanup`);
  }

  progress({ stage: 'read', done: 0, total: 1 });
  const { tracks0, faces0, rows0, dim0, art, meta, previous, constraints0, videoSize, before } = await readCleanupInputs(ctx);
  const { clusterThresh, linkage, minClusterSize } = clusterParams(opts, ctx, actions, meta, previous);
  const lockedTracks = new Set((previous?.identities ?? []).filter((i) => i.locked).flatMap((i) => i.track_ids));
  const now = new Date().toISOString();

  let tracks = tracks0, faces = faces0, rows = rows0, dim = dim0;
  let modelId = meta?.model_id ?? opts.pack?.embedder.modelId ?? 'unknown';
  let splits: TrackSplit[] = [];
  const splitSummary = { tracks_split: 0, new_tracks_created: 0 };
  let reembedSummary = { faces_rejected: 0, mean_quality_before: 0, mean_quality_after: 0 };
  let rejectedFaces: string[] = [];
  let reembeddedFaces: string[] = [];

  if (actions.includes('split_tracks')) {
    // Where the tracker's jumps are known, the same cut as the harvest's (split-tracks.ts).
    const jumps = await trackerJumps(ctx, faces);
    const splitCosine = opts.splitCosine ?? (jumps ? CUT_BOUND_FRACTION * clusterThresh : clusterThresh);
    const tracker = jumps ? { candidates: jumps, steadyCosine: STEADY_CUT_FRACTION * clusterThresh } : {};
    const r = splitStep(ctx, tracks, faces, rows, dim, { splitCosine, protectedTracks: lockedTracks, ...tracker }, progress);
    ({ tracks, faces, splits } = r);
    Object.assign(splitSummary, r.summary);
  }
  if (actions.includes('reembed')) {
    const strictGate = opts.strictGate ?? Math.min(1, settings.qualityGate + STRICT_GATE_MARGIN);
    const r = await reembedStep(ctx, faces, rows, dim, tracks, { strictGate, outlierCosine: opts.outlierCosine ?? clusterThresh, lockedTracks, modelId, videoSize }, progress);
    ({ faces, rows, dim, modelId } = r);
    reembedSummary = r.summary;
    reembeddedFaces = r.reembedded;
    rejectedFaces = r.rejected;
  } else {
    reembedSummary = unchangedQuality(faces);
  }

  // The reviewer's facts follow split tracks: both halves keep every fact of their parent.
  const into = new Map(splits.map((s) => [s.from, s.into]));
  const constraints = translateConstraints(constraints0, (t) => into.get(t));
  let identities = previous;
  let needThumbs: Map<string, string[]> | null = null;
  let clustersMerged = 0;
  let pooled = null as ReturnType<typeof pool> | null;
  if (actions.includes('recluster')) {
    const r = await reclusterStep(ctx, { epId, tracks, faces, rows, dim, previous, clusterThresh, minClusterSize, linkage, modelId, now, constraints }, splits, progress);
    identities = r.plan.doc;
    needThumbs = r.plan.needThumbs;
    clustersMerged = r.summary.clusters_merged;
    pooled = r.pooled;
  } else if (previous && splits.length) {
    identities = applySplitsToIdentities(previous, into, now);
  }

  const report = cleanupReport(epId, actions, before, snapshot(tracks, faces, identities), splitSummary, reembedSummary, clustersMerged, started, now);
  const changes = previous && identities ? identityChanges(previous, identities, into) : [];
  const result: CleanupResult = { report, dryRun: !!opts.dryRun, backup: null, splits, rejectedFaces, reembeddedFaces, identities, changes };
  if (opts.dryRun) return result;

  const edit = { actions, faces0, tracks, faces, rows, dim, modelId, splits, facesChanged: actions.includes('reembed') || splits.length > 0, pooled, previous, identities, needThumbs };
  result.backup = await commitCleanup(ctx, edit, isEmptyConstraints(constraints0) ? null : constraints, report, art, started, opts.beforeSeal, progress);
  return result;
}

/** The reembed summary when reembed does not run: nothing rejected, the accepted faces' mean quality on both sides. */
function unchangedQuality(faces: readonly Face[]): CleanupReport['reembed_summary'] {
  const q = faces.filter((f) => !f.rejection_reason);
  const mean = q.length ? q.reduce((s, f) => s + f.quality_score, 0) / q.length : 0;
  return { faces_rejected: 0, mean_quality_before: mean, mean_quality_after: mean };
}

function cleanupReport(
  epId: string,
  actions: readonly CleanupAction[],
  before: CleanupReport['before'],
  after: CleanupReport['after'],
  splitSummary: CleanupReport['split_tracks_summary'],
  reembedSummary: CleanupReport['reembed_summary'],
  clustersMerged: number,
  started: number,
  now: string,
): CleanupReport {
  return cleanupReportSchema.parse({
    ep_id: epId,
    actions_run: actions,
    before,
    after,
    split_tracks_summary: splitSummary,
    reembed_summary: reembedSummary,
    recluster_summary: { clusters_merged: clustersMerged },
    elapsed_sec: (performance.now() - started) / 1000,
    created_at: now,
  });
}

/** What a cleanup starts from: the validated episode as read, and its figures before. */
async function readCleanupInputs(ctx: StageContext) {
  const ws = ctx.workspace, epId = ctx.epId;
  // A cleanup is judged by the validation after it, so it starts from a valid episode.
  const pre = await validateEpisode(ws, epId);
  if (!pre.ok) throw new Error(`${epId} does not validate, so it is not cleaned up; fix it (or re-run the pipeline) first:\n${formatReport(pre)}`);
  const tracks0 = await readTracks(ctx);
  const { faces: faces0, rows: rows0, dim: dim0 } = await readEpisodeFaces(ctx);
  const art = episodeArtifacts(ws, epId);
  const meta = (await art.exists('embeddingsMeta')) ? await art.readEmbeddingsMeta() : null;
  const previous = await readIdentities(ctx);
  const constraints0 = await readConstraints(ws, epId);
  const detectMetaPath = ws.abs(sidePaths(epId).detectMeta);
  const videoSize = existsSync(detectMetaPath) ? (await readJson(detectMetaPath, detectMetaSchema)).video : null;
  const before = snapshot(tracks0, faces0, previous);
  return { tracks0, faces0, rows0, dim0, art, meta, previous, constraints0, videoSize, before };
}

/** The tracker's jumps by the track each jump's face is in now; undefined for episodes tracked before the track stage recorded them. */
async function trackerJumps(ctx: StageContext, faces: readonly Face[]): Promise<Map<string, number[]> | undefined> {
  const path = ctx.workspace.abs(sidePaths(ctx.epId).trackSamples);
  if (!existsSync(path)) return undefined;
  const doc = await readJson(path, trackSamplesSchema);
  return doc.tracks ? jumpFrames(doc.samples, faces) : undefined;
}

/** Clustering threshold, linkage and minimum cluster size: the options', else identities.json's, else the settings'. */
function clusterParams(opts: CleanupOptions, ctx: StageContext, actions: readonly CleanupAction[], meta: EmbeddingsMeta | null, previous: IdentitiesDoc | null) {
  const prevMeta = previous?.metadata;
  // Re-embedding with another pack changes the cosine scale: the old threshold no longer applies.
  const packChanged = Boolean(opts.pack && meta && actions.includes('reembed') && (opts.pack.embedder.modelId !== meta.model_id || opts.pack.embedder.dim !== meta.embedding_dim));
  const clusterThresh = opts.clusterThresh ?? (packChanged ? undefined : prevMeta?.cluster_thresh) ?? resolveClusterThresh(ctx);
  const linkage = (prevMeta && LINKAGES_OK.has(prevMeta.linkage) ? prevMeta.linkage : ctx.settings.linkage) as Linkage;
  const minClusterSize = prevMeta?.min_cluster_size ?? ctx.settings.minClusterSize;
  return { clusterThresh, linkage, minClusterSize };
}

type Progress = (p: CleanupProgress) => void;

function splitStep(ctx: StageContext, tracks: Track[], faces: Face[], rows: Float32Array, dim: number, o: SplitOptions, progress: Progress): SplitResult {
  checkAborted(ctx.signal);
  progress({ stage: 'split_tracks', done: 0, total: tracks.length });
  const r = splitTracks(tracks, faces, rows, dim, o);
  for (const s of r.splits) ctx.log('info', `split_tracks: ${s.from} → ${s.into.join(' + ')} at frame ${s.cutFrames.join(', ')} (cosine ${s.cosines.map((c) => c.toFixed(2)).join(', ')})`);
  progress({ stage: 'split_tracks', done: tracks.length, total: tracks.length });
  return r;
}

interface ReembedStepOptions {
  strictGate: number;
  outlierCosine: number;
  lockedTracks: ReadonlySet<string>;
  modelId: string;
  videoSize: { width: number; height: number } | null;
}

/** reembedFaces, plus the face_ids it newly rejected (accepted before, rejected after). */
async function reembedStep(ctx: StageContext, faces: Face[], rows: Float32Array, dim: number, tracks: Track[], o: ReembedStepOptions, progress: Progress) {
  checkAborted(ctx.signal);
  progress({ stage: 'reembed', done: 0, total: faces.length });
  const acceptedBefore = new Set(faces.filter((f) => !f.rejection_reason).map((f) => f.face_id));
  const r = await reembedFaces(faces, rows, dim, tracks, {
    strictGate: o.strictGate,
    outlierCosine: o.outlierCosine,
    protectedTracks: o.lockedTracks,
    modelId: o.modelId,
    pack: ctx.pack,
    workspace: ctx.workspace,
    epId: ctx.epId,
    videoSize: o.videoSize,
    signal: ctx.signal,
    log: (m) => ctx.log('warn', m),
    progress: (done, total) => progress({ stage: 'reembed', done, total }),
  });
  const rejected = r.faces.filter((f) => acceptedBefore.has(f.face_id) && f.rejection_reason).map((f) => f.face_id);
  ctx.log('info', `reembed: ${r.summary.faces_rejected} face(s) rejected, ${r.reembedded.length} re-embedded from crops`);
  return { ...r, rejected };
}

async function reclusterStep(ctx: StageContext, input: Omit<ReclusterInput, 'parentOf'>, splits: readonly TrackSplit[], progress: Progress) {
  checkAborted(ctx.signal);
  progress({ stage: 'recluster', done: 0, total: input.tracks.length });
  const parentOf = new Map(splits.flatMap((s) => s.into.map((t) => [t, s.from] as const)));
  const setupLinks = ctx.settings.sameSetupLinks ? await readSetupLinks(ctx, input.tracks, input.faces) : [];
  const r = await reclusterEpisode({ ...input, parentOf, setupLinks });
  for (const w of r.plan.warnings) ctx.log('warn', `recluster: ${w}`);
  progress({ stage: 'recluster', done: input.tracks.length, total: input.tracks.length });
  return r;
}

/** Backup, write-back and validation (write-back.ts), cleanup_report.json its last write; returns the backup folder. */
async function commitCleanup(
  ctx: StageContext,
  edit: Omit<EpisodeEdit, 'what' | 'constraints' | 'progress' | 'beforeValidate' | 'beforeSeal'>,
  constraints: EpisodeEdit['constraints'],
  report: CleanupReport,
  art: EpisodeArtifacts,
  started: number,
  beforeSeal: CleanupOptions['beforeSeal'],
  progress: Progress,
): Promise<string> {
  checkAborted(ctx.signal);
  const committed = await commitEpisodeEdit(ctx, {
    what: 'cleanup',
    ...edit,
    constraints,
    progress: (step) => progress({ stage: step, done: 0, total: 1 }),
    beforeValidate: async () => {
      // elapsed_sec covers the write-back too.
      report.elapsed_sec = (performance.now() - started) / 1000;
      await art.writeCleanupReport(report);
    },
    beforeSeal,
  });
  progress({ stage: 'validate', done: 1, total: 1 });
  ctx.log('info', `cleanup: ${edit.actions.join(', ')} done; backup in ${committed.dir}`);
  return committed.dir;
}
