// Harvesting during the detection pass, so a video is decoded once: the frames are in memory there,
// and which faces the harvest will sample follows from the tracks. The tracker is online (ByteTrack
// only looks back), so this runs the track stage's tracker over the detections as they come (same
// settings, same scene-cut resets, once a cut decision is final), crops each face that may be sampled
// — a track's faces at the sampling spacing and those after a box jump, a superset of what the track
// stage samples — and, once a track has ended, embeds exactly the faces the track stage will sample
// (its own rule, `samplesOf`). The track stage stays the authority: the harvest takes from here only
// faces that match its samples by frame and box, and decodes again whatever is not here.
import { join } from 'node:path';
import type { Detection } from '../../shared/schema/detections';
import type { PipelineSettings } from '../../shared/schema/settings';
import { iou } from '../../shared/geometry';
import type { Box } from '../../shared/cluster/trackmatch';
import type { LoadedPack } from '../models/types';
import { writeFileSynced } from '../store/atomic';
import { ByteTracker } from './bytetrack';
import { cropFace, EMBED_BATCH, type CroppedFace } from './face-crop';
import { OverlappedBatches, WriteQueue } from './overlap';
import { analysedRate, JUMP_IOU, JUMP_SAMPLES, RATE_FRAMES, samplesOf, trackBufferFrames } from './track';
import type { YuvImage } from './yuv';

export interface EarlyFace {
  embedding: Float32Array;
  quality: CroppedFace['quality'];
  landmarks: number[];
  /** The reviewer's crop, written under the staging folder: the harvest moves it under the track's final id. */
  stagedCrop: string | null;
}

/** Faces harvested by the detection pass, by faceKey. */
export type EarlyFaces = Map<string, EarlyFace>;

/** Folder under the episode's crops where the detection pass stages them (the harvest's pruning removes leftovers). */
export const EARLY_CROPS = '.early';

export const faceKey = (frameIdx: number, bbox: readonly number[]): string => `${frameIdx}@${bbox.join(',')}`;

type EarlySettings = Pick<
  PipelineSettings,
  'trackThresh' | 'matchThresh' | 'trackBuffer' | 'trackBufferSec' | 'newTrackThresh' | 'faceSampleSpacingSec' | 'maxFacesPerTrack' | 'minTrackDetections' | 'saveCrops'
>;

/** One detected frame as the detection pass hands it over. */
export interface DetectedFrame {
  frameIdx: number;
  tsS: number;
  yuv: YuvImage;
  dets: Detection[];
  /** A scene starts here (the tracker is reset first). */
  cut: boolean;
  /** Called once the frame's pixels are no longer needed (the decoder reuses its buffers). */
  release?: () => void;
}

interface OpenTrack {
  dets: Detection[];
  seqs: number[];
  /** Cropped faces by index in `dets`. */
  crops: Map<number, CroppedFace>;
  lastSpacedTs: number;
  /** Detections still to crop after the last jump. */
  afterJump: number;
}

export class EarlyHarvest {
  readonly faces: EarlyFaces = new Map();
  private tracker: ByteTracker | null = null;
  /** Frames held until RATE_FRAMES have arrived: the tracker is sized like the track stage's (track.ts). */
  private readonly waiting: DetectedFrame[] = [];
  private readonly open = new Map<number, OpenTrack>();
  private readonly embedder: OverlappedBatches<{ key: string; face: CroppedFace }>;
  /** Faces cropped (a superset of those kept). */
  cropped = 0;
  /** Frames tracked so far (the tracker's frame sequence). */
  private seq = 0;

  /** Crops being written to the staging folder (an episode's crops would not fit in memory). */
  private readonly writes = new WriteQueue(16);
  private staged = 0;

