// Stage "harvest": for the faces the track stage sampled, decode those frames again, align each face
// on its 5 landmarks, embed in batches, score quality, save JPEG crops (and, if asked, full frames),
// cut every track whose faces change person at a box jump (track-cuts.ts: tracks.jsonl is final only
// here), then write faces.npy + faces.jsonl (row-aligned) and track_metrics.json (id_switches needs the
// embeddings, so the metrics are finished here).
//
// Why a second, selective decode instead of keeping frames from the first pass: which frames are
// needed is only known once tracks are final, so one pass would have to hold a face-sized crop of
// every detection (tv_dinner_scene: ~5k detections) in memory. Decoding again costs the decode time
// alone, which bench/pipeline.bench.ts measures at a small fraction of detection time, and keeps
// memory flat (one frame at a time; unneeded frames are skipped without a copy beyond the pipe).
import { readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { cropRef, frameRef } from '../../shared/layout';
import { formatFaceId } from '../../shared/schema/common';
import type { Face } from '../../shared/schema/faces';
import type { TrackMetrics } from '../../shared/schema/tracks';
import { episodeArtifacts } from '../store/artifacts';
import { writeFileAtomic } from '../store/atomic';
import { readJson } from '../store/json';
import { alignFace } from '../models/align';
import type { LoadedPack, RgbImage } from '../models/types';
import { checkAborted, type StageContext, type SettingKey } from './context';
import { decodeFrames, type DecodedFrame } from './decode';
import { OverlappedBatches } from './overlap';
import { faceQuality, rejectionReason } from './quality';
import { cutAtPersonChanges, cutCount, metricsAfterCuts, type TrackCuts } from './track-cuts';
import { jumpFrames } from './cleanup/split-tracks';
import { analysedFrames, detectMetaSchema, sidePaths, trackSamplesSchema, type DetectMeta, type Sample, type TrackSamples } from './sidefiles';

export const EMBED_BATCH = 16;
/** Settings the harvest stage reads (embedder, quality gate, exports): its run_state fingerprint. */
export const reads = ['packId', 'modelsDir', 'qualityGate', 'saveCrops', 'saveFrames'] as const satisfies readonly SettingKey[];

/**
 * Crops are squares of CROP_SCALE × the larger bbox side, centred on the box, saved with their larger
 * side between CROP_MIN and CROP_MAX px. The review grid shows faces on cards of up to 160 CSS px:
 * CROP_MAX = 160 × devicePixelRatio 2 keeps every source pixel such a card can show, and a face
 * smaller than that in the video is enlarged (Lanczos) to CROP_MIN so a card never starts from fewer
 * pixels than it has CSS pixels. The spec fixes no crop size (artifacts-schema.md §1: crops are the
 * canonical track-level images); cleanup's re-embed maps landmarks by the saved size, so any size works.
 */
const CROP_SCALE = 1.4;
export const CROP_MIN = 160;
export const CROP_MAX = 320;
export function cropBox(bboxPx: readonly number[], W: number, H: number): { left: number; top: number; width: number; height: number } {
  const cx = (bboxPx[0] + bboxPx[2]) / 2;
  const cy = (bboxPx[1] + bboxPx[3]) / 2;
  const side = Math.max(2, CROP_SCALE * Math.max(bboxPx[2] - bboxPx[0], bboxPx[3] - bboxPx[1]));
  const left = Math.max(0, Math.round(cx - side / 2));
  const top = Math.max(0, Math.round(cy - side / 2));
  const width = Math.max(1, Math.min(W - left, Math.round(side)));
  const height = Math.max(1, Math.min(H - top, Math.round(side)));
  return { left, top, width, height };
}


/** Crop encodes and atomic writes in flight at once: their fsyncs overlap instead of queueing one by one. */
const CROP_WRITES_IN_FLIGHT = 16;

/** Bounded set of pending writes: `add` waits only when the set is full; `drain` waits for all and rethrows the first failure. */
export class WriteQueue {
  private readonly pending = new Set<Promise<void>>();
  private failure: unknown = null;
  constructor(private readonly limit: number) {}

  async add(p: Promise<void>): Promise<void> {
    const tracked = p.catch((err) => {
      this.failure ??= err;
    }).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    if (this.pending.size >= this.limit) await Promise.race(this.pending);
    if (this.failure) throw this.failure;
  }

  async drain(): Promise<void> {
    await Promise.all(this.pending);
    if (this.failure) throw this.failure;
  }
}

async function jpeg(img: RgbImage, quality: number, region?: ReturnType<typeof cropBox>): Promise<Buffer> {
  let s = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
  if (region) {
    s = s.extract(region);
    const side = Math.max(region.width, region.height);
    const target = side > CROP_MAX ? CROP_MAX : side < CROP_MIN ? CROP_MIN : 0;
    if (target) s = s.resize(target, target, { fit: 'inside', kernel: 'lanczos3' });
  }
  return s.jpeg({ quality }).toBuffer();
}

/** Deletes files under `dir` (two levels: <sub>/<file>) that are not in `keep` (workspace-absolute). */
async function pruneStale(dir: string, keep: Set<string>): Promise<void> {
  const subs = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const sub of subs) {
    const p = join(dir, sub.name);
    if (!sub.isDirectory()) {
      if (!keep.has(p)) await unlink(p).catch(() => undefined);
      continue;
    }
    const files = await readdir(p).catch(() => [] as string[]);
    const stale = files.filter((f) => !keep.has(join(p, f)));
    if (stale.length === files.length) await rm(p, { recursive: true, force: true });
    else await Promise.all(stale.map((f) => unlink(join(p, f)).catch(() => undefined)));
  }
}

