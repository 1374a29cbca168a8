// Stage "harvest": for the faces the track stage sampled, the aligned crop, its embedding (batched),
// its quality and the reviewer's JPEG crop (and, if asked, the full frame); it cuts every track whose
// faces change person at a box jump (track-cuts.ts: tracks.jsonl is final only here), then writes
// faces.npy + faces.jsonl (row-aligned) and track_metrics.json (id_switches needs the embeddings, so
// the metrics are finished here).
//
// In a full run the detection pass has already harvested the sampled faces while it had their frames
// (early-harvest.ts: it tracks as it goes), so nothing is decoded twice. Faces it does not hold — a
// re-run after the track settings changed, a resumed run, frame exports — are cut from a second,
// selective decode of just their frames, with the same code (face-crop.ts), so both ways give the same faces.
import { readdir, rm, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cropRef, frameRef } from '../../shared/layout';
import { formatFaceId } from '../../shared/schema/common';
import type { Face } from '../../shared/schema/faces';
import type { TrackMetrics } from '../../shared/schema/tracks';
import { episodeArtifacts } from '../store/artifacts';
import { fsyncDir, moveFile, writeFileAtomic } from '../store/atomic';
import { readJson } from '../store/json';
import type { LoadedPack, RgbImage } from '../models/types';
import { checkAborted, type StageContext, type SettingKey } from './context';
import { decodeYuvFrames } from './decode';
import { cropFace, EMBED_BATCH, jpeg, type CroppedFace } from './face-crop';
import { faceKey, type EarlyFaces } from './early-harvest';
import { OverlappedBatches, WriteQueue } from './overlap';
import { rejectionReason } from './quality';
import { yuvToRgb, type YuvImage } from './yuv';
import { cutAtPersonChanges, cutCount, metricsAfterCuts, type TrackCuts } from './track-cuts';
import { jumpFrames } from './cleanup/split-tracks';
import { analysedFrames, detectMetaSchema, sidePaths, trackSamplesSchema, type DetectMeta, type Sample, type TrackSamples } from './sidefiles';

/** Settings the harvest stage reads (embedder, quality gate, exports): its run_state fingerprint. */
export const reads = ['packId', 'modelsDir', 'qualityGate', 'saveCrops', 'saveFrames'] as const satisfies readonly SettingKey[];

/** Crop encodes and atomic writes in flight at once: their fsyncs overlap instead of queueing one by one. */
const CROP_WRITES_IN_FLIGHT = 16;

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

interface Harvested { sample: Sample; quality: CroppedFace['quality']; crop: string; embedding: Float32Array }
type Pending = Omit<Harvested, 'embedding'> & { aligned: RgbImage };

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
  /** Folders that staged crops were moved into: fsynced once each when all are in. */
  movedInto: Set<string>;
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

/**
 * Queues the atomic write of a face's crop (when crops are saved) and returns its crop_path ('' when
 * not): its JPEG, or the file the detection pass staged, moved under the track's final id.
 */
function writeCrop(job: HarvestJob, smp: Sample, crop: { bytes: Promise<Buffer> } | { staged: string } | null): Promise<string> {
  if (!job.settings.saveCrops || !crop) return Promise.resolve('');
  const ref = cropRef(smp.track_id, smp.frame_idx);
  const abs = job.ctx.workspace.resolveManifestRef(job.ctx.epId, ref);
  job.written.add(abs);
  if ('staged' in crop) job.movedInto.add(dirname(abs));
  const write = 'staged' in crop ? moveFile(crop.staged, abs) : crop.bytes.then((b) => writeFileAtomic(abs, b));
  return job.writes.add(write).then(() => ref);
}

/** Faces the detection pass already harvested: their crops written under the final track ids, into `done`. */
async function takeEarly(job: HarvestJob, samples: readonly Sample[], early: EarlyFaces, done: Harvested[]): Promise<Sample[]> {
  const missing: Sample[] = [];
  for (const smp of samples) {
    const e = early.get(faceKey(smp.frame_idx, smp.bbox));
    if (!e) {
      missing.push(smp);
      continue;
    }
    smp.landmarks = e.landmarks;
    done.push({ sample: smp, quality: e.quality, crop: await writeCrop(job, smp, e.stagedCrop ? { staged: e.stagedCrop } : null), embedding: e.embedding });
  }
  return missing;
}

