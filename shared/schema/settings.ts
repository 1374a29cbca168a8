import { z } from 'zod';

/**
 * Pipeline run settings (one object per run; recorded per stage in run_state.json so a re-run with
 * changed settings re-does exactly the stages those settings feed).
 * Defaults follow the Screenalytics seed (ByteTrack's published defaults for the tracker knobs,
 * PySceneDetect AdaptiveDetector's defaults for the scene-cut knobs), except the analysis rate and the
 * ones that depend on it (analyzeFps, matchThresh, trackBufferSec), which were set by measurement.
 */
export const pipelineSettingsSchema = z.strictObject({
  /** Analyse every Nth decoded frame (1 = every frame). */
  stride: z.number().int().min(1).default(1),
  /**
   * Analyse at most this many frames per second of video (applied after stride); 0 = no cap (every
   * stride-th frame). Default 10: tracking and clustering hold down to 6 fps, and 10 fps is the lowest
   * rate that still finds every scene cut of the real clips, at a third of the detector time of 30 fps
   * (measurements: docs/DECISIONS.md, "Analysis rate").
   */
  analyzeFps: z.number().nonnegative().default(10),
  device: z.enum(['auto', 'cpu', 'cuda', 'dml', 'coreml']).default('auto'),
  packId: z.string().min(1).default('default'),
  /** Folder holding model packs; unset = the app's models folder. */
  modelsDir: z.string().min(1).optional(),
  /** Smallest face side (pixels in the original frame) kept by the detector. */
  minFaceSize: z.number().nonnegative().default(24),
  minConfidence: z.number().min(0).max(1).default(0.5),
  /** ByteTrack: detections ≥ trackThresh take part in the first (high) association round. */
  trackThresh: z.number().min(0).max(1).default(0.5),
  /**
   * ByteTrack: IoU-distance gate (1 − IoU) for the first association round. 0.9 rather than the
   * reference's 0.8 (tuned at 30 fps) because at the default 10 fps a face moves three times as far
   * between analysed frames and the tighter gate breaks tracks during fast camera moves
   * (docs/DECISIONS.md, "Tracker gate").
   */
  matchThresh: z.number().min(0).max(1).default(0.9),
  /**
   * ByteTrack: seconds a lost track is kept before it is removed, converted to analysed frames with the
   * analysed rate (1 s = the reference's 30 frames at 30 fps), so a one-second occlusion is bridged at
   * any analyzeFps/stride.
   */
  trackBufferSec: z.number().nonnegative().default(1),
  /** ByteTrack, legacy: the buffer in analysed frames; when set it wins over trackBufferSec. */
  trackBuffer: z.number().int().min(0).optional(),
  /** ByteTrack: unmatched detections ≥ newTrackThresh start a new track. */
  newTrackThresh: z.number().min(0).max(1).default(0.6),
  /** Scene cuts: minimum HSV content value (mean per-channel delta, 0–255) of a cut; 0 disables cut detection. */
  sceneCutThreshold: z.number().nonnegative().default(15),
  /** Scene cuts: the content value must also be this many times its local background (median of neighbours). */
  sceneCutAdaptiveRatio: z.number().min(1).default(3),
  /** Scene cuts: shortest scene, seconds. */
  minSceneLenSec: z.number().nonnegative().default(0.5),
  /** Minimum spacing between two sampled faces of one track, seconds. */
  faceSampleSpacingSec: z.number().nonnegative().default(0.5),
  maxFacesPerTrack: z.number().int().min(1).default(20),
  /** Faces with quality_score below this get rejection_reason "low_quality" and are not pooled. */
  qualityGate: z.number().min(0).max(1).default(0.35),
  saveCrops: z.boolean().default(true),
  /** Full-frame JPEG exports: heavy on disk, off by default (the low-disk toggle). */
  saveFrames: z.boolean().default(false),
  /** Cosine-similarity threshold for clustering; unset = the pack's calibrated default. */
  clusterThresh: z.number().min(-1).max(1).optional(),
  minClusterSize: z.number().int().min(1).default(2),
  linkage: z.enum(['average', 'complete', 'ward']).default('average'),
});
export type PipelineSettings = z.infer<typeof pipelineSettingsSchema>;
export type PipelineSettingsInput = z.input<typeof pipelineSettingsSchema>;

export const defaultPipelineSettings = (): PipelineSettings => pipelineSettingsSchema.parse({});
