// A finished run's tracks with every box they hold. tracks.jsonl keeps only spans and counts, so the
// boxes come from re-running the deterministic track stage (buildTracks) on detections.jsonl with the
// settings run_state.json recorded; the result is checked against tracks.jsonl and refused (null)
// when it differs, e.g. after cleanup split tracks.
import type { Track } from '../../shared/schema/tracks';
import { defaultPipelineSettings, type PipelineSettings } from '../../shared/schema/settings';
import type { TrackBoxes } from '../../shared/cluster/trackmatch';
import { buildTracks } from '../../electron/pipeline/track';
import { detectMetaSchema, runStateSchema, sidePaths, type DetectMeta } from '../../electron/pipeline/sidefiles';
import { readJson } from '../../electron/store/json';
import { episodeArtifacts } from '../../electron/store/artifacts';
import type { Workspace } from '../../electron/store/workspace';
import type { Detection } from '../../shared/schema/detections';
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
  const same = built.tracks.length === tracks.length && built.tracks.every((t, i) =>
    t.track_id === tracks[i].track_id && t.frame_span[0] === tracks[i].frame_span[0] && t.frame_span[1] === tracks[i].frame_span[1]
    && t.stats.detections === tracks[i].stats.detections);
  return same ? built.boxes : null;
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
