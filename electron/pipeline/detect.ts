// Stage "detect": decode → scene cuts → batched face detection, streamed in one pass over the video.
// Writes detections.jsonl (det_v1) and the detect_meta.json side file (analysed frames, scene cuts).
import type { Detection } from '../../shared/schema/detections';
import { episodeArtifacts } from '../store/artifacts';
import { writeJson } from '../store/json';
import type { RawDetection, RgbImage } from '../models/types';
import type { YuvImage } from './yuv';
import { checkAborted, type StageContext, type SettingKey } from './context';
import { decodeFrames, probeVideo, type VideoInfo } from './decode';
import { join } from 'node:path';
import { EARLY_CROPS, EarlyHarvest, type DetectedFrame, type EarlyFaces } from './early-harvest';
import { OverlappedBatches } from './overlap';
import { SceneCutDetector, type SceneCut } from './scenecut';
import { encodeThumb, ShotThumbs } from './shot-thumbs';
import { detectMetaSchema, shotThumbsSchema, sidePaths, type DetectMeta, type ShotThumbsDoc } from './sidefiles';

/** Frames per detector call: large enough to amortise the call, small enough to keep memory flat. */
export const DETECT_BATCH = 8;

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** Pixel detection → det_v1 fields, normalised by the frame size and clamped to [0, 1]. */
export function normaliseDetection(d: RawDetection, width: number, height: number) {
  const bbox: [number, number, number, number] = [
    clamp01(d.bbox[0] / width),
    clamp01(d.bbox[1] / height),
    clamp01(d.bbox[2] / width),
    clamp01(d.bbox[3] / height),
  ];
  const landmarks = d.landmarks.map((v, i) => clamp01(v / (i % 2 === 0 ? width : height)));
  return { bbox, landmarks, conf: clamp01(d.conf) };
}

/**
 * Which analysed frames the detector skips: inside a static shot (content value to the previous
 * analysed frame below `motion`) every other one, never two in a row, so a face is seen at least
 * every second analysed frame and the tracker's motion model only bridges one step. A cut or any
 * real movement has a high content value, so the frame after it is always detected.
 */
export class StaticThinning {
  skipped = 0;
  private previousSkipped = true;

  constructor(private readonly motion: number) {}

  skip(contentValue: number): boolean {
    const skip = this.motion > 0 && !this.previousSkipped && contentValue < this.motion;
    this.previousSkipped = skip;
    if (skip) this.skipped++;
    return skip;
  }
}

/** Estimated number of analysed frames, for progress totals. */
export function estimateAnalysedFrames(info: VideoInfo, stride: number, analyzeFps?: number): number {
  const n = info.nbFrames ?? Math.round(info.durationSec * info.fps);
  let est = Math.ceil(n / stride);
  if (analyzeFps && info.durationSec > 0) est = Math.min(est, Math.ceil(info.durationSec * analyzeFps));
  return Math.max(1, est);
}

/** Settings the detect stage reads (decode, scene cuts and the detector): its run_state fingerprint. */
export const reads = ['stride', 'analyzeFps', 'packId', 'modelsDir', 'minFaceSize', 'minConfidence', 'sceneCutThreshold', 'sceneCutAdaptiveRatio', 'minSceneLenSec', 'staticShotMotion'] as const satisfies readonly SettingKey[];

interface AnalysedFrame { frameIdx: number; tsS: number; image: RgbImage; yuv?: YuvImage; scenePos: number; release(): void }

/** det_v1 rows of one detector batch: confidence and size gates, coordinates normalised. */
function detectionRows(ctx: StageContext, frames: AnalysedFrame[], results: RawDetection[][], videoWidth: number): Detection[] {
  const s = ctx.settings;
  const rows: Detection[] = [];
  frames.forEach((f, i) => {
    // minFaceSize is in pixels of the video; frames may arrive shrunk to the detector's input.
    const minSide = s.minFaceSize * (f.image.width / videoWidth);
    for (const d of results[i] ?? []) {
      const side = Math.min(d.bbox[2] - d.bbox[0], d.bbox[3] - d.bbox[1]);
      if (d.conf < s.minConfidence || side < minSide) continue;
      rows.push({
        ep_id: ctx.epId,
        frame_idx: f.frameIdx,
        ts_s: f.tsS,
        ...normaliseDetection(d, f.image.width, f.image.height),
        model_id: ctx.pack!.detector.modelId,
        schema_version: 'det_v1',
      });
    }
  });
  return rows;
}

/**
 * Detected frames wait here until their scene-cut decision is final, then go to the early harvest in
 * order (the tracker must be reset before a scene's first frame).
 */
class EarlyQueue {
  private readonly queue: Array<DetectedFrame & Pick<AnalysedFrame, 'scenePos'>> = [];
  private readonly cutFrames = new Set<number>();
  constructor(private readonly harvest: EarlyHarvest, private readonly scenes: SceneCutDetector) {}

  async add(frames: AnalysedFrame[], rows: Detection[]): Promise<void> {
    for (const f of frames) {
      this.queue.push({ frameIdx: f.frameIdx, tsS: f.tsS, yuv: f.yuv!, dets: rows.filter((r) => r.frame_idx === f.frameIdx), cut: false, scenePos: f.scenePos, release: f.release });
    }
    await this.release(this.scenes.settle());
  }

  async finish(): Promise<EarlyFaces> {
    await this.release({ decided: Infinity, cuts: this.scenes.finish() });
    return this.harvest.finish();
  }

