import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyConstraints, formatTrackId, type IdentitiesDoc } from '../schema';
import { planIdentities, type PlanInput } from './plan';
import { joinByLinks, setupLinks, SHOT_THUMB_H, SHOT_THUMB_W, thumbDistance, trackPlaces, type ShotThumb, type TrackPlace } from './setup-links';

const N = SHOT_THUMB_W * SHOT_THUMB_H * 3;
/** A shot whose mean picture is `value` everywhere, plus `noise` on every 7th cell value. */
const shot = (start_frame: number, value: number, noise = 0): ShotThumb => ({ start_frame, thumb: Uint8Array.from({ length: N }, (_, i) => value + (i % 7 === 0 ? noise : 0)) });
const place = (track_id: string, start_frame: number, cx: number, cy = 0.4, h = 0.2): TrackPlace => ({ track_id, start_frame, cx, cy, h });

test('thumbDistance: mean absolute difference; thumbnails of different sizes are refused', () => {
  assert.equal(thumbDistance(shot(0, 100).thumb, shot(0, 110).thumb), 10);
  assert.throws(() => thumbDistance(new Uint8Array(3), new Uint8Array(6)), /3 vs 6 values/);
});

test('two shots of one setup: each face links to the face at its place; another setup links nothing', () => {
  // Shots 0 and 2 are one setup (distance 3), shot 1 another (distance 60).
  const shots = [shot(0, 100), shot(50, 160), shot(100, 100, 21)];
  const places = [
    place('a1', 0, 0.3), place('b1', 10, 0.7),
    place('x', 60, 0.3),
    place('a2', 100, 0.31), place('b2', 120, 0.69),
  ];
  assert.deepEqual(setupLinks(shots, places), [['a1', 'a2'], ['b1', 'b2']]);
  assert.deepEqual(setupLinks(shots, places, { maxBackground: 2 }), [], 'a stricter background bar');
});

test('a link needs the same place and size, and is the nearest both ways', () => {
  const shots = [shot(0, 100), shot(100, 100)];
  // Too far apart (0.15 > 0.1), or the face twice the size: no link.
  assert.deepEqual(setupLinks(shots, [place('a', 0, 0.3), place('b', 100, 0.45)]), []);
  assert.deepEqual(setupLinks(shots, [place('a', 0, 0.3), place('b', 100, 0.3, 0.4, 0.4)]), []);
  // Two faces near one place in the second shot: only the nearer is linked, and only if `a` is its nearest too.
  assert.deepEqual(setupLinks(shots, [place('a', 0, 0.3), place('b', 100, 0.33), place('c', 110, 0.36)]), [['a', 'b']]);
  assert.deepEqual(setupLinks(shots, [place('a', 0, 0.3), place('a2', 5, 0.34), place('b', 100, 0.35)]), [['a2', 'b']]);
  assert.deepEqual(setupLinks([shots[0]], [place('a', 0, 0.3), place('b', 20, 0.3)]), [], 'one shot: nothing to link');
});

test('trackPlaces: the mean centre and height of a track\'s faces; tracks without faces have none', () => {
  const places = trackPlaces(
    [{ track_id: 't1', frame_span: [5, 9] }, { track_id: 't2', frame_span: [20, 30] }],
    [{ track_id: 't1', bbox: [0.1, 0.2, 0.3, 0.4] }, { track_id: 't1', bbox: [0.3, 0.2, 0.5, 0.6] }],
  );
  assert.equal(places.length, 1);
  assert.equal(places[0].start_frame, 5);
  assert.ok(Math.abs(places[0].cx - 0.3) < 1e-12 && Math.abs(places[0].cy - 0.35) < 1e-12 && Math.abs(places[0].h - 0.3) < 1e-12);
});

test('joinByLinks: links join groups transitively unless refused; refused links are handed back', () => {
  const g = new Map([['a', 0], ['b', 1], ['c', 2], ['d', 3]]);
  assert.deepEqual(joinByLinks(4, g, [['a', 'b'], ['b', 'c']], () => true), { parts: [[0, 1, 2], [3]], refused: [] });
  // The join of {0,1} with {2} is refused as a whole (the refusal sees the joined sets).
  const refuse = (x: readonly number[], y: readonly number[]) => !(x.includes(0) && y.includes(2));
  assert.deepEqual(joinByLinks(4, g, [['a', 'b'], ['b', 'c'], ['x', 'd']], refuse), { parts: [[0, 1], [2], [3]], refused: [['b', 'c']] });
});

