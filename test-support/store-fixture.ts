// Test fixture: a complete, valid episode built from real data and written through the store.
// Faces are the six tight "ref-friends-*" crops from ../shared/eval (plus their mirror images),
// embedded by the real MobileFaceNet (Paddle export, 128-d) with onnxruntime, so every artifact holds
// real model output. Not used by the app.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { cropRef, identityThumbRef } from '../shared/layout';
import { formatFaceId, formatIdentityId, formatTrackId, type Detection, type Face, type IdentitiesDoc, type Track } from '../shared/schema';
import { EVAL_DIR } from '../electron/models/eval-pack';
import { EpisodeArtifacts } from '../electron/store/artifacts';
import { Workspace } from '../electron/store/workspace';
import { tempDir } from './tmp';

export const FIXTURE_EP = 'friends-s01e01';
export const FIXTURE_MODEL = 'mobilefacenet_paddle';
export const FIXTURE_DIM = 128;
const PEOPLE = ['chandler', 'joey', 'monica', 'phoebe', 'rachel', 'ross'];
const FPS = 25;

export interface FaceSample {
  person: string;
  mirrored: boolean;
  /** 112×112 RGB JPEG of the face (what the crop file holds). */
  jpeg: Buffer;
  embedding: Float32Array;
}

let samples: Promise<FaceSample[]> | undefined;

/** Real embeddings of the 6 reference faces and their mirror images (computed once per process). */
export function faceSamples(): Promise<FaceSample[]> {
  samples ??= (async () => {
    const inputs: { person: string; mirrored: boolean; rgb: Buffer; jpeg: Buffer }[] = [];
    for (const person of PEOPLE) {
      for (const mirrored of [false, true]) {
        let img = sharp(join(EVAL_DIR, 'faces', `ref-friends-${person}`, '1.png')).removeAlpha().resize(112, 112, { fit: 'fill' });
        if (mirrored) img = img.flop();
        const rgb = await img.clone().raw().toBuffer();
        const jpeg = await img.jpeg({ quality: 90 }).toBuffer();
        inputs.push({ person, mirrored, rgb, jpeg });
      }
    }
    // BGR, (x − 127.5) / 128, NCHW: the preprocessing ../shared/eval/SOURCES.md measured for this model.
    const n = inputs.length;
    const tensor = new Float32Array(n * 3 * 112 * 112);
    inputs.forEach(({ rgb }, b) => {
      for (let p = 0; p < 112 * 112; p++) {
        for (let c = 0; c < 3; c++) tensor[((b * 3 + c) * 112 * 112) + p] = (rgb[p * 3 + (2 - c)] - 127.5) / 128;
      }
    });
    const session = await ort.InferenceSession.create(join(EVAL_DIR, 'models', 'mobilefacenet_paddle.onnx'));
    try {
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', tensor, [n, 3, 112, 112]) });
      const raw = out[session.outputNames[0]].data as Float32Array;
      return inputs.map(({ person, mirrored, jpeg }, b) => {
        const e = Float32Array.from(raw.subarray(b * FIXTURE_DIM, (b + 1) * FIXTURE_DIM));
        const norm = Math.hypot(...e);
        for (let i = 0; i < e.length; i++) e[i] /= norm;
        return { person, mirrored, jpeg, embedding: e };
      });
    } finally {
      await session.release();
    }
  })();
  return samples;
}

export interface Fixture {
  ws: Workspace;
  arts: EpisodeArtifacts;
  epId: string;
  tracks: Track[];
  faces: Face[];
  identities: IdentitiesDoc;
  /** Pooled (mean, re-normalised) track embeddings, rows in `trackOrder`. */
  trackOrder: string[];
  trackMatrix: Float32Array;
}

