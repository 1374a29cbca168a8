// ByteTrack on synthetic detection sequences (pixel boxes in a 640×360 frame, 10 fps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Detection } from '../../shared/schema/detections';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { trackSchema } from '../../shared/schema/tracks';
import { analysedRate, buildTracks, jumpStarts, pickSamples, SHORT_TRACK_SEC, trackBufferFrames } from './track';

const W = 640, H = 360, FPS = 10;
const settings = defaultPipelineSettings();

function det(frame: number, box: [number, number, number, number], conf = 0.9): Detection {
  return {
    ep_id: 'syn-s01e01',
    frame_idx: frame,
    ts_s: frame / FPS,
    bbox: [box[0] / W, box[1] / H, box[2] / W, box[3] / H],
    landmarks: Array(10).fill(0.5),
    conf,
    model_id: 'synthetic',
    schema_version: 'det_v1',
  };
}

const frames = (n: number): Array<[number, number]> => Array.from({ length: n }, (_, i) => [i, i / FPS]);

function run(dets: Detection[], n: number, cuts: number[] = [], over: Partial<typeof settings> = {}) {
  return buildTracks({
    epId: 'syn-s01e01',
    detections: dets,
    frames: frames(n),
    cutFrames: cuts,
    width: W,
    height: H,
    durationSec: n / FPS,
    settings: { ...settings, faceSampleSpacingSec: 0, maxFacesPerTrack: 1000, ...over },
  });
}

test('two boxes crossing each other keep their ids', () => {
  const dets: Detection[] = [];
  const n = 40;
  for (let f = 0; f < n; f++) {
    const a = 40 + f * 12; // left → right
    const b = 520 - f * 12; // right → left, a little lower so they overlap while crossing
    dets.push(det(f, [a, 100, a + 80, 180]));
    dets.push(det(f, [b, 120, b + 80, 200]));
  }
  const { tracks, samples, metrics } = run(dets, n);
  assert.equal(tracks.length, 2, `expected 2 tracks, got ${tracks.map((t) => t.track_id).join(', ')}`);
  for (const t of tracks) {
    trackSchema.parse(t);
    assert.deepEqual(t.frame_span, [0, n - 1]);
    assert.equal(t.stats.detections, n);
  }
  // track-00001 starts further left (ordered by first frame, then x) and must end on the right.
  const xs = (id: string) => samples.filter((s) => s.track_id === id).map((s) => s.bbox[0]);
  const a = xs('track-00001');
  const b = xs('track-00002');
  assert.ok(a[0] < b[0], 'track-00001 is the box that starts on the left');
  assert.ok(a.every((x, i) => i === 0 || x > a[i - 1]), 'track-00001 only moves right (never swapped)');
  assert.ok(b.every((x, i) => i === 0 || x < b[i - 1]), 'track-00002 only moves left (never swapped)');
  assert.equal(metrics.tracks_born, 2);
  assert.equal(metrics.tracks_lost, 0);
  assert.equal(metrics.avg_tracks_per_frame, 2);
});

test('a scene cut starts fresh tracks even when the box does not move', () => {
  const dets = Array.from({ length: 30 }, (_, f) => det(f, [200, 100, 280, 180]));
  const { tracks, metrics } = run(dets, 30, [15]);
  assert.equal(tracks.length, 2);
  assert.deepEqual(tracks.map((t) => t.frame_span), [[0, 14], [15, 29]]);
  assert.equal(metrics.scene_cuts, 1);
  assert.equal(metrics.tracks_lost, 1, 'the first track ended at the cut; the second is alive at the end');
  const without = run(dets, 30);
  assert.equal(without.tracks.length, 1, 'the same sequence without a cut is one track');
});

test('a detection missed for a few frames (within track_buffer) keeps the id', () => {
  const dets: Detection[] = [];
  for (let f = 0; f < 40; f++) {
    if (f >= 15 && f < 20) continue; // 5 missed frames, trackBuffer is 30
    dets.push(det(f, [100 + f * 4, 100, 180 + f * 4, 180]));
  }
  const { tracks } = run(dets, 40);
  assert.equal(tracks.length, 1);
  assert.deepEqual(tracks[0].frame_span, [0, 39]);
  assert.equal(tracks[0].stats.detections, 35);
  // With a buffer shorter than the gap the track is dropped and a new one starts.
  const short = run(dets, 40, [], { trackBuffer: 2 });
  assert.equal(short.tracks.length, 2);
  assert.deepEqual(short.tracks.map((t) => t.frame_span), [[0, 14], [20, 39]]);
});

test('low-confidence detections extend a track but never start one', () => {
  const dets: Detection[] = [];
  for (let f = 0; f < 20; f++) dets.push(det(f, [100, 100, 180, 180], f < 10 ? 0.9 : 0.3));
  dets.push(det(5, [400, 100, 480, 180], 0.3)); // isolated weak detection
  const { tracks } = run(dets, 20);
  assert.equal(tracks.length, 1);
  assert.deepEqual(tracks[0].frame_span, [0, 19]);
});

