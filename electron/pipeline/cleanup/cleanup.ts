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
import { readFile, rm } from 'node:fs/promises';
import { cropRef } from '../../../shared/episode';
import type { Linkage } from '../../../shared/cluster/agglomerative';
import { POOLING_RULE } from '../../../shared/cluster/pooling';
import { cleanupReportSchema, type CleanupReport, type Face, type IdentitiesDoc, type Track } from '../../../shared/schema';
import { defaultPipelineSettings, type PipelineSettings } from '../../../shared/schema/settings';
import type { LoadedPack } from '../../models/types';
import { writeFileAtomic } from '../../store/atomic';
import { readJson, writeJson } from '../../store/json';
import { formatReport, validateEpisode } from '../../store/validate';
import type { Workspace } from '../../store/workspace';
import { checkAborted, type StageContext } from '../context';
import { resolveClusterThresh } from '../cluster';
import { readIdentities, writeIdentityThumbs } from '../identities';
import { readEpisodeFaces, readTracks } from '../pool';
import { episodeArtifacts } from '../../store/artifacts';
import { detectMetaSchema, sidePaths, trackSamplesSchema } from '../sidefiles';
import { createBackup, recordAfter, undoLastCleanup } from './backup';
import { reembedFaces, STRICT_GATE_MARGIN } from './reembed';
import { applySplitsToIdentities, pool, reclusterEpisode, recount } from './recluster';
import { splitTracks, type TrackSplit } from './split-tracks';
import { isEmptyConstraints, translateConstraints } from '../../../shared/cluster/reviewer-constraints';
import { readConstraints, writeConstraints } from '../../store/constraints';
import { identityChanges, type IdentityChange } from './changes';

export const CLEANUP_ACTIONS = ['split_tracks', 'reembed', 'recluster'] as const;
export type CleanupAction = (typeof CLEANUP_ACTIONS)[number];

export interface CleanupProgress {
  step: CleanupAction | 'read' | 'backup' | 'write' | 'validate';
  done: number;
  total: number;
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
   * review app pushes its undo entry here, undo-step.ts); a failure rolls the cleanup back.
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

/**
 * Crops live at cropRef(track_id, frame) (harvest writes them there, the track stage predicts those
 * sample_thumbs, a re-harvest prunes everything else), so a split moves its crops to the new tracks'
 * folders: the references are rewritten here, the files copied during the write-back and the old
 * folders removed at its end. References not in that layout are left as they are.
 */
function relocateCrops(faces: readonly Face[], tracks: readonly Track[], splits: readonly TrackSplit[]) {
  const parentOf = new Map(splits.flatMap((s) => s.into.map((t) => [t, s.from] as const)));
  const copies = new Map<string, string>();
  const move = (ref: string, parent: string, child: string) => {
    const m = /^crops\/[^/]+\/frame_(\d+)\.jpg$/.exec(ref);
    if (!m || ref !== cropRef(parent, Number(m[1]))) return ref;
    const next = cropRef(child, Number(m[1]));
    copies.set(next, ref);
    return next;
  };
  const outFaces = faces.map((f) => {
    const parent = parentOf.get(f.track_id);
    return parent && f.crop_path ? { ...f, crop_path: move(f.crop_path, parent, f.track_id) } : f;
  });
  const outTracks = tracks.map((t) => {
    const parent = parentOf.get(t.track_id);
    return parent ? { ...t, sample_thumbs: t.sample_thumbs.map((r) => move(r, parent, t.track_id)) } : t;
  });
  return { faces: outFaces, tracks: outTracks, copies: [...copies].map(([to, from]) => ({ from, to })) };
}

/**
 * track_samples.json (the track stage's list of faces for harvest) follows the split, so a later
 * pipeline re-run that re-harvests (tracks.jsonl changed) produces faces for the new track ids. Each
 * sample goes where its face went; a sample without a face row goes to the new track whose span holds it.
 */