interface Pending { sample: Sample; aligned: RgbImage; quality: ReturnType<typeof faceQuality>; crop: string }
type Harvested = Pending & { embedding: Float32Array };

/** What the per-frame work of one harvest shares: the stage, the loaded pack, the video size and the crop/frame writes. */
interface HarvestJob {
  ctx: StageContext;
  pack: LoadedPack;
  /** ctx.settings as the stage read it at its start. */
  settings: StageContext['settings'];
  W: number;
  H: number;
  writes: WriteQueue;
  /** Workspace-absolute paths of the crops and frames written, so earlier runs' files can be pruned. */
  written: Set<string>;
}

function samplesByFrame(samples: readonly Sample[]): Map<number, Sample[]> {
  const byFrame = new Map<number, Sample[]>();
  for (const smp of samples) {
    const l = byFrame.get(smp.frame_idx);
    if (l) l.push(smp);
    else byFrame.set(smp.frame_idx, [smp]);
  }
  return byFrame;
}

/** Decodes the sampled frames of `video` and embeds their faces in batches of EMBED_BATCH (overlapped with the decoding), into `done`. */
async function readFramesAndEmbed(job: HarvestJob, video: string, stride: number, byFrame: Map<number, Sample[]>, done: Harvested[], total: number): Promise<void> {
  const { ctx, W, H } = job;
  const embedder = new OverlappedBatches<Pending>(EMBED_BATCH, async (batch) => {
    const vecs = await job.pack.embedder.embed(batch.map((q) => q.aligned));
    batch.forEach((q, i) => done.push({ ...q, embedding: vecs[i] }));
    ctx.progress({ stage: 'harvest', done: done.length, total });
  });
  try {
    for await (const f of decodeFrames(video, { stride, onlyFrames: new Set(byFrame.keys()), signal: ctx.signal })) {
      checkAborted(ctx.signal);
      if (f.image.width !== W || f.image.height !== H) {
        throw new Error(`${video}: frame size changed since detection (${f.image.width}×${f.image.height} vs ${W}×${H}); re-run detection`);
      }
      for (const p of await harvestFrame(job, f, byFrame.get(f.frameIdx) ?? [])) await embedder.add(p);
    }
    await embedder.finish();
  } finally {
    await embedder.settle();
  }
}

