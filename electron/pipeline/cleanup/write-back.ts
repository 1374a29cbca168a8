// Writing an edited episode back (a cleanup, or a reviewer's track split / face rejection): a backup
// of the episode first (backup.ts), then the store's validating writers in reference order — tracks,
// faces (+ faces.npy), pooled tracks, identities (+ thumbnails), reviewer constraints — then a
// whole-episode validation. A failure or cancel anywhere restores the backup, so the episode is either
// edited or as it was; the post-edit hashes are sealed last (what undo / redo check).
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { cropRef } from '../../../shared/layout';
import { POOLING_RULE, type PooledTracks } from '../../../shared/cluster/pooling';
import type { Face, IdentitiesDoc, ReviewConstraints, Track } from '../../../shared/schema';
import { episodeArtifacts } from '../../store/artifacts';
import { writeFileAtomic } from '../../store/atomic';
import { writeConstraints } from '../../store/constraints';
import { readJson, writeJson } from '../../store/json';
import { formatReport, validateEpisode } from '../../store/validate';
import type { Workspace } from '../../store/workspace';
import { checkAborted, type StageContext } from '../context';
import { writeIdentityThumbs } from '../identities';
import { sidePaths, trackSamplesSchema } from '../sidefiles';
import { longestTracks } from '../track';
import { createBackup, recordAfter, undoLastCleanup, type BackupRef } from './backup';
import { pool } from './recluster';
import type { TrackSplit } from './split-tracks';

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
 * track_samples.json (the track stage's list of faces for harvest, and its tracks) follows the split,
 * so a later pipeline re-run that re-harvests produces faces for the new track ids. Each sample goes
 * where its face went (the face of the same frame and box: the harvest may have cut the sample's track
 * already); a sample without a face row goes to the new track whose span holds it.
 */
async function remapTrackSamples(
  ws: Workspace,
  epId: string,
  before: readonly Face[],
  after: readonly Face[],
  tracks: readonly Track[],
  splits: readonly TrackSplit[],
  longest: { track_id: string; length: number }[],
): Promise<void> {
  const path = ws.abs(sidePaths(epId).trackSamples);
  if (!existsSync(path)) return;
  const doc = await readJson(path, trackSamplesSchema);
  const moved = new Map<string, string>();
  const key = (frame: number, bbox: readonly number[]) => `${frame}@${bbox.join(',')}`;
  before.forEach((f, i) => moved.set(key(f.frame_idx, f.bbox), after[i].track_id));
  const into = new Map(splits.map((s) => [s.from, s.into]));
  const span = new Map(tracks.map((t) => [t.track_id, t.frame_span]));
  const samples = doc.samples.map((smp) => {
    const byFace = moved.get(key(smp.frame_idx, smp.bbox));
    const parts = into.get(smp.track_id);
    if (!parts) return byFace ? { ...smp, track_id: byFace } : smp;
    const bySpan = parts.find((t) => smp.frame_idx >= span.get(t)![0] && smp.frame_idx <= span.get(t)![1]) ?? parts.at(-1)!;
    return { ...smp, track_id: byFace ?? bySpan };
  });
  await writeJson(path, { ...doc, ...(doc.tracks ? { tracks: [...tracks] } : {}), samples, metrics: { ...doc.metrics, longest_tracks: longest } }, trackSamplesSchema);
}
export interface EpisodeEdit {
  /** What is written, for messages ("cleanup", "split of track-00010"). */
  what: string;
  /** Names the backup (backup.json `actions`) and the undo step. */
  actions: readonly string[];
  /** faces.jsonl as read (same rows as `faces`), for track_samples.json. */
  faces0: readonly Face[];
  tracks: Track[];
  faces: Face[];
  rows: Float32Array;
  dim: number;
  modelId: string;
  splits: readonly TrackSplit[];
  facesChanged: boolean;
  pooled: PooledTracks | null;
  previous: IdentitiesDoc | null;
  identities: IdentitiesDoc | null;
  needThumbs: ReadonlyMap<string, readonly string[]> | null;
  /** null: review_constraints.json is left as it is. */
  constraints: ReviewConstraints | null;
  progress?: (step: 'backup' | 'write' | 'validate') => void;
  /** Last write before the validation (the cleanup's report). */
  beforeValidate?: () => Promise<void>;
  /** After validation, before the hashes are sealed (the review app pushes its undo entry here). */
  beforeSeal?: (backupDir: string) => Promise<void>;
}

export async function commitEpisodeEdit(ctx: StageContext, e: EpisodeEdit): Promise<BackupRef> {
  const ws = ctx.workspace, epId = ctx.epId, art = episodeArtifacts(ws, epId);
  e.progress?.('backup');
  const cropDir = (t: string) => `${ctx.paths.cropsDir}/${t}`;
  const backup = await createBackup(ws, epId, e.actions, e.splits.flatMap((s) => [s.from, ...s.into].map(cropDir)));
  e.progress?.('write');
  try {
    const { faces, tracks, copies } = relocateCrops(e.faces, e.tracks, e.splits);
    for (const { from, to } of copies) await writeFileAtomic(ws.resolveManifestRef(epId, to), await readFile(ws.resolveManifestRef(epId, from)));
    // A cancel is honoured between the writes (the catch below restores the backup).
    checkAborted(ctx.signal);
    if (e.splits.length) {
      await art.writeTracks(tracks);
      const longest = longestTracks(tracks);
      if (await art.exists('trackMetrics')) await art.writeTrackMetrics({ ...(await art.readTrackMetrics()), longest_tracks: longest });
      await remapTrackSamples(ws, epId, e.faces0, faces, tracks, e.splits, longest);
    }
    checkAborted(ctx.signal);
    if (e.facesChanged) await art.writeFaces(faces, { modelId: e.modelId, embeddingDim: e.dim });
    if (e.facesChanged || e.pooled) {
      const p = e.pooled ?? pool(tracks, faces, e.rows, e.dim);
      await art.writeTrackEmbeddings(p.trackOrder, p.vectors, POOLING_RULE);
    }
    checkAborted(ctx.signal);
    if (e.identities && e.identities !== e.previous) {
      if (e.needThumbs) await writeIdentityThumbs(ctx, e.identities, e.needThumbs, faces);
      await art.writeIdentities(e.identities);
    }
    if (e.constraints) await writeConstraints(ws, epId, e.constraints);
    // Only now that no manifest references them: the crop folders of the split tracks.
    for (const sp of e.splits) await rm(ws.abs(cropDir(sp.from)), { recursive: true, force: true });
    await e.beforeValidate?.();
    e.progress?.('validate');
    const check = await validateEpisode(ws, epId);
    if (!check.ok) throw new Error(`the edited episode does not validate:\n${formatReport(check)}`);
    if (e.beforeSeal) await e.beforeSeal(backup.dir);
    checkAborted(ctx.signal);
  } catch (err) {
    await undoLastCleanup(ws, epId, { force: true }).catch((undoErr: Error) => {
      ctx.log('error', `${e.what}: restoring ${backup.dir} failed too: ${undoErr.message}`);
    });
    throw new Error(`${e.what} of ${epId} failed and was rolled back: ${(err as Error).message}`);
  }
  return recordAfter(ws, epId, backup);
}
