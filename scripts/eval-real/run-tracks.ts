// A finished run's tracks with every box they hold. tracks.jsonl keeps only spans and counts, so the
// boxes come from re-running the deterministic track stage (buildTracks) on detections.jsonl with the
// settings run_state.json recorded; the result is checked against the tracker's tracks (track_samples.json,
// else tracks.jsonl) and refused (null) when it differs, e.g. after cleanup split tracks. The harvest's
// cuts (a tracker track whose faces changed person) are found from which track each face was sampled
// for, and applied like cleanup's splits.
import type { Track } from '../../shared/schema/tracks';
import { defaultPipelineSettings, type PipelineSettings } from '../../shared/schema/settings';
import type { TrackBoxes } from '../../shared/cluster/trackmatch';
import { buildTracks } from '../../electron/pipeline/track';
import { detectMetaSchema, runStateSchema, sidePaths, trackSamplesSchema, type DetectMeta, type Sample } from '../../electron/pipeline/sidefiles';
import { readJson } from '../../electron/store/json';
import { episodeArtifacts } from '../../electron/store/artifacts';
import type { Workspace } from '../../electron/store/workspace';
import type { Detection } from '../../shared/schema/detections';
import type { Face } from '../../shared/schema/faces';
import { existsSync } from 'node:fs';
import type { TrackSplit } from '../../electron/pipeline/cleanup/split-tracks';

/** Settings the given stage recorded in run_state.json (JSON nulls dropped: they stand for unset). */
export async function runStateSettings(ws: Workspace, epId: string, stage: string): Promise<Partial<PipelineSettings>> {
  const state = await readJson(ws.abs(sidePaths(epId).runState), runStateSchema);
  const rec = state.stages[stage];
  if (!rec) throw new Error(`${sidePaths(epId).runState}: stages.${stage}: missing (the stage never finished)`);
  return Object.fromEntries(Object.entries(rec.settings).filter(([, v]) => v !== null)) as Partial<PipelineSettings>;
}

export interface RunDetections {
  meta: DetectMeta;
  detections: Detection[];
}

export async function readRunDetections(ws: Workspace, epId: string): Promise<RunDetections> {
  const meta = await readJson(ws.abs(sidePaths(epId).detectMeta), detectMetaSchema);
  return { meta, detections: await episodeArtifacts(ws, epId).readDetections() };
}

export async function rebuildTrackBoxes(ws: Workspace, epId: string, run: RunDetections, tracks: readonly Track[]): Promise<TrackBoxes[] | null> {
  const settings = { ...defaultPipelineSettings(), ...(await runStateSettings(ws, epId, 'track')) };
  const { meta } = run;
  const built = buildTracks({
    epId, detections: run.detections, frames: meta.frames, cutFrames: meta.scene_cuts.map((c) => c.frame_idx),
    width: meta.video.width, height: meta.video.height, durationSec: meta.video.duration_sec, settings,
  });
  const samplesAbs = ws.abs(sidePaths(epId).trackSamples);
  const ts = existsSync(samplesAbs) ? await readJson(samplesAbs, trackSamplesSchema) : null;
  const raw = ts?.tracks ?? tracks;
  const same = built.tracks.length === raw.length && built.tracks.every((t, i) =>
    t.track_id === raw[i].track_id && t.frame_span[0] === raw[i].frame_span[0] && t.frame_span[1] === raw[i].frame_span[1]
    && t.stats.detections === raw[i].stats.detections);
  if (!same) return null;
  if (!ts?.tracks) return built.boxes;
  return applySplits(built.boxes, harvestSplits(ts.samples, await episodeArtifacts(ws, epId).readFaces(), tracks), tracks);
}

/**
 * The harvest's cuts: each final track's faces were sampled (track_samples.json) for one tracker track,
 * its parent; a parent with parts other than itself was cut at the first frame of each later part.
 */
export function harvestSplits(samples: ReadonlyArray<Pick<Sample, 'track_id' | 'frame_idx' | 'bbox'>>, faces: ReadonlyArray<Pick<Face, 'track_id' | 'frame_idx' | 'bbox'>>, tracks: readonly Track[]): TrackSplit[] {
  const key = (f: { frame_idx: number; bbox: readonly number[] }) => `${f.frame_idx}@${f.bbox.join(',')}`;
  const sampledFor = new Map(samples.map((s) => [key(s), s.track_id]));
  const parentOf = new Map<string, string>();
  for (const f of faces) parentOf.set(f.track_id, sampledFor.get(key(f)) ?? f.track_id);
  const parts = new Map<string, Track[]>();
  for (const t of tracks) {
    const p = parentOf.get(t.track_id) ?? t.track_id;
    parts.set(p, [...(parts.get(p) ?? []), t]);
  }
  return [...parts].filter(([p, ts]) => ts.length > 1 || ts[0].track_id !== p).map(([from, ts]) => {
    const into = [...ts].sort((a, b) => a.frame_span[0] - b.frame_span[0]);
    return { from, into: into.map((t) => t.track_id), cutFrames: into.slice(1).map((t) => t.frame_span[0]), cosines: [] };
  });
}

/**
 * The boxes of the tracks after cleanup's split_tracks: each split track's boxes go to its new ids at
 * the cut frames. Null when the result does not name exactly the given tracks.
 */
export function applySplits(boxes: readonly TrackBoxes[], splits: readonly TrackSplit[], tracks: readonly Track[]): TrackBoxes[] | null {
  const byFrom = new Map(splits.map((s) => [s.from, s]));
  const out: TrackBoxes[] = [];
  for (const t of boxes) {
    const s = byFrom.get(t.track_id);
    if (!s) {
      out.push(t);
      continue;
    }
    const seg = (frame: number) => s.cutFrames.filter((c) => c <= frame).length;
    s.into.forEach((id, k) => out.push({ track_id: id, boxes: t.boxes.filter((b) => seg(b.frame_idx) === k) }));
  }
  const want = new Set(tracks.map((t) => t.track_id));
  return out.length === want.size && out.every((t) => want.has(t.track_id)) ? out : null;
}