/** Aligns and scores each sampled face of one frame, writing its crop (and the frame) when the settings ask. */
async function harvestFrame(job: HarvestJob, f: DecodedFrame, frameSamples: Sample[]): Promise<Pending[]> {
  const out: Pending[] = [];
  const { ctx, settings: s, W, H, writes, written } = job;
  const boxesPx = frameSamples.map((smp) => [smp.bbox[0] * W, smp.bbox[1] * H, smp.bbox[2] * W, smp.bbox[3] * H]);
  // Detection ran on a frame shrunk to the detector's input; where the detector can, the
  // landmarks that steer alignment are measured again on the full-resolution face.
  const detector = job.pack.detector;
  const refined = detector.refineLandmarks ? await detector.refineLandmarks(f.image, boxesPx) : null;
  for (const [k, smp] of frameSamples.entries()) {
    const bboxPx = boxesPx[k];
    const lmPx = refined?.[k] ?? smp.landmarks.map((v, i) => v * (i % 2 === 0 ? W : H));
    if (refined) smp.landmarks = lmPx.map((v, i) => Math.min(1, Math.max(0, v / (i % 2 === 0 ? W : H))));
    const aligned = alignFace(f.image, lmPx, job.pack.embedder.inputSize);
    const quality = faceQuality({ conf: smp.conf, bboxPx, landmarksPx: lmPx, aligned });
    let crop = '';
    if (s.saveCrops) {
      crop = cropRef(smp.track_id, smp.frame_idx);
      const abs = ctx.workspace.resolveManifestRef(ctx.epId, crop);
      await writes.add(jpeg(f.image, 90, cropBox(bboxPx, W, H)).then((b) => writeFileAtomic(abs, b)));
      written.add(abs);
    }
    out.push({ sample: smp, aligned, quality, crop });
  }
  if (s.saveFrames) {
    const abs = ctx.workspace.resolveManifestRef(ctx.epId, frameRef(f.frameIdx));
    await writes.add(jpeg(f.image, 85).then((b) => writeFileAtomic(abs, b)));
    written.add(abs);
  }
  return out;
}

/** Sorts `done` by track, then frame (in place: metrics read it in that order) and makes the faces.jsonl rows. */
function facesOf(done: Harvested[], qualityGate: number): Face[] {
  done.sort((a, b) => (a.sample.track_id < b.sample.track_id ? -1 : a.sample.track_id > b.sample.track_id ? 1 : a.sample.frame_idx - b.sample.frame_idx));
  return done.map((d, i) => {
    const reason = rejectionReason(d.quality, qualityGate);
    return {
      face_id: formatFaceId(i + 1),
      track_id: d.sample.track_id,
      frame_idx: d.sample.frame_idx,
      bbox: d.sample.bbox,
      landmarks: d.sample.landmarks,
      embedding: Array.from(d.embedding),
      quality_score: d.quality.quality,
      crop_path: d.crop,
      ...(reason ? { rejection_reason: reason } : {}),
    };
  });
}

/**
 * track_metrics.json: the track stage's metrics over the cut tracks, finished with id_switches and the
 * whole run's speed. id_switches = the changes of person the harvest found inside the tracker's tracks
 * (and cut): every one a switch the tracker made, judged by the same rule cleanup uses.
 */
function trackMetricsOf(epId: string, pack: LoadedPack, meta: DetectMeta, ts: TrackSamples, cut: TrackCuts, harvestSec: number): TrackMetrics {
  const elapsed = meta.decode_detect_sec + ts.metrics.track_sec + harvestSec;
  const { track_sec: _unused, ...tm } = ts.metrics;
  return {
    ep_id: epId,
    ...metricsAfterCuts(tm, cut.tracks, cut.splits, meta.video.duration_sec),
    id_switches: cutCount(cut.splits),
    analyzed_fps: elapsed > 0 ? analysedFrames(meta) / elapsed : 0,
    elapsed_sec: elapsed,
    device: pack.device,
    detector: meta.detector,
    tracker: 'bytetrack',
  };
}

