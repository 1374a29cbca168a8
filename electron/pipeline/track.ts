// Stage "track": detections → ByteTrack tracks (fresh tracker after every scene cut) → tracks.jsonl,
// plus the faces the harvest will sample and the tracker half of track_metrics.json (track_samples.json).
import { cropRef } from '../../shared/layout';
import { formatTrackId } from '../../shared/schema/common';
import type { Detection } from '../../shared/schema/detections';
import type { Track } from '../../shared/schema/tracks';
import type { PipelineSettings } from '../../shared/schema/settings';
import { readJson, writeJson } from '../store/json';
import { episodeArtifacts } from '../store/artifacts';
import type { TrackBoxes, Box } from '../../shared/cluster/trackmatch';
import { iou } from '../../shared/geometry';
import { ByteTracker } from './bytetrack';
import { checkAborted, type StageContext, type SettingKey } from './context';
import { remapHumanWork } from './remap';
import { analysedFrames, detectMetaSchema, sidePaths, trackSamplesSchema, type Sample, type TrackerMetrics } from './sidefiles';

/** short_track_fraction counts tracks lasting less than this many seconds (first to last detection). */
export const SHORT_TRACK_SEC = 1.0;

export interface BuildTracksInput {
  epId: string;
  detections: Detection[];
  /** Every analysed frame in order, as [frame_idx, ts_s], including frames without detections. */
  frames: Array<[number, number]>;
  /** frame_idx values at which a new scene starts. */
  cutFrames: Iterable<number>;
  width: number;
  height: number;
  durationSec: number;
  settings: Pick<
    PipelineSettings,
    | 'trackThresh' | 'matchThresh' | 'trackBuffer' | 'trackBufferSec' | 'newTrackThresh' | 'faceSampleSpacingSec'
    | 'maxFacesPerTrack' | 'saveCrops' | 'minTrackDetections'
  >;
}

export interface BuildTracksResult {
  tracks: Track[];
  samples: Sample[];
  metrics: Omit<TrackerMetrics, 'track_sec'>;
  /** Every detection box of every track (normalised, frame order), for matching a later re-run's tracks. */
  boxes: TrackBoxes[];
}

/**
 * Picks faces to harvest from a track's detections (time order): greedy minimum spacing, then, when
 * more than `cap` remain, an even spread over the track (so a capped long track is not sampled only
 * at its start). Among detections inside one spacing window the first is kept: the detector's
 * confidence barely varies along a track, and quality is judged later on the real crop.
 */
export function pickSamples<T extends { ts_s: number }>(dets: T[], spacingSec: number, cap: number): T[] {
  const spaced: T[] = [];
  let last = -Infinity;
  for (const d of dets) {
    if (d.ts_s - last >= spacingSec - 1e-9) {
      spaced.push(d);
      last = d.ts_s;
    }
  }
  if (spaced.length <= cap) return spaced;
  if (cap === 1) return [spaced[Math.floor(spaced.length / 2)]];
  return Array.from({ length: cap }, (_, i) => spaced[Math.round((i * (spaced.length - 1)) / (cap - 1))]);
}

/**
 * A track's box "jumps" where it overlaps its previous box by less than JUMP_IOU, or where the track
 * missed an analysed frame and was found again: there the tracker may have moved to another face (a
 * pan, a lost track re-found on someone else). On the labeled real clips every person change inside a
 * track is such a jump, and 3 % of the steps of healthy tracks (docs/DECISIONS.md).
 */
export const JUMP_IOU = 0.5;
/** Faces harvested from each jump on, beyond the spaced samples: the appearance check needs two faces of a new person. */
export const JUMP_SAMPLES = 2;

/** Indices of a track's detections that start after a jump; `seqs` are their analysed-frame positions. */
export function jumpStarts(seqs: readonly number[], boxes: ReadonlyArray<readonly number[]>): number[] {
  const out: number[] = [];
  for (let i = 1; i < seqs.length; i++) {
    if (seqs[i] - seqs[i - 1] > 1 || iou(boxes[i - 1] as Box, boxes[i] as Box) < JUMP_IOU) out.push(i);
  }
  return out;
}

/** Indices of the detections to harvest: the spaced ones (pickSamples) plus JUMP_SAMPLES from each jump on, in time order. */
export function samplesWithJumps(picked: ReadonlySet<number>, jumps: readonly number[], n: number): number[] {
  const out = new Set(picked);
  for (const j of jumps) for (let k = j; k < Math.min(n, j + JUMP_SAMPLES); k++) out.add(k);
  return [...out].sort((a, b) => a - b);
}