  private async release(s: { decided: number; cuts: readonly SceneCut[] }): Promise<void> {
    for (const c of s.cuts) this.cutFrames.add(c.frame_idx);
    while (this.queue.length && this.queue[0].scenePos < s.decided) {
      const f = this.queue.shift()!;
      await this.harvest.frame({ ...f, cut: this.cutFrames.has(f.frameIdx) });
    }
  }
}

/** The det_v1 rows of one batch of frames (shrunk to the detector's input; minFaceSize is in video pixels). */
async function detectBatch(ctx: StageContext, batch: AnalysedFrame[], videoWidth: number): Promise<Detection[]> {
  const s = ctx.settings;
  const results = await ctx.pack!.detector.detect(batch.map((f) => f.image), {
    minConfidence: s.minConfidence,
    minFaceSize: s.minFaceSize * (batch[0].image.width / videoWidth),
  });
  return detectionRows(ctx, batch, results, videoWidth);
}

/** detections.jsonl and the shot thumbnails first, the meta last: the meta's presence marks the outputs complete (run_state records them). */
async function writeDetectOutputs(ctx: StageContext, meta: DetectMeta, rows: Detection[], shots: ShotThumbsDoc): Promise<void> {
  await episodeArtifacts(ctx.workspace, ctx.epId).writeDetections(rows);
  const side = sidePaths(ctx.epId);
  await writeJson(ctx.workspace.abs(side.shotThumbs), shots, shotThumbsSchema);
  await writeJson(ctx.workspace.abs(side.detectMeta), meta, detectMetaSchema);
  ctx.progress({ stage: 'detect', done: meta.frames.length, total: meta.frames.length });
}

/**
 * With `harvestEarly`, the faces the harvest will sample are also cropped and embedded here, from
 * full-resolution frames of the same decode (early-harvest.ts); they are returned for this run's harvest.
 */
export async function detectEpisode(ctx: StageContext, videoPath: string, opts: { harvestEarly?: boolean } = {}): Promise<{ meta: DetectMeta; early?: EarlyFaces }> {
  const pack = ctx.pack;
  if (!pack) throw new Error('detect: no model pack loaded');
  const s = ctx.settings;
  const started = performance.now();
  const info = await probeVideo(videoPath);
  const total = estimateAnalysedFrames(info, s.stride, s.analyzeFps);
  const scenes = new SceneCutDetector({ threshold: s.sceneCutThreshold, adaptiveRatio: s.sceneCutAdaptiveRatio, minSceneLenSec: s.minSceneLenSec });
  const thinning = new StaticThinning(s.staticShotMotion);
  const shotThumbs = new ShotThumbs();
  const early = opts.harvestEarly ? new EarlyHarvest(pack, s, s.saveCrops ? ctx.workspace.abs(join(ctx.paths.cropsDir, EARLY_CROPS)) : undefined) : null;
  const earlyQueue = early ? new EarlyQueue(early, scenes) : null;
  const rows: Detection[] = [];
  const frames: Array<[number, number]> = [];
  ctx.progress({ stage: 'detect', done: 0, total });
  const detector = new OverlappedBatches<AnalysedFrame>(DETECT_BATCH, async (batch) => {
    const batchRows = await detectBatch(ctx, batch, info.width);
    rows.push(...batchRows);
    if (earlyQueue) await earlyQueue.add(batch, batchRows);
    else for (const f of batch) f.release();
    const seen = frames.length + thinning.skipped;
    ctx.progress({ stage: 'detect', done: seen, total: Math.max(total, seen) });
  });
  let earlyFaces: EarlyFaces | undefined;
  try {
    for await (const f of decodeFrames(videoPath, { stride: s.stride, analyzeFps: s.analyzeFps, fit: pack.detector.inputSize, yuv: Boolean(early), signal: ctx.signal, info })) {
      checkAborted(ctx.signal);
      // Every analysed frame feeds the scene cuts, which need the full rate; the detector may skip it.
      scenes.push(f.image, f.tsS, f.frameIdx);
      shotThumbs.push(f.frameIdx, f.image);
      shotThumbs.fold(scenes.settle());
      if (thinning.skip(scenes.lastValue)) {
        f.release();
        continue;
      }
      frames.push([f.frameIdx, f.tsS]);
      await detector.add({ ...f, scenePos: scenes.pushed - 1 });
    }
    await detector.finish();
    earlyFaces = await earlyQueue?.finish();
  } finally {
    await detector.settle();
    await early?.settle();
  }
  checkAborted(ctx.signal);
  if (frames.length === 0) throw new Error(`${videoPath}: no frames decoded`);
  const sceneCuts = scenes.finish();
  shotThumbs.fold({ decided: Infinity, cuts: sceneCuts });
  const meta: DetectMeta = {
    ep_id: ctx.epId,
    video: { path: videoPath, width: info.width, height: info.height, duration_sec: info.durationSec, fps: info.fps },
    stride: s.stride,
    frames,
    static_skipped: thinning.skipped,
    scene_cuts: sceneCuts,
    model_id: pack.detector.modelId,
    detector: pack.detector.family,
    device: pack.device,
    detections: rows.length,
    decode_detect_sec: (performance.now() - started) / 1000,
  };
  const shots = shotThumbs.shots().map((sh) => ({ start_frame: sh.start_frame, thumb: encodeThumb(sh.thumb) }));
  await writeDetectOutputs(ctx, meta, rows, { ep_id: ctx.epId, shots });
  const harvested = earlyFaces ? `, ${earlyFaces.size} faces harvested (${early!.cropped} cropped)` : '';
  ctx.log('info', `detect: ${frames.length} frames analysed (${thinning.skipped} static frames skipped), ${rows.length} detections, ${meta.scene_cuts.length} scene cuts${harvested}`);
  return { meta, early: earlyFaces };
}