/** `videoPath` defaults to the one detection read (the orchestrator passes the current path, the file may have moved). */
export async function harvestEpisode(ctx: StageContext, videoPath?: string): Promise<TrackMetrics> {
  const pack = ctx.pack;
  if (!pack) throw new Error('harvest: no model pack loaded');
  const started = performance.now();
  const side = sidePaths(ctx.epId);
  const meta = await readJson(ctx.workspace.abs(side.detectMeta), detectMetaSchema);
  const ts = await readJson(ctx.workspace.abs(side.trackSamples), trackSamplesSchema);
  const art = episodeArtifacts(ctx.workspace, ctx.epId);
  const { width: W, height: H } = meta.video;
  const video = videoPath ?? meta.video.path;
  const { embedder } = pack;
  const s = ctx.settings;

  const byFrame = samplesByFrame(ts.samples);
  const total = ts.samples.length;
  ctx.progress({ stage: 'harvest', done: 0, total });

  const done: Harvested[] = [];
  const written = new Set<string>();
  const writes = new WriteQueue(CROP_WRITES_IN_FLIGHT);
  if (byFrame.size) {
    try {
      await readFramesAndEmbed({ ctx, pack, settings: s, W, H, writes, written }, video, meta.stride, byFrame, done, total);
    } finally {
      // A cancel or failure lets the crop writes in flight finish (each is atomic), so none leaves a temp file.
      await writes.drain().catch(() => undefined);
    }
  }
  // Every crop is on disk (each written atomically) before the manifests that name them.
  await writes.drain();
  checkAborted(ctx.signal);
  if (done.length !== total) {
    throw new Error(`harvest: decoded ${done.length} of ${total} sampled faces from ${video}; the video changed since detection`);
  }

  const dim = embedder.dim;
  const cut = cutAtPersonChanges({
    tracks: ts.tracks ?? (await art.readTracks()),
    faces: facesOf(done, s.qualityGate),
    embeddings: done.map((d) => d.embedding),
    probe: done.map((d) => Boolean(d.sample.probe)),
    jumps: jumpFrames(ts.samples),
    clusterThresh: pack.defaultClusterThresh,
  });
  for (const i of cut.dropped) if (done[i].crop) written.delete(ctx.workspace.resolveManifestRef(ctx.epId, done[i].crop));
  const faces = cut.faces;
  for (const sp of cut.splits) ctx.log('info', `harvest: ${sp.from} changes person at frame ${sp.cutFrames.join(', ')} (cosine ${sp.cosines.map((c) => c.toFixed(2)).join(', ')}): cut into ${sp.into.join(' + ')}`);
  const metrics = trackMetricsOf(ctx.epId, pack, meta, ts, cut, (performance.now() - started) / 1000);
  // The store writes faces.npy, faces.jsonl and embeddings_meta.json (model id, dim), then the
  // metrics; each file atomically. A cancel between them leaves files whose row counts disagree,
  // which validation reports and run_state (not updated for this stage) re-runs.
  await art.writeTracks(cut.tracks);
  await art.writeFaces(faces, { modelId: embedder.modelId, embeddingDim: dim });
  await art.writeTrackMetrics(metrics);
  // Only now that the new manifests reference the new files, remove crops/frames of earlier runs.
  await pruneStale(ctx.workspace.abs(ctx.paths.cropsDir), written);
  await pruneStale(ctx.workspace.abs(ctx.paths.framesDir), written);
  const rejected = faces.filter((f) => f.rejection_reason).length;
  ctx.log('info', `harvest: ${faces.length} faces (${rejected} below the quality gate), id_switches ${metrics.id_switches}`);
  return metrics;
}