  /** `stagingDir`: where the crops wait for their track's final id (crops are not saved without it). */
  constructor(private readonly pack: LoadedPack, private readonly s: EarlySettings, private readonly stagingDir?: string) {
    this.embedder = new OverlappedBatches(EMBED_BATCH, async (batch) => {
      const vecs = await pack.embedder.embed(batch.map((b) => b.face.aligned));
      for (const [i, { key, face }] of batch.entries()) {
        let stagedCrop: string | null = null;
        if (face.jpeg && this.stagingDir) {
          const path = (stagedCrop = join(this.stagingDir, `${++this.staged}.jpg`));
          // fsynced here, off this thread while the detection runs: the harvest then only renames it.
          await this.writes.add(face.jpeg.then((b) => writeFileSynced(path, b)));
        }
        this.faces.set(key, { embedding: vecs[i], quality: face.quality, landmarks: face.landmarks, stagedCrop });
      }
    });
  }

  /** Hands over the next detected frame (in order). */
  async frame(f: DetectedFrame): Promise<void> {
    if (!this.tracker) {
      this.waiting.push(f);
      if (this.waiting.length < RATE_FRAMES) return;
      await this.start();
    } else await this.track(f);
  }

  /** Ends every track and waits for the last embeddings. */
  async finish(): Promise<EarlyFaces> {
    if (!this.tracker) await this.start();
    await this.ended(this.tracker!.takeEnded(true));
    await this.embedder.finish();
    await this.writes.drain();
    return this.faces;
  }

  /** Waits for what finish() did not (a failed or cancelled pass); the run then removes the staging folder. */
  async settle(): Promise<void> {
    await this.embedder.settle();
    await this.writes.drain().catch(() => undefined);
  }

  private async start(): Promise<void> {
    const rate = analysedRate(this.waiting.map((f) => [f.frameIdx, f.tsS] as [number, number]));
    this.tracker = new ByteTracker({ ...this.s, trackBuffer: trackBufferFrames(this.s, rate) });
    for (const f of this.waiting.splice(0)) await this.track(f);
  }

  private async track(f: DetectedFrame): Promise<void> {
    const tracker = this.tracker!;
    if (f.cut) tracker.reset();
    const { width: W, height: H } = f.yuv;
    const { assignment } = tracker.update(f.dets.map((d) => ({ bbox: [d.bbox[0] * W, d.bbox[1] * H, d.bbox[2] * W, d.bbox[3] * H], score: d.conf })));
    const seq = this.seq++;
    for (const [di, uid] of assignment.entries()) {
      if (uid < 0) continue;
      let t = this.open.get(uid);
      if (!t) this.open.set(uid, (t = { dets: [], seqs: [], crops: new Map(), lastSpacedTs: -Infinity, afterJump: 0 }));
      const d = f.dets[di];
      const k = t.dets.length;
      if (k > 0 && (seq - t.seqs[k - 1] > 1 || iou(t.dets[k - 1].bbox as unknown as Box, d.bbox as unknown as Box) < JUMP_IOU)) t.afterJump = JUMP_SAMPLES;
      t.dets.push(d);
      t.seqs.push(seq);
      // pickSamples' greedy spacing and samplesWithJumps' faces after a jump, decided as the track grows.
      const spaced = d.ts_s - t.lastSpacedTs >= this.s.faceSampleSpacingSec - 1e-9;
      if (spaced) t.lastSpacedTs = d.ts_s;
      if (spaced || t.afterJump > 0) {
        t.crops.set(k, await cropFace(this.pack, f.yuv, d, this.s.saveCrops));
        this.cropped++;
      }
      if (t.afterJump > 0) t.afterJump--;
    }
    f.release?.();
    await this.ended(tracker.takeEnded());
  }

  /** Embeds the faces the track stage will sample from each ended track; the other crops are dropped. */
  private async ended(tracks: ReturnType<ByteTracker['takeEnded']>): Promise<void> {
    for (const e of tracks) {
      const t = this.open.get(e.uid);
      this.open.delete(e.uid);
      if (!t || !e.confirmed || t.dets.length < this.s.minTrackDetections) continue;
      for (const smp of samplesOf('', t.dets, t.seqs, this.s)) {
        const k = t.dets.findIndex((d) => d.frame_idx === smp.frame_idx);
        const face = t.crops.get(k);
        if (face) await this.embedder.add({ key: faceKey(smp.frame_idx, smp.bbox), face });
      }
    }
  }
}
