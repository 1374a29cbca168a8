import { z } from 'zod';

/**
 * Pipeline run settings (one object per run; `.describe()` is each setting's one-line help, shown by
 * the CLI's generated flags; recorded per stage in run_state.json so a re-run with
 * changed settings re-does exactly the stages those settings feed).
 * Defaults follow the Screenalytics seed (ByteTrack's published defaults for the tracker knobs,
 * PySceneDetect AdaptiveDetector's defaults for the scene-cut knobs), except the analysis rate and the
 * ones that depend on it (analyzeFps, matchThresh, trackBufferSec), which were set by measurement.
 */
export const pipelineSettingsSchema = z.strictObject({
  /** Analyse every Nth decoded frame (1 = every frame). */
  stride: z.number().int().min(1).default(1).describe('analyse every Nth decoded frame (1 = every frame)'),
  /**
   * Analyse at most this many frames per second of video (applied after stride); 0 = no cap (every
   * stride-th frame). Default 10: tracking and clustering hold down to 6 fps, and 10 fps is the lowest
   * rate that still finds every scene cut of the real clips, at a third of the detector time of 30 fps
   * (measurements: docs/DECISIONS.md, "Analysis rate").
   */
  analyzeFps: z.number().nonnegative().default(10).describe('frames analysed per second of video, after stride (0 = every stride-th frame)'),
  device: z.enum(['auto', 'cpu', 'cuda', 'dml', 'coreml']).default('auto').describe('where models run'),
  packId: z.string().min(1).default('default').describe('model pack (see `screenalytics models list`)'),
  /** Folder holding model packs; unset = the app's models folder. */
  modelsDir: z.string().min(1).optional().describe('folder holding model packs (default: the app\'s models folder)'),
  /** Smallest face side (pixels in the original frame) kept by the detector. */
  minFaceSize: z.number().nonnegative().default(24).describe('smallest face side kept by the detector, in pixels of the video'),
  minConfidence: z.number().min(0).max(1).default(0.5).describe('smallest detector confidence kept'),
  /** ByteTrack: detections ≥ trackThresh take part in the first (high) association round. */
  trackThresh: z.number().min(0).max(1).default(0.5).describe('tracker: detections at least this confident take part in the first association round'),
  /**
   * ByteTrack: IoU-distance gate (1 − IoU) for the first association round. 0.9 rather than the
   * reference's 0.8 (tuned at 30 fps) because at the default 10 fps a face moves three times as far
   * between analysed frames and the tighter gate breaks tracks during fast camera moves
   * (docs/DECISIONS.md, "Tracker gate").
   */
  matchThresh: z.number().min(0).max(1).default(0.9).describe('tracker: IoU-distance gate (1 - IoU) of the first association round'),
  /**
   * ByteTrack: seconds a lost track is kept before it is removed, converted to analysed frames with the
   * analysed rate (1 s = the reference's 30 frames at 30 fps), so a one-second occlusion is bridged at
   * any analyzeFps/stride.
   */
  trackBufferSec: z.number().nonnegative().default(1).describe('tracker: seconds a lost track is kept'),
  /** ByteTrack, legacy: the buffer in analysed frames; when set it wins over trackBufferSec. */
  trackBuffer: z.number().int().min(0).optional().describe('tracker: lost-track buffer in analysed frames (wins over track-buffer-sec)'),
  /** ByteTrack: unmatched detections ≥ newTrackThresh start a new track. */
  newTrackThresh: z.number().min(0).max(1).default(0.6).describe('tracker: unmatched detections at least this confident start a track'),
  /** Tracks seen on fewer analysed frames are dropped (their detections stay in detections.jsonl): a face
   *  caught for a frame or two — a head at the frame's edge, a passer-by — is too brief to review or to
   *  embed well, and became an identity of its own (docs/DECISIONS.md, "Shortest track"). */
  minTrackDetections: z.number().int().min(1).default(3).describe('tracker: a track needs at least this many analysed frames with its face (1 = keep every track)'),
  /** Scene cuts: minimum HSV content value (mean per-channel delta, 0–255) of a cut; 0 disables cut detection. */
  sceneCutThreshold: z.number().nonnegative().default(15).describe('scene cuts: smallest HSV content value of a cut (0 = no cut detection)'),
  /** Scene cuts: the content value must also be this many times its local background (median of neighbours). */
  sceneCutAdaptiveRatio: z.number().min(1).default(3).describe('scene cuts: content value over its local background'),
  /**
   * Static shots: where the content value to the previous analysed frame (the scene-cut measure) is
   * below this, the detector skips every other analysed frame and the tracker bridges the gap; 0 runs
   * the detector on every analysed frame. Off by default: it costs identity purity on the labeled clips
   * (docs/DECISIONS.md, "Static shots"), so it is the fast preset's trade, not the default.
   */
  staticShotMotion: z.number().nonnegative().default(0).describe('static shots: below this frame-to-frame change (HSV content value) the detector runs on every other analysed frame (0 = every frame)'),
  /** Scene cuts: shortest scene, seconds. */
  minSceneLenSec: z.number().nonnegative().default(0.5).describe('scene cuts: shortest scene, seconds'),
  /** Minimum spacing between two sampled faces of one track, seconds. */
  faceSampleSpacingSec: z.number().nonnegative().default(0.5).describe('seconds between two sampled faces of one track'),
  maxFacesPerTrack: z.number().int().min(1).default(20).describe('most faces sampled per track'),
  /**
   * Faces with quality_score below this get rejection_reason "low_quality" and are not pooled: dark and
   * turned faces embed alike whoever they show, so pooled they pull different people's tracks together
   * (the value: docs/DECISIONS.md).
   */
  qualityGate: z.number().min(0).max(1).default(0.4).describe('faces below this quality score are rejected (low_quality) and not pooled'),
  saveCrops: z.boolean().default(true).describe('save face crops'),
  /** Full-frame JPEG exports: heavy on disk, off by default (the low-disk toggle). */
  saveFrames: z.boolean().default(false).describe('also export full frames (heavy on disk)'),
  /** Cosine-similarity threshold for clustering; unset = the pack's calibrated default. */
  clusterThresh: z.number().min(-1).max(1).optional().describe('clustering cosine-similarity threshold (default: the pack\'s calibrated value)'),
  minClusterSize: z.number().int().min(1).default(2).describe('smaller clusters become singletons'),
  linkage: z.enum(['average', 'complete', 'ward']).default('average').describe('clustering linkage'),
  /**
   * Same setup, same place: join identities across shots of one camera setup where a face sits at the
   * same place (shared/cluster/setup-links.ts; docs/DECISIONS.md). Off for material that seats different
   * people in one place across an episode (a talk show's guest chair).
   */
  sameSetupLinks: z.boolean().default(true).describe('join identities across shots of one camera setup where a face sits at the same place (off for talk shows that seat different guests in one chair)'),
});
export type PipelineSettings = z.infer<typeof pipelineSettingsSchema>;
export type PipelineSettingsInput = z.input<typeof pipelineSettingsSchema>;

export const defaultPipelineSettings = (): PipelineSettings => pipelineSettingsSchema.parse({});