test('ids are deterministic: ordered by first frame, then x', () => {
  const dets = [
    ...Array.from({ length: 10 }, (_, f) => det(f + 5, [500, 50, 560, 110])),
    ...Array.from({ length: 10 }, (_, f) => det(f + 5, [50, 50, 110, 110])),
    ...Array.from({ length: 10 }, (_, f) => det(f, [300, 200, 360, 260])),
  ];
  const { tracks, metrics } = run(dets, 20);
  assert.deepEqual(tracks.map((t) => [t.track_id, t.frame_span[0], Math.round(t.start_s * 10)]), [
    ['track-00001', 0, 0],
    ['track-00002', 5, 5],
    ['track-00003', 5, 5],
  ]);
  // each lasts 0.9 s, under SHORT_TRACK_SEC
  assert.ok(tracks.every((t) => t.end_s - t.start_s < SHORT_TRACK_SEC));
  assert.equal(metrics.short_track_fraction, 1);
});

test('sampling keeps a minimum spacing and spreads a capped track over its length', () => {
  const dets = Array.from({ length: 100 }, (_, f) => ({ ts_s: f / 10, f }));
  const spaced = pickSamples(dets, 0.5, 1000);
  assert.equal(spaced.length, 20);
  assert.ok(spaced.every((d, i) => i === 0 || d.ts_s - spaced[i - 1].ts_s >= 0.5 - 1e-9));
  const capped = pickSamples(dets, 0.5, 4);
  assert.deepEqual(capped.map((d) => d.f), [0, 30, 65, 95]);
});

test('trackBufferSec bridges the same gap in seconds at any analysed rate; trackBuffer (frames) still wins', () => {
  // One face moving slowly, invisible between 2.0 s and 2.8 s, seen at `rate` analysed frames per second.
  const at = (rate: number, gapEnd: number) => {
    const n = Math.round(5 * rate);
    const fr: Array<[number, number]> = Array.from({ length: n }, (_, i) => [i * Math.round(24 / rate), i / rate]);
    const dets = fr
      .filter(([, t]) => t < 2 || t >= gapEnd)
      .map(([f, t]) => ({ ...det(f, [100 + t * 20, 100, 180 + t * 20, 180]), ts_s: t }));
    return (over: Partial<typeof settings>) =>
      buildTracks({
        epId: 'syn-s01e01', detections: dets, frames: fr, cutFrames: [], width: W, height: H, durationSec: 5,
        settings: { ...settings, faceSampleSpacingSec: 0, maxFacesPerTrack: 1000, ...over },
      }).tracks.length;
  };
  for (const rate of [24, 8, 6]) {
    assert.equal(trackBufferFrames(settings, rate), Math.round(rate), `default buffer is 1 s at ${rate} fps`);
    assert.equal(at(rate, 2.8)({}), 1, `a 0.8 s gap is bridged at ${rate} fps`);
    assert.equal(at(rate, 3.5)({}), 2, `a 1.5 s gap ends the track at ${rate} fps`);
    assert.equal(at(rate, 3.5)({ trackBufferSec: 2 }), 1, `trackBufferSec 2 bridges 1.5 s at ${rate} fps`);
  }
  // The legacy frame count overrides: 3 frames at 24 fps cannot bridge 0.8 s, 30 frames at 6 fps bridge 1.5 s.
  assert.equal(at(24, 2.8)({ trackBuffer: 3 }), 2);
  assert.equal(at(6, 3.5)({ trackBuffer: 30 }), 1);
  assert.ok(Math.abs(analysedRate(Array.from({ length: 50 }, (_, i) => [i * 3, i / 8] as [number, number])) - 8) < 1e-9);
});

test('a box that jumps (low overlap, or a missed analysed frame) is sampled twice from the jump on, flagged', () => {
  const dets: Detection[] = [];
  for (let f = 0; f < 10; f++) dets.push(det(f, [100, 100, 180, 180]));
  // Frame 10: the box moves by half its width (IoU 1/3 with the last); frames 11–19 stay there.
  for (let f = 10; f < 20; f++) dets.push(det(f, [140, 100, 220, 180]));
  const { tracks, samples } = run(dets, 20, [], { faceSampleSpacingSec: 1, maxFacesPerTrack: 20 });
  assert.equal(tracks.length, 1);
  assert.deepEqual(samples.map((s) => s.frame_idx), [0, 10, 11]);
  assert.deepEqual(samples.map((s) => [s.jump ?? false, s.probe ?? false]), [[false, false], [true, false], [false, true]]);
  // Thumbnails are the spaced samples only; the probe is harvested for the appearance check.
  assert.equal(tracks[0].sample_thumbs.length, 2);
  assert.deepEqual(jumpStarts([0, 1, 3, 4], [[0, 0, 10, 10], [0, 0, 10, 10], [0, 0, 10, 10], [6, 0, 16, 10]]), [2, 3]);
});

test('a face seen on fewer than minTrackDetections analysed frames makes no track (a two-frame blip at the edge)', () => {
  const dets: Detection[] = [];
  for (let f = 0; f < 20; f++) dets.push(det(f, [100, 100, 180, 180]));
  dets.push(det(7, [580, 40, 638, 110]), det(8, [582, 40, 639, 110]));
  const kept = run(dets, 20);
  assert.equal(settings.minTrackDetections, 3);
  assert.deepEqual(kept.tracks.map((t) => t.stats.detections), [20], 'the blip is dropped, the long track kept');
  assert.ok(kept.samples.every((s) => s.track_id === 'track-00001'));
  const all = run(dets, 20, [], { minTrackDetections: 1 });
  assert.deepEqual(all.tracks.map((t) => t.stats.detections).sort((a, b) => a - b), [2, 20], 'kept when asked for every track');
});
