// The artifact contract (spec §2–§8, invariants §10.2): one accepted example per artifact taken from
// the spec itself, and each invariant broken once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import { parseEpId } from '../episode';
import { episodePaths, manifestRefProblem, manifestRefToWorkspacePath } from '../layout';
import {
  cleanupReportSchema,
  detectionSchema,
  embeddingMatrixSchema,
  embeddingsMetaSchema,
  faceSchema,
  identitiesDocSchema,
  trackMetricsSchema,
  trackSchema,
} from './index';

/** Field paths and messages of the issues `schema` finds in `value` (empty when valid). */
function issues(schema: z.ZodType, value: unknown): string[] {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const det = { ep_id: 'rhobh-s05e02', frame_idx: 42, ts_s: 1.75, bbox: [0.1, 0.2, 0.3, 0.4], landmarks: [0.15, 0.25, 0.25, 0.25, 0.2, 0.3, 0.15, 0.35, 0.25, 0.35], conf: 0.95, model_id: 'retinaface_r50_v1', schema_version: 'det_v1' };
const track = { track_id: 'track-00001', ep_id: 'rhobh-s05e02', start_s: 1.5, end_s: 12.3, frame_span: [30, 246], sample_thumbs: ['crops/track-00001/frame_0030.jpg'], stats: { detections: 216, avg_conf: 0.92 }, schema_version: 'track_v1' };
const unitVec = (dim: number) => Array.from({ length: dim }, (_, i) => (i === 0 ? 0.6 : i === 1 ? 0.8 : 0));
const face = { face_id: 'face-00001', track_id: 'track-00001', frame_idx: 42, bbox: [0.1, 0.2, 0.3, 0.4], landmarks: det.landmarks, embedding: unitVec(512), quality_score: 0.87, crop_path: 'crops/track-00001/frame_000042.jpg' };
const ts = '2025-11-18T12:34:56Z';
const identity = { identity_id: 'identity-00001', cluster_id: 1, track_ids: ['track-00001', 'track-00005'], canonical_face_path: 'thumbs/identity-00001/rep.jpg', embedding_stats: { centroid_norm: 1, variance: 0.023, num_tracks: 2, num_faces_total: 142 }, labels: { person_id: 'lisa-vanderpump', name: 'Lisa Vanderpump' }, locked: true, created_at: ts, updated_at: ts };
const metadata = { ep_id: 'rhobh-s05e02', num_tracks: 42, num_clusters: 8, num_singletons: 6, singleton_fraction: 0.14, largest_cluster_size: 12, largest_cluster_fraction: 0.29, cluster_thresh: 0.58, min_cluster_size: 2, algorithm: 'agglomerative', linkage: 'average', created_at: ts };

test('the spec examples validate', () => {
  assert.deepEqual(issues(detectionSchema, det), []);
  assert.deepEqual(issues(trackSchema, track), []);
  assert.deepEqual(issues(faceSchema(), face), []);
  assert.deepEqual(issues(identitiesDocSchema, { identities: [identity], metadata }), []);
  assert.deepEqual(issues(trackMetricsSchema, { ep_id: 'rhobh-s05e02', tracks_born: 42, tracks_lost: 40, id_switches: 2, longest_tracks: [{ track_id: 'track-00005', length: 512 }], avg_tracks_per_frame: 2.3, tracks_per_minute: 18.5, short_track_fraction: 0.12, total_frames: 2400, analyzed_fps: 8, elapsed_sec: 120.5, device: 'cpu', detector: 'retinaface', tracker: 'bytetrack', scene_cuts: 5 }), []);
  assert.deepEqual(issues(cleanupReportSchema, { ep_id: 'rhobh-s05e02', actions_run: ['split_tracks', 'reembed', 'recluster'], before: { num_tracks: 42, num_faces: 2048, num_clusters: 18, singleton_fraction: 0.38 }, after: { num_tracks: 58, num_faces: 1876, num_clusters: 12, singleton_fraction: 0.15 }, split_tracks_summary: { tracks_split: 8, new_tracks_created: 16 }, reembed_summary: { faces_rejected: 172, mean_quality_before: 0.72, mean_quality_after: 0.84 }, recluster_summary: { clusters_merged: 6 }, elapsed_sec: 245.3, created_at: ts }), []);
});

test('detections: bbox in [0, 1] with x1 ≤ x2 and y1 ≤ y2, 10 landmarks, conf in [0, 1], schema_version', () => {
  assert.deepEqual(issues(detectionSchema, { ...det, bbox: [0.1, 0.2, 1.01, 0.4] }), ['bbox.2: must be in [0, 1]']);
  assert.deepEqual(issues(detectionSchema, { ...det, bbox: [-0.1, 0.2, 0.3, 0.4] }), ['bbox.0: must be in [0, 1]']);
  assert.match(issues(detectionSchema, { ...det, bbox: [0.1, 0.5, 0.3, 0.4] })[0], /bbox: bbox must satisfy x1 ≤ x2 and y1 ≤ y2/);
  assert.match(issues(detectionSchema, { ...det, landmarks: det.landmarks.slice(0, 8) })[0], /landmarks: landmarks must have 10 numbers/);
  assert.deepEqual(issues(detectionSchema, { ...det, conf: 1.2 }), ['conf: must be in [0, 1]']);
  assert.match(issues(detectionSchema, { ...det, schema_version: 'det_v2' })[0], /schema_version: .*det_v1/);
  assert.match(issues(detectionSchema, { ...det, extra: 1 })[0], /Unrecognized key/);
});

test('tracks: id format, start_s ≤ end_s, frame_span ordered, stats.detections ≥ 1', () => {
  assert.match(issues(trackSchema, { ...track, track_id: 'track-1' })[0], /track_id: must match track-\{N:05d\}/);
  assert.deepEqual(issues(trackSchema, { ...track, start_s: 13 }), ['end_s: start_s must be ≤ end_s']);
  assert.deepEqual(issues(trackSchema, { ...track, frame_span: [300, 246] }), ['frame_span: frame_span[0] must be ≤ frame_span[1]']);
  assert.deepEqual(issues(trackSchema, { ...track, stats: { detections: 0, avg_conf: 0.9 } }), ['stats.detections: stats.detections must be ≥ 1']);
  assert.match(issues(trackSchema, { ...track, sample_thumbs: ['/abs/x.jpg'] })[0], /sample_thumbs\.0: .*must be relative/);
});

test('faces: id formats, embedding length and unit norm (±0.01) at the pack dimension, quality_score, safe crop_path', () => {
  assert.match(issues(faceSchema(), { ...face, face_id: 'face-001' })[0], /face_id: must match face-\{N:05d\}/);
  // {N:05d} pads to five digits but never truncates: the 100,000th face is face-100000.
  assert.deepEqual(issues(faceSchema(), { ...face, face_id: 'face-100000' }), []);
  assert.match(issues(faceSchema(), { ...face, face_id: 'face-0100000' })[0], /face_id: must match/);
  assert.match(issues(faceSchema(), { ...face, embedding: unitVec(128) })[0], /embedding: embedding must have 512 numbers/);
  assert.deepEqual(issues(faceSchema(128), { ...face, embedding: unitVec(128) }), []);
  assert.deepEqual(issues(faceSchema(), { ...face, embedding: unitVec(512).map((v) => v * 1.009) }), []);
  assert.match(issues(faceSchema(), { ...face, embedding: unitVec(512).map((v) => v * 1.02) })[0], /embedding: embedding must be unit-norm \(±0\.01\)/);
  assert.deepEqual(issues(faceSchema(), { ...face, quality_score: 1.5 }), ['quality_score: must be in [0, 1]']);
  assert.match(issues(faceSchema(), { ...face, crop_path: '../../etc/passwd' })[0], /crop_path: .*must not contain/);
  assert.equal((faceSchema().parse({ ...face, crop_path: undefined }) as { crop_path: string }).crop_path, '');
});

test('identities: id format, ISO-8601 timestamps, unique identities, a track in one identity only', () => {
  const doc = (ids: unknown[]) => ({ identities: ids, metadata });
  assert.match(issues(identitiesDocSchema, doc([{ ...identity, identity_id: 'id-1' }]))[0], /identity_id: must match identity-\{N:05d\}/);
  assert.match(issues(identitiesDocSchema, doc([{ ...identity, created_at: '18/11/2025 12:34' }]))[0], /identities\.0\.created_at/);
  assert.deepEqual(issues(identitiesDocSchema, doc([{ ...identity, updated_at: '2025-11-18T12:34:56.123+02:00' }])), []);
  assert.match(issues(identitiesDocSchema, doc([identity, identity]))[0], /duplicate identity_id identity-00001/);
  assert.match(issues(identitiesDocSchema, doc([identity, { ...identity, identity_id: 'identity-00002', track_ids: ['track-00005'] }]))[0], /track track-00005 is already in identity-00001/);
});

test('embeddings metadata and matrices: model id and dimension recorded, rows finite and unit-norm', () => {
  assert.deepEqual(issues(embeddingsMetaSchema, { ep_id: 'rhobh-s05e02', model_id: 'arcface_r100', embedding_dim: 512, faces_rows: 2, track_order: ['track-00001'], pooling: 'mean', created_at: ts }), []);
  assert.match(issues(embeddingsMetaSchema, { ep_id: 'rhobh-s05e02', embedding_dim: 512, faces_rows: 2, track_order: [], pooling: 'mean', created_at: ts })[0], /model_id/);
  const m = new Float32Array([0.6, 0.8, 0, 1]);
  assert.deepEqual(issues(embeddingMatrixSchema(2, 2), { shape: [2, 2], data: m }), []);
  assert.deepEqual(issues(embeddingMatrixSchema(2, 3), { shape: [2, 2], data: m }), ['shape.0: has 2 rows, expected 3']);
  assert.deepEqual(issues(embeddingMatrixSchema(2), { shape: [2, 2], data: new Float32Array([0.6, 0.8, NaN, 1]) }), ['rows.1: column 0 is NaN, not a finite number']);
  assert.deepEqual(issues(embeddingMatrixSchema(2), { shape: [2, 2], data: new Float32Array([0.6, 0.8, 0, 2]) }), ['rows.1: norm 2.0000 is not 1 ± 0.01']);
});

test('episode ids parse into show / season / episode and map to the §1 layout', () => {
  assert.deepEqual(parseEpId('rhobh-s05e02'), { epId: 'rhobh-s05e02', show: 'rhobh', season: 5, episode: 2 });
  assert.deepEqual(parseEpId('the-office-s10e123'), { epId: 'the-office-s10e123', show: 'the-office', season: 10, episode: 123 });
  for (const bad of ['RHOBH-s05e02', 'rhobh-05e02', 'rhobh', '-s01e01', 'rhobh-s05e02/..']) assert.throws(() => parseEpId(bad), /invalid ep_id/, bad);
  const p = episodePaths('rhobh-s05e02');
  assert.equal(p.tracks, 'data/manifests/rhobh-s05e02/tracks.jsonl');
  assert.equal(p.facesNpy, 'data/embeds/rhobh-s05e02/faces.npy');
  assert.equal(p.cropsDir, 'artifacts/crops/rhobh/s05/e02/tracks');
  assert.equal(manifestRefToWorkspacePath('rhobh-s05e02', 'crops/track-00001/frame_000042.jpg'), 'artifacts/crops/rhobh/s05/e02/tracks/track-00001/frame_000042.jpg');
  for (const bad of ['../../etc/passwd', '/etc/passwd', 'crops//x', 'crops/./x', 'crops\\x', 'toString/x', 'crops']) assert.ok(manifestRefProblem(bad), bad);
});
