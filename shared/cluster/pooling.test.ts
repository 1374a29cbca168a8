import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embeddingStats, poolTracks, type PoolFace } from './pooling';

test('pool: quality-weighted mean of accepted faces, re-normalised; rejected faces ignored', () => {
  const faces: PoolFace[] = [
    { track_id: 'track-00001', quality_score: 0.75 }, // (1, 0)
    { track_id: 'track-00001', quality_score: 0.25 }, // (0, 1)
    { track_id: 'track-00001', quality_score: 1, rejection_reason: 'low_quality' }, // (−1, 0): ignored
    { track_id: 'track-00002', quality_score: 0.5 }, // (0, 1)
  ];
  const rows = Float32Array.from([1, 0, 0, 1, -1, 0, 0, 1]);
  const p = poolTracks(faces, rows, 2, ['track-00002', 'track-00001', 'track-00003']);
  assert.deepEqual(p.trackOrder, ['track-00002', 'track-00001']);
  assert.deepEqual(p.missingTracks, ['track-00003']);
  assert.deepEqual(p.fallbackTracks, []);
  // track-00001: (0.75, 0.25) / ‖·‖ = (0.9487, 0.3162)
  assert.deepEqual([...p.vectors].map((v) => Number(v.toFixed(4))), [0, 1, 0.9487, 0.3162]);
  assert.equal(p.facesUsed.get('track-00001'), 2);
});

test('pool: a track with only rejected faces uses its best rejected face', () => {
  const faces: PoolFace[] = [
    { track_id: 'track-00004', quality_score: 0.2, rejection_reason: 'low_quality' },
    { track_id: 'track-00004', quality_score: 0.3, rejection_reason: 'pose_too_extreme' },
  ];
  const p = poolTracks(faces, Float32Array.from([0.6, 0.8, 0.8, 0.6]), 2, ['track-00004']);
  assert.deepEqual(p.fallbackTracks, ['track-00004']);
  assert.deepEqual([...p.vectors].map((v) => Number(v.toFixed(4))), [0.8, 0.6]);
});

test('pool: zero quality does not zero a track; mismatched rows are refused', () => {
  const p = poolTracks([{ track_id: 'track-00001', quality_score: 0 }, { track_id: 'track-00001', quality_score: 0 }], Float32Array.from([1, 0, 0, 1]), 2, ['track-00001']);
  assert.deepEqual([...p.vectors].map((v) => Number(v.toFixed(4))), [0.7071, 0.7071]);
  assert.throws(() => poolTracks([{ track_id: 'track-00001', quality_score: 1 }], new Float32Array(4), 2, []), /faces.npy has 2 rows of 2, faces.jsonl has 1 lines/);
  assert.throws(() => poolTracks([{ track_id: 'track-00001', quality_score: 1 }, { track_id: 'track-00001', quality_score: 1 }], Float32Array.from([1, 0, -1, 0]), 2, ['track-00001']), /track track-00001 has a zero/);
});

test('embedding stats: centroid norm before renormalising, variance = mean squared distance to unit centroid', () => {
  // Members (1,0) and (0,1): mean (0.5, 0.5), norm 0.7071; unit centroid (0.7071, 0.7071);
  // squared distance of each member = (1 − 0.7071)² + 0.7071² = 0.5858.
  const s = embeddingStats(Float32Array.from([1, 0, 0, 1, -1, 0]), 2, [0, 1]);
  assert.equal(Number(s.centroidNorm.toFixed(4)), 0.7071);
  assert.equal(Number(s.variance.toFixed(4)), 0.5858);
  const one = embeddingStats(Float32Array.from([0.6, 0.8]), 2, [0]);
  assert.ok(Math.abs(one.centroidNorm - 1) < 1e-6 && one.variance < 1e-12);
  assert.deepEqual(embeddingStats(Float32Array.from([0.6, 0.8]), 2, []).centroidNorm, 0);
});