/** The faces of one track to harvest: the spaced samples, plus JUMP_SAMPLES from each jump on (`probe` when not spaced). */
export function samplesOf(trackId: string, dets: readonly Detection[], seqs: readonly number[], s: Pick<PipelineSettings, 'faceSampleSpacingSec' | 'maxFacesPerTrack'>): Sample[] {
  const spaced = new Set(pickSamples([...dets], s.faceSampleSpacingSec, s.maxFacesPerTrack));
  const spacedIdx = new Set(dets.flatMap((d, k) => (spaced.has(d) ? [k] : [])));
  const jumps = jumpStarts(seqs, dets.map((d) => d.bbox));
  const jumpSet = new Set(jumps);
  return samplesWithJumps(spacedIdx, jumps, dets.length).map((k) => {
    const d = dets[k];
    return { track_id: trackId, frame_idx: d.frame_idx, ts_s: d.ts_s, bbox: d.bbox, landmarks: d.landmarks, conf: d.conf, ...(jumpSet.has(k) ? { jump: true as const } : {}), ...(spacedIdx.has(k) ? {} : { probe: true as const }) };
  });
}

/** track_metrics.json longest_tracks: the five longest by frame span, ties by id. */
export function longestTracks(tracks: readonly Pick<Track, 'track_id' | 'frame_span'>[]): Array<{ track_id: string; length: number }> {
  return tracks
    .map((t) => ({ track_id: t.track_id, length: t.frame_span[1] - t.frame_span[0] + 1 }))
    .sort((a, b) => b.length - a.length || (a.track_id < b.track_id ? -1 : 1))
    .slice(0, 5);
}

/** Analysed frames per second: the median step between analysed frames (robust to a ragged end). */
export function analysedRate(frames: ReadonlyArray<readonly [number, number]>): number {
  const steps: number[] = [];
  for (let i = 1; i < frames.length; i++) {
    const dt = frames[i][1] - frames[i - 1][1];
    if (dt > 0) steps.push(dt);
  }
  if (!steps.length) return 0;
  steps.sort((a, b) => a - b);
  return 1 / steps[Math.floor(steps.length / 2)];
}

/**
 * The analysed rate that sizes the tracker's buffer is measured on the first RATE_FRAMES analysed
 * frames, not the whole video: the detection pass runs this tracker as the frames arrive
 * (early-harvest.ts) and must size it the same way. A whole-video median could differ from an early
 * one where the steps alternate (25 fps analysed at 10 fps: steps of 2 and 3 frames, near 50/50).
 */
export const RATE_FRAMES = 16;

/** The tracker's buffer in analysed frames: the legacy frame count when set, else trackBufferSec at the analysed rate. */
export function trackBufferFrames(s: Pick<PipelineSettings, 'trackBuffer' | 'trackBufferSec'>, rate: number): number {
  if (s.trackBuffer !== undefined) return s.trackBuffer;
  return rate > 0 ? Math.max(1, Math.round(s.trackBufferSec * rate)) : 30;
}