/** Writes a complete valid episode into a fresh temp workspace (removed at process exit), every artifact through EpisodeArtifacts. */
export async function buildFixture(): Promise<Fixture> {
  const root = await tempDir('screenalytics-store-');
  const ws = new Workspace(root);
  const arts = new EpisodeArtifacts(ws, FIXTURE_EP);
  const all = await faceSamples();
  const created = '2026-11-25T21:00:00.000Z';

  const detections: Detection[] = [];
  const tracks: Track[] = [];
  const faces: Face[] = [];
  const trackOrder: string[] = [];
  const trackMatrix = new Float32Array(PEOPLE.length * FIXTURE_DIM);
  for (const [t, person] of PEOPLE.entries()) {
    const trackId = formatTrackId(t + 1);
    const mine = all.filter((s) => s.person === person);
    const frames = mine.map((_, k) => 50 * t + 10 * k);
    const thumbs: string[] = [];
    for (const [k, s] of mine.entries()) {
      const frameIdx = frames[k];
      const bbox: [number, number, number, number] = [0.1 * (t % 3), 0.2, 0.1 * (t % 3) + 0.25, 0.6];
      const landmarks = [0.3, 0.35, 0.5, 0.35, 0.4, 0.45, 0.32, 0.55, 0.48, 0.55].map((v, i) => (i % 2 ? 0.2 + v * 0.4 : bbox[0] + v * 0.25));
      detections.push({ ep_id: FIXTURE_EP, frame_idx: frameIdx, ts_s: frameIdx / FPS, bbox, landmarks, conf: 0.9 - 0.01 * k, model_id: 'scrfd_500m', schema_version: 'det_v1' });
      const ref = cropRef(trackId, frameIdx);
      const abs = ws.resolveManifestRef(FIXTURE_EP, ref);
      await mkdir(dirname(abs), { recursive: true });
      await sharp(s.jpeg).toFile(abs);
      thumbs.push(ref);
      faces.push({
        face_id: formatFaceId(faces.length + 1),
        track_id: trackId,
        frame_idx: frameIdx,
        bbox,
        landmarks,
        embedding: Array.from(s.embedding),
        quality_score: s.mirrored ? 0.8 : 0.9,
        crop_path: ref,
      });
      for (let i = 0; i < FIXTURE_DIM; i++) trackMatrix[t * FIXTURE_DIM + i] += s.embedding[i];
    }
    const row = trackMatrix.subarray(t * FIXTURE_DIM, (t + 1) * FIXTURE_DIM);
    const norm = Math.hypot(...row);
    for (let i = 0; i < row.length; i++) row[i] /= norm;
    trackOrder.push(trackId);
    tracks.push({
      track_id: trackId,
      ep_id: FIXTURE_EP,
      start_s: frames[0] / FPS,
      end_s: frames[frames.length - 1] / FPS,
      frame_span: [frames[0], frames[frames.length - 1]],
      sample_thumbs: thumbs,
      stats: { detections: mine.length, avg_conf: 0.895 },
      schema_version: 'track_v1',
    });
  }
  await arts.writeDetections(detections);
  await arts.writeTracks(tracks);
  await arts.writeTrackMetrics({
    ep_id: FIXTURE_EP, tracks_born: 6, tracks_lost: 6, id_switches: 0,
    longest_tracks: tracks.slice(0, 5).map((t) => ({ track_id: t.track_id, length: t.frame_span[1] - t.frame_span[0] + 1 })),
    avg_tracks_per_frame: 1, tracks_per_minute: 6 / ((PEOPLE.length * 50) / FPS / 60), short_track_fraction: 1,
    total_frames: PEOPLE.length * 50, analyzed_fps: 25, elapsed_sec: 1.5, device: 'cpu', detector: 'scrfd', tracker: 'bytetrack', scene_cuts: 5,
  });
  await arts.writeFaces(faces, { modelId: FIXTURE_MODEL, embeddingDim: FIXTURE_DIM });
  await arts.writeTrackEmbeddings(trackOrder, trackMatrix, 'mean');

  const identities: IdentitiesDoc = {
    identities: tracks.map((t, i) => ({
      identity_id: formatIdentityId(i + 1),
      cluster_id: i + 1,
      track_ids: [t.track_id],
      canonical_face_path: identityThumbRef(formatIdentityId(i + 1)),
      embedding_stats: { centroid_norm: 1, variance: 0.01, num_tracks: 1, num_faces_total: 2 },
      labels: i === 0 ? { person_id: 'chandler-bing', name: 'Chandler Bing' } : {},
      locked: i === 0,
      created_at: created,
      updated_at: created,
    })),
    metadata: {
      ep_id: FIXTURE_EP, num_tracks: 6, num_clusters: 6, num_singletons: 0, singleton_fraction: 0, largest_cluster_size: 1,
      largest_cluster_fraction: 1 / 6, cluster_thresh: 0.58, min_cluster_size: 1, algorithm: 'agglomerative', linkage: 'average',
      created_at: created, model_id: FIXTURE_MODEL, embedding_dim: FIXTURE_DIM,
    },
  };
  for (const [i, t] of tracks.entries()) {
    const abs = ws.resolveManifestRef(FIXTURE_EP, identityThumbRef(formatIdentityId(i + 1)));
    await mkdir(dirname(abs), { recursive: true });
    await sharp(ws.resolveManifestRef(FIXTURE_EP, t.sample_thumbs[0])).resize(96, 96).jpeg().toFile(abs);
  }
  await arts.writeIdentities(identities);
  await arts.writeCleanupReport({
    ep_id: FIXTURE_EP, actions_run: ['recluster'],
    before: { num_tracks: 6, num_faces: 12, num_clusters: 6, singleton_fraction: 0 },
    after: { num_tracks: 6, num_faces: 12, num_clusters: 6, singleton_fraction: 0 },
    split_tracks_summary: { tracks_split: 0, new_tracks_created: 0 },
    reembed_summary: { faces_rejected: 0, mean_quality_before: 0.85, mean_quality_after: 0.85 },
    recluster_summary: { clusters_merged: 0 }, elapsed_sec: 0.2, created_at: created,
  });
  return { ws, arts, epId: FIXTURE_EP, tracks, faces, identities, trackOrder, trackMatrix };
}
