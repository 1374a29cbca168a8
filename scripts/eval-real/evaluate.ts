// Scores one pipeline episode (a workspace on disk) against a clip's labels: identity scores over the
// harvested faces (metrics.ts), mixed tracks over every box of every track when the track stage can be
// replayed (run-tracks.ts), and the recall of labeled boxes by the run's detections.
import type { Box, TrackBoxes } from '../../shared/cluster/trackmatch';
import type { TrackSplit } from '../../electron/pipeline/cleanup/split-tracks';
import { episodeArtifacts } from '../../electron/store/artifacts';
import type { Workspace } from '../../electron/store/workspace';
import { labelBoxes, matchBoxes, nearestFrame, type LabelsDoc } from './labels';
import { boxRecall, mixedTracks, scoreRun, type RealScores, type Recall } from './metrics';
import { applySplits, readRunDetections, rebuildTrackBoxes, type RunDetections } from './run-tracks';

export interface EpisodeEvaluation extends RealScores {
  faces: number;
  facesMatched: number;
  /** Tracks whose boxes carry two people, over every box (null when the tracks cannot be replayed). */
  mixedTracksAllBoxes: string[] | null;
  recall: Recall;
  /** Analysed frames with no detection at all. */
  framesWithoutDetection: number;
  analysedFrames: number;
}

/** Labeled boxes (at labeled times that have an analysed frame within maxDt) found by a detection. */
export function detectionRecall(doc: LabelsDoc, run: RunDetections): Recall {
  const byFrame = new Map<number, Box[]>();
  for (const d of run.detections) byFrame.set(d.frame_idx, [...(byFrame.get(d.frame_idx) ?? []), d.bbox as unknown as Box]);
  const used = new Set<number>();
  const out: Array<{ person: string; found: boolean }> = [];
  for (const [frameIdx, ts] of run.meta.frames) {
    const fi = nearestFrame(doc.frames, ts);
    if (fi < 0 || used.has(fi)) continue;
    used.add(fi);
    const faces = doc.frames[fi].faces;
    const m = matchBoxes(faces.map((f) => f.box), byFrame.get(frameIdx) ?? []);
    faces.forEach((f, i) => out.push({ person: f.person, found: m[i] >= 0 }));
  }
  return boxRecall(out);
}

/**
 * `splits`: cleanup's splits of this episode; the boxes of every track are then replayed from the
 * pre-cleanup tracker output (`preWs`, the workspace before cleanup) and cut where cleanup cut them.
 */
export async function evaluateEpisode(ws: Workspace, epId: string, doc: LabelsDoc, cleaned?: { preWs: Workspace; splits: readonly TrackSplit[] }): Promise<EpisodeEvaluation> {
  const art = episodeArtifacts(ws, epId);
  const run = await readRunDetections(ws, epId);
  const [faces, tracks, identities] = await Promise.all([art.readFaces(), art.readTracks(), art.readIdentities()]);
  const tsOf = new Map(run.meta.frames.map(([f, t]) => [f, t]));
  const at = (frame: number, what: string) => {
    const ts = tsOf.get(frame);
    if (ts === undefined) throw new Error(`${what}: frame_idx ${frame} is not an analysed frame of detect_meta.json`);
    return ts;
  };
  const persons = labelBoxes(doc, faces.map((f) => ({ ts: at(f.frame_idx, `faces.jsonl ${f.face_id}`), bbox: f.bbox as unknown as Box })));
  const identityOf = new Map<string, string>();
  for (const i of identities.identities) for (const t of i.track_ids) identityOf.set(t, i.identity_id);
  const faceCount = new Map<string, number>();
  for (const f of faces) faceCount.set(f.track_id, (faceCount.get(f.track_id) ?? 0) + 1);
  const scores = scoreRun(
    faces.map((f, i) => ({ track: f.track_id, person: persons[i] })),
    tracks.map((t) => ({ track: t.track_id, identity: identityOf.get(t.track_id) ?? null, faces: faceCount.get(t.track_id) ?? 0 })),
  );
  let boxes: TrackBoxes[] | null;
  if (cleaned) {
    const pre = await rebuildTrackBoxes(cleaned.preWs, epId, run, await episodeArtifacts(cleaned.preWs, epId).readTracks());
    boxes = pre && applySplits(pre, cleaned.splits, tracks);
  } else {
    boxes = await rebuildTrackBoxes(ws, epId, run, tracks);
  }
  let mixedAll: string[] | null = null;
  if (boxes) {
    const flat = boxes.flatMap((t) => t.boxes.map((b) => ({ track: t.track_id, ts: at(b.frame_idx, t.track_id), bbox: b.bbox })));
    const p = labelBoxes(doc, flat);
    // Two boxes per person: one stray box at an occlusion is not a track carrying two people.
    mixedAll = mixedTracks(flat.map((b, i) => ({ track: b.track, person: p[i] })), 2);
  }
  const withDet = new Set(run.detections.map((d) => d.frame_idx));
  return {
    ...scores,
    faces: faces.length,
    facesMatched: persons.filter((p) => p !== null).length,
    mixedTracksAllBoxes: mixedAll,
    recall: detectionRecall(doc, run),
    framesWithoutDetection: run.meta.frames.filter(([f]) => !withDet.has(f)).length,
    analysedFrames: run.meta.frames.length,
  };
}