/** Decodes the frames of `byFrame` and embeds their faces in batches of EMBED_BATCH (overlapped with the decoding), into `done`. */
async function readFramesAndEmbed(job: HarvestJob, video: string, stride: number, byFrame: Map<number, Sample[]>, done: Harvested[], total: number): Promise<void> {
  const { ctx, W, H } = job;
  const embedder = new OverlappedBatches<Pending>(EMBED_BATCH, async (batch) => {
    const vecs = await job.pack.embedder.embed(batch.map((q) => q.aligned));
    batch.forEach(({ aligned: _a, ...q }, i) => done.push({ ...q, embedding: vecs[i] }));
    ctx.progress({ stage: 'harvest', done: done.length, total });
  });
  try {
    for await (const f of decodeYuvFrames(video, { stride, onlyFrames: new Set(byFrame.keys()), signal: ctx.signal })) {
      checkAborted(ctx.signal);
      if (f.yuv.width !== W || f.yuv.height !== H) {
        throw new Error(`${video}: frame size changed since detection (${f.yuv.width}×${f.yuv.height} vs ${W}×${H}); re-run detection`);
      }
      const pending = await harvestFrame(job, f.frameIdx, f.yuv, byFrame.get(f.frameIdx) ?? []);
      f.release();
      for (const p of pending) await embedder.add(p);
    }
    await embedder.finish();
  } finally {
    await embedder.settle();
  }
}

/** Aligns and scores each sampled face of one frame, writing its crop (and the frame) when the settings ask. */
async function harvestFrame(job: HarvestJob, frameIdx: number, frame: YuvImage, frameSamples: Sample[]): Promise<Pending[]> {
  const out: Pending[] = [];
  for (const smp of frameSamples) {
    const c = await cropFace(job.pack, frame, smp, job.settings.saveCrops);
    smp.landmarks = c.landmarks;
    out.push({ sample: smp, aligned: c.aligned, quality: c.quality, crop: await writeCrop(job, smp, c.jpeg ? { bytes: c.jpeg } : null) });
  }
  if (job.settings.saveFrames) {
    const abs = job.ctx.workspace.resolveManifestRef(job.ctx.epId, frameRef(frameIdx));
    await job.writes.add(jpeg(yuvToRgb(frame), 85).then((b) => writeFileAtomic(abs, b)));
    job.written.add(abs);
  }
  return out;
}

/**
 * Every sampled face with its embedding and crop: those the detection pass harvested, the rest from a
 * decoding pass over their frames. Returns once every crop is on disk (each written atomically),
 * before the manifests that name them.
 */
async function gatherFaces(job: HarvestJob, samples: Sample[], video: string, stride: number, early: EarlyFaces | undefined): Promise<Harvested[]> {
  const { ctx, writes } = job;
  const done: Harvested[] = [];
  try {
    const missing = early && !job.settings.saveFrames ? await takeEarly(job, samples, early, done) : samples;
    const byFrame = samplesByFrame(missing);
    ctx.progress({ stage: 'harvest', done: done.length, total: samples.length });
    ctx.log('info', `harvest: ${samples.length - missing.length} faces from the detection pass, ${byFrame.size} frames decoded again`);
    if (byFrame.size) await readFramesAndEmbed(job, video, stride, byFrame, done, samples.length);
  } finally {
    // A cancel or failure lets the crop writes in flight finish (each is atomic), so none leaves a temp file.
    await writes.drain().catch(() => undefined);
  }
  await writes.drain();
  await Promise.all([...job.movedInto].map((d) => fsyncDir(d)));
  checkAborted(ctx.signal);
  if (done.length !== samples.length) {
    throw new Error(`harvest: decoded ${done.length} of ${samples.length} sampled faces from ${video}; the video changed since detection`);
  }
  return done;
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

/**
 * `videoPath` defaults to the one detection read (the orchestrator passes the current path, the file
 * may have moved); `early` = faces the detection pass of this run harvested (only its frames' faces
 * not in it are decoded again).
 */
export async function harvestEpisode(ctx: StageContext, videoPath?: string, early?: EarlyFaces): Promise<TrackMetrics> {
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

  const total = ts.samples.length;
  ctx.progress({ stage: 'harvest', done: 0, total });

  const written = new Set<string>();
  const done = await gatherFaces({ ctx, pack, settings: s, W, H, writes: new WriteQueue(CROP_WRITES_IN_FLIGHT), written, movedInto: new Set() }, ts.samples, video, meta.stride, early);

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