async function remapTrackSamples(
  ws: Workspace,
  epId: string,
  before: readonly Face[],
  after: readonly Face[],
  tracks: readonly { track_id: string; frame_span: [number, number] }[],
  splits: readonly TrackSplit[],
  longest: { track_id: string; length: number }[],
): Promise<void> {
  const path = ws.abs(sidePaths(epId).trackSamples);
  if (!existsSync(path)) return;
  const doc = await readJson(path, trackSamplesSchema);
  const moved = new Map<string, string>();
  before.forEach((f, i) => moved.set(`${f.track_id}@${f.frame_idx}`, after[i].track_id));
  const into = new Map(splits.map((s) => [s.from, s.into]));
  const span = new Map(tracks.map((t) => [t.track_id, t.frame_span]));
  const samples = doc.samples.map((smp) => {
    const parts = into.get(smp.track_id);
    if (!parts) return smp;
    const byFace = moved.get(`${smp.track_id}@${smp.frame_idx}`);
    const bySpan = parts.find((t) => smp.frame_idx >= span.get(t)![0] && smp.frame_idx <= span.get(t)![1]) ?? parts.at(-1)!;
    return { ...smp, track_id: byFace ?? bySpan };
  });
  await writeJson(path, { ...doc, samples, metrics: { ...doc.metrics, longest_tracks: longest } }, trackSamplesSchema);
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

  progress({ step: 'read', done: 0, total: 1 });
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

  const prevMeta = previous?.metadata;
  const clusterThresh = opts.clusterThresh ?? prevMeta?.cluster_thresh ?? resolveClusterThresh(ctx);
  const linkage = (prevMeta && LINKAGES_OK.has(prevMeta.linkage) ? prevMeta.linkage : settings.linkage) as Linkage;
  const minClusterSize = prevMeta?.min_cluster_size ?? settings.minClusterSize;
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
    checkAborted(signal);
    progress({ step: 'split_tracks', done: 0, total: tracks.length });
    const r = splitTracks(tracks, faces, rows, dim, { splitCosine: opts.splitCosine ?? clusterThresh, protectedTracks: lockedTracks });
    ({ tracks, faces, splits } = r);
    Object.assign(splitSummary, r.summary);
    for (const s of splits) log('info', `split_tracks: ${s.from} → ${s.into.join(' + ')} at frame ${s.cutFrames.join(', ')} (cosine ${s.cosines.map((c) => c.toFixed(2)).join(', ')})`);
    progress({ step: 'split_tracks', done: tracks0.length, total: tracks0.length });
  }
  if (actions.includes('reembed')) {
    checkAborted(signal);
    progress({ step: 'reembed', done: 0, total: faces.length });
    const acceptedBefore = new Set(faces.filter((f) => !f.rejection_reason).map((f) => f.face_id));
    const r = await reembedFaces(faces, rows, dim, tracks, {
      strictGate: opts.strictGate ?? Math.min(1, settings.qualityGate + STRICT_GATE_MARGIN),
      outlierCosine: opts.outlierCosine ?? clusterThresh,
      protectedTracks: lockedTracks,
      modelId,
      pack: opts.pack,
      workspace: ws,
      epId,
      videoSize,
      signal,
      log: (m) => log('warn', m),
      progress: (done, total) => progress({ step: 'reembed', done, total }),
    });
    ({ faces, rows, dim, modelId } = r);
    reembedSummary = r.summary;
    reembeddedFaces = r.reembedded;
    rejectedFaces = faces.filter((f) => acceptedBefore.has(f.face_id) && f.rejection_reason).map((f) => f.face_id);
    log('info', `reembed: ${r.summary.faces_rejected} face(s) rejected, ${r.reembedded.length} re-embedded from crops`);
  } else {
    const q = faces.filter((f) => !f.rejection_reason);
    const mean = q.length ? q.reduce((s, f) => s + f.quality_score, 0) / q.length : 0;
    reembedSummary = { faces_rejected: 0, mean_quality_before: mean, mean_quality_after: mean };
  }

  // The reviewer's facts follow split tracks: both halves keep every fact of their parent.
  const into = new Map(splits.map((s) => [s.from, s.into]));
  const constraints = translateConstraints(constraints0, (t) => into.get(t));
  let identities = previous;
  let needThumbs: Map<string, string[]> | null = null;
  let clustersMerged = 0;
  let pooled = null as ReturnType<typeof pool> | null;
  if (actions.includes('recluster')) {
    checkAborted(signal);
    progress({ step: 'recluster', done: 0, total: tracks.length });
    const parentOf = new Map(splits.flatMap((s) => s.into.map((t) => [t, s.from] as const)));
    const r = await reclusterEpisode({ epId, tracks, faces, rows, dim, previous, clusterThresh, minClusterSize, linkage, modelId, parentOf, now, constraints });
    for (const w of r.plan.warnings) log('warn', `recluster: ${w}`);
    identities = r.plan.doc;
    needThumbs = r.plan.needThumbs;
    clustersMerged = r.summary.clusters_merged;
    pooled = r.pooled;
    progress({ step: 'recluster', done: tracks.length, total: tracks.length });
  } else if (previous && splits.length) {
    identities = applySplitsToIdentities(previous, into, now);
  }

  const report = cleanupReportSchema.parse({
    ep_id: epId,
    actions_run: actions,
    before,
    after: snapshot(tracks, faces, identities),
    split_tracks_summary: splitSummary,
    reembed_summary: reembedSummary,
    recluster_summary: { clusters_merged: clustersMerged },
    elapsed_sec: (performance.now() - started) / 1000,
    created_at: now,
  });
  const changes = previous && identities ? identityChanges(previous, identities, into) : [];
  const result: CleanupResult = { report, dryRun: !!opts.dryRun, backup: null, splits, rejectedFaces, reembeddedFaces, identities, changes };
  if (opts.dryRun) return result;

  checkAborted(signal);
  progress({ step: 'backup', done: 0, total: 1 });
  const cropDir = (t: string) => `${ctx.paths.cropsDir}/${t}`;
  const backup = await createBackup(ws, epId, actions, splits.flatMap((s) => [s.from, ...s.into].map(cropDir)));
  result.backup = backup.dir;
  progress({ step: 'write', done: 0, total: 1 });
  // From here on, a failure restores the backup: the episode is either cleaned or as it was.
  try {
    // Through the store's validating writers, in reference order: tracks, faces (+ faces.npy), pooled
    // tracks, identities (each checks its track ids against tracks.jsonl on disk).
    const facesChanged = actions.includes('reembed') || splits.length > 0;
    const relocated = relocateCrops(faces, tracks, splits);
    ({ faces, tracks } = relocated);
    for (const { from, to } of relocated.copies) {
      await writeFileAtomic(ws.resolveManifestRef(epId, to), await readFile(ws.resolveManifestRef(epId, from)));
    }
    // A cancel is honoured between the writes (the catch below restores the backup).
    checkAborted(signal);
    if (splits.length) {
      await art.writeTracks(tracks);
      const longest = tracks
        .map((t) => ({ track_id: t.track_id, length: t.frame_span[1] - t.frame_span[0] + 1 }))
        .sort((a, b) => b.length - a.length || (a.track_id < b.track_id ? -1 : 1))
        .slice(0, 5);
      if (await art.exists('trackMetrics')) await art.writeTrackMetrics({ ...(await art.readTrackMetrics()), longest_tracks: longest });
      await remapTrackSamples(ws, epId, faces0, faces, tracks, splits, longest);
    }
    checkAborted(signal);
    if (facesChanged) await art.writeFaces(faces, { modelId, embeddingDim: dim });
    if (facesChanged || pooled) {
      const p = pooled ?? pool(tracks, faces, rows, dim);
      await art.writeTrackEmbeddings(p.trackOrder, p.vectors, POOLING_RULE);
    }
    checkAborted(signal);
    if (identities && identities !== previous) {
      if (needThumbs) await writeIdentityThumbs(ctx, identities, needThumbs, faces);
      await art.writeIdentities(identities);
    }
    if (!isEmptyConstraints(constraints0)) await writeConstraints(ws, epId, constraints);
    // Only now that no manifest references them: the crop folders of the split tracks.
    for (const sp of splits) await rm(ws.abs(cropDir(sp.from)), { recursive: true, force: true });
    // elapsed_sec covers the write-back too.
    report.elapsed_sec = (performance.now() - started) / 1000;
    await art.writeCleanupReport(report);
    progress({ step: 'validate', done: 0, total: 1 });
    const check = await validateEpisode(ws, epId);
    if (!check.ok) throw new Error(`the cleaned episode does not validate:\n${formatReport(check)}`);
    if (opts.beforeSeal) await opts.beforeSeal(backup.dir);
    checkAborted(signal);
  } catch (err) {
    await undoLastCleanup(ws, epId, { force: true }).catch((undoErr: Error) => {
      log('error', `cleanup: restoring ${backup.dir} failed too: ${undoErr.message}`);
    });
    throw new Error(`cleanup of ${epId} failed and was rolled back: ${(err as Error).message}`);
  }
  await recordAfter(ws, epId, backup);
  progress({ step: 'validate', done: 1, total: 1 });
  log('info', `cleanup: ${actions.join(', ')} done; backup in ${backup.dir}`);
  return result;
}