// Planning: four tracks of two people far apart in embedding space (A: 1 and 3, B: 2 and 4), with
// person B's second track turned away (its vector far from B's first).
function plan(extra: Partial<PlanInput> = {}, spans: Array<[number, number]> = [[0, 9], [10, 19], [20, 29], [30, 39]]) {
  const vec = [[1, 0], [0, 1], [0.99, 0.14], [-0.7, 0.71]];
  const tracks = spans.map((s, i) => ({ track_id: formatTrackId(i + 1), frame_span: s }));
  return planIdentities({
    epId: 'demo-s01e01', tracks, vectors: Float32Array.from(vec.flat()), vectorTrackOrder: tracks.map((t) => t.track_id), dim: 2,
    facesPerTrack: new Map(tracks.map((t) => [t.track_id, 3])), clusterThresh: 0.8, minClusterSize: 1, linkage: 'average', now: '2026-01-02T03:04:05.000Z',
    ...extra,
  }).doc;
}
const groups = (doc: IdentitiesDoc) => doc.identities.map((i) => i.track_ids.join('+')).sort();
const LINK: [string, string][] = [['track-00002', 'track-00004']];

test('plan: a same-setup link joins the turned track to its person; without it the embedder keeps them apart', () => {
  assert.deepEqual(groups(plan()), ['track-00001+track-00003', 'track-00002', 'track-00004']);
  const doc = plan({ setupLinks: LINK });
  assert.deepEqual(groups(doc), ['track-00001+track-00003', 'track-00002+track-00004']);
  assert.ok(doc.identities.every((i) => i.cluster_id !== null), 'a joined pair is a cluster');
});

test('plan: no join across two tracks on screen at once, a reviewer\'s cannot-link, an excluded track or two names', () => {
  // Track 4 overlaps track 2.
  assert.deepEqual(groups(plan({ setupLinks: LINK }, [[0, 9], [10, 19], [20, 29], [15, 39]])), ['track-00001+track-00003', 'track-00002', 'track-00004']);
  const cannot = { ...emptyConstraints(), cannot_link: [[['track-00002'], ['track-00004']]] as [string[], string[]][] };
  assert.deepEqual(groups(plan({ setupLinks: LINK, constraints: cannot })), ['track-00001+track-00003', 'track-00002', 'track-00004']);
  const excluded = { ...emptyConstraints(), excluded: ['track-00004'] };
  assert.deepEqual(groups(plan({ setupLinks: LINK, constraints: excluded })), ['track-00001+track-00003', 'track-00002', 'track-00004']);
  // The reviewer named the two tracks' earlier identities as different people: a re-cluster keeps both names.
  const previous = plan();
  const named = {
    ...previous,
    identities: previous.identities.map((i) => (i.track_ids[0] === 'track-00002' ? { ...i, labels: { name: 'Eddie' } } : i.track_ids[0] === 'track-00004' ? { ...i, labels: { name: 'Louis' } } : i)),
  };
  const again = plan({ setupLinks: LINK, previous: named });
  assert.deepEqual(groups(again), ['track-00001+track-00003', 'track-00002', 'track-00004']);
  assert.deepEqual(again.identities.map((i) => i.labels.name).filter(Boolean).sort(), ['Eddie', 'Louis']);
});

// Friends' case: track 1 (Monica turned) sits in a cluster with tracks 2 and 3 (Joey turned, on screen
// with Monica's frontal track 4); track 1 and track 4 are linked. The clusters share frames, so the
// join is refused; the linked track moves on its own, out of the larger cluster.
function strayPlan(extra: Partial<PlanInput> = {}) {
  const vec = [[1, 0], [0.98, 0.2], [0.97, -0.24], [0, 1]];
  const spans: Array<[number, number]> = [[0, 9], [20, 29], [40, 49], [20, 35]];
  const tracks = spans.map((s, i) => ({ track_id: formatTrackId(i + 1), frame_span: s }));
  return planIdentities({
    epId: 'demo-s01e01', tracks, vectors: Float32Array.from(vec.flat()), vectorTrackOrder: tracks.map((t) => t.track_id), dim: 2,
    facesPerTrack: new Map(tracks.map((t) => [t.track_id, 3])), clusterThresh: 0.8, minClusterSize: 1, linkage: 'average', now: '2026-01-02T03:04:05.000Z',
    setupLinks: [['track-00001', 'track-00004']],
    ...extra,
  }).doc;
}

test('plan: when the join is refused (the clusters share frames) the linked track moves alone, out of the larger cluster', () => {
  assert.deepEqual(groups(strayPlan({ setupLinks: [] })), ['track-00001+track-00002+track-00003', 'track-00004']);
  assert.deepEqual(groups(strayPlan()), ['track-00001+track-00004', 'track-00002+track-00003']);
});

test('plan: a track in a reviewer\'s must-link group, or cannot-linked to the other side, does not move', () => {
  const mustLink = { ...emptyConstraints(), must_link: [['track-00001', 'track-00002']] };
  assert.deepEqual(groups(strayPlan({ constraints: mustLink })), ['track-00001+track-00002+track-00003', 'track-00004']);
  const cannot = { ...emptyConstraints(), cannot_link: [[['track-00001'], ['track-00004']]] as [string[], string[]][] };
  assert.deepEqual(groups(strayPlan({ constraints: cannot })), ['track-00001+track-00002+track-00003', 'track-00004']);
});