export function buildTracks(input: BuildTracksInput): BuildTracksResult {
  const { width: W, height: H, settings: s } = input;
  const byFrame = new Map<number, Detection[]>();
  for (const d of input.detections) {
    const list = byFrame.get(d.frame_idx);
    if (list) list.push(d);
    else byFrame.set(d.frame_idx, [d]);
  }
  const cuts = new Set(input.cutFrames);
  const tracker = new ByteTracker({ ...s, trackBuffer: trackBufferFrames(s, analysedRate(input.frames.slice(0, RATE_FRAMES))) });
  const frameDets: Detection[][] = [];
  for (const [frameIdx] of input.frames) {
    if (cuts.has(frameIdx)) tracker.reset();
    const dets = byFrame.get(frameIdx) ?? [];
    frameDets.push(dets);
    tracker.update(
      dets.map((d) => ({ bbox: [d.bbox[0] * W, d.bbox[1] * H, d.bbox[2] * W, d.bbox[3] * H], score: d.conf })),
    );
  }

  const raw = tracker
    .confirmedTracks()
    .map((t) => ({ dets: t.members.map(([seq, di]) => frameDets[seq][di]), seqs: t.members.map(([seq]) => seq), aliveAtEnd: t.aliveAtEnd }))
    .filter((t) => t.dets.length >= s.minTrackDetections)
    .sort((a, b) => a.dets[0].frame_idx - b.dets[0].frame_idx || a.dets[0].bbox[0] - b.dets[0].bbox[0]);

  const tracks: Track[] = [];
  const samples: Sample[] = [];
  const boxes: TrackBoxes[] = [];
  const perFrame = new Map<number, number>();
  let short = 0;
  raw.forEach((t, i) => {
    const trackId = formatTrackId(i + 1);
    const first = t.dets[0];
    const last = t.dets[t.dets.length - 1];
    const picked = samplesOf(trackId, t.dets, t.seqs, s);
    for (const d of t.dets) perFrame.set(d.frame_idx, (perFrame.get(d.frame_idx) ?? 0) + 1);
    if (last.ts_s - first.ts_s < SHORT_TRACK_SEC) short++;
    tracks.push({
      track_id: trackId,
      ep_id: input.epId,
      start_s: first.ts_s,
      end_s: last.ts_s,
      frame_span: [first.frame_idx, last.frame_idx],
      sample_thumbs: s.saveCrops ? picked.filter((smp) => !smp.probe).map((smp) => cropRef(trackId, smp.frame_idx)) : [],
      stats: { detections: t.dets.length, avg_conf: t.dets.reduce((a, d) => a + d.conf, 0) / t.dets.length },
      schema_version: 'track_v1',
    });
    boxes.push({ track_id: trackId, boxes: t.dets.map((d) => ({ frame_idx: d.frame_idx, bbox: d.bbox as unknown as Box })) });
    samples.push(...picked);
  });

  const longest = longestTracks(tracks);
  const nFrames = input.frames.length;
  let concurrent = 0;
  for (const c of perFrame.values()) concurrent += c;
  const minutes = input.durationSec / 60;
  return {
    tracks,
    samples,
    boxes,
    metrics: {
      tracks_born: tracks.length,
      // A track is "lost" when it ended before the video did (occlusion, exit, or a scene cut).
      tracks_lost: raw.filter((t) => !t.aliveAtEnd).length,
      longest_tracks: longest,
      avg_tracks_per_frame: nFrames ? concurrent / nFrames : 0,
      tracks_per_minute: minutes > 0 ? tracks.length / minutes : 0,
      short_track_fraction: tracks.length ? short / tracks.length : 0,
      total_frames: nFrames,
      scene_cuts: cuts.size,
    },
  };
}

/** Settings the track stage reads (ByteTrack and face sampling): its run_state fingerprint. */
export const reads = ['trackThresh', 'matchThresh', 'trackBuffer', 'trackBufferSec', 'newTrackThresh', 'minTrackDetections', 'faceSampleSpacingSec', 'maxFacesPerTrack', 'saveCrops'] as const satisfies readonly SettingKey[];

export async function trackEpisode(ctx: StageContext): Promise<BuildTracksResult> {
  const started = performance.now();
  const side = sidePaths(ctx.epId);
  const meta = await readJson(ctx.workspace.abs(side.detectMeta), detectMetaSchema);
  const art = episodeArtifacts(ctx.workspace, ctx.epId);
  const detections = await art.readDetections();
  checkAborted(ctx.signal);
  ctx.progress({ stage: 'track', done: 0, total: meta.frames.length });
  const result = buildTracks({
    epId: ctx.epId,
    detections,
    frames: meta.frames,
    cutFrames: meta.scene_cuts.map((c) => c.frame_idx),
    width: meta.video.width,
    height: meta.video.height,
    durationSec: meta.video.duration_sec,
    settings: ctx.settings,
  });
  checkAborted(ctx.signal);
  // Before tracks.jsonl changes: translate reviewed identities' tracks to the new ones (see remap.ts).
  await remapHumanWork(ctx, result.tracks, result.boxes);
  await art.writeTracks(result.tracks);
  await writeJson(
    ctx.workspace.abs(side.trackSamples),
    // total_frames counts every analysed frame, the static ones the detector skipped included.
    { ep_id: ctx.epId, tracks: result.tracks, samples: result.samples, metrics: { ...result.metrics, total_frames: analysedFrames(meta), track_sec: (performance.now() - started) / 1000 } },
    trackSamplesSchema,
  );
  ctx.progress({ stage: 'track', done: meta.frames.length, total: meta.frames.length });
  ctx.log('info', `track: ${result.tracks.length} tracks, ${result.samples.length} faces to harvest`);
  return result;
}
