/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrackSummary } from '../../../../shared/ipc';
import { filterAndSort, onScreenSeconds, type IdentityCardModel } from './selectors';

const track = (id: string, start: number, end: number): TrackSummary => ({
  track_id: id,
  identity_id: null,
  start_s: start,
  end_s: end,
  frame_span: [Math.round(start * 24), Math.round(end * 24)],
  faces: 1,
  sample_crops: [],
  avg_conf: 0.9,
});

test('on-screen seconds are the union of track spans (overlaps counted once, gaps not at all)', () => {
  const tracks = Object.fromEntries(
    [track('track-00001', 0, 4), track('track-00002', 3, 6), track('track-00003', 10, 11), track('track-00004', 10.5, 10.7)].map((t) => [t.track_id, t]),
  );
  assert.equal(onScreenSeconds(['track-00001', 'track-00002', 'track-00003', 'track-00004'], tracks), 7);
  assert.equal(onScreenSeconds(['track-00003'], tracks), 1);
  assert.equal(onScreenSeconds(['track-09999'], tracks), 0, 'unknown tracks contribute nothing');
});

const card = (id: string, tracks: number, name: string | null, locked = false): IdentityCardModel => ({
  id,
  name,
  personId: name ? name.toLowerCase().replace(/ /g, '-') : null,
  locked,
  tracks,
  faces: tracks * 10,
  seconds: tracks,
  thumbRef: '',
  singleton: tracks === 1,
});

const cards = [card('identity-00001', 3, 'Lisa Vanderpump', true), card('identity-00002', 5, null), card('identity-00003', 1, null), card('identity-00004', 2, 'Kyle Richards')];
const noFilter = { unlabeled: false, locked: false, singletons: false, search: '' };
const ids = (xs: IdentityCardModel[]) => xs.map((c) => c.id);

test('sorts by size, unlabeled first, and similarity to a reference identity', () => {
  assert.deepEqual(ids(filterAndSort(cards, noFilter, 'size', null)), ['identity-00002', 'identity-00001', 'identity-00004', 'identity-00003']);
  assert.deepEqual(ids(filterAndSort(cards, noFilter, 'unlabeled', null)), ['identity-00002', 'identity-00003', 'identity-00001', 'identity-00004']);
  const sim = { id: 'identity-00004', scores: { 'identity-00003': 0.9, 'identity-00001': 0.2 } };
  // The reference first, then by similarity, then identities without a score by size.
  assert.deepEqual(ids(filterAndSort(cards, noFilter, 'similarity', sim)), ['identity-00004', 'identity-00003', 'identity-00001', 'identity-00002']);
});

test('filters combine: unlabeled, locked, singletons and a name search', () => {
  assert.deepEqual(ids(filterAndSort(cards, { ...noFilter, unlabeled: true }, 'size', null)), ['identity-00002', 'identity-00003']);
  assert.deepEqual(ids(filterAndSort(cards, { ...noFilter, locked: true }, 'size', null)), ['identity-00001']);
  assert.deepEqual(ids(filterAndSort(cards, { ...noFilter, unlabeled: true, singletons: true }, 'size', null)), ['identity-00003']);
  assert.deepEqual(ids(filterAndSort(cards, { ...noFilter, search: 'KYLE' }, 'size', null)), ['identity-00004']);
  assert.deepEqual(ids(filterAndSort(cards, { ...noFilter, search: 'vanderpump', unlabeled: true }, 'size', null)), []);
});

test('detail tracks follow the identity in the (optimistic) document and sort outliers first', async () => {
  const { episodeSelectors: selectors } = await import('./selectors');
  const detailTrack = (id: string, start: number, similarity: number | null) => ({ ...track(id, start, start + 1), crops: [], quality: null, similarity });
  const identity = (trackIds: string[]) => ({
    identity_id: 'identity-00001',
    cluster_id: 1,
    track_ids: trackIds,
    canonical_face_path: '',
    embedding_stats: { centroid_norm: 1, variance: 0, num_tracks: trackIds.length, num_faces_total: trackIds.length },
    labels: {},
    locked: false,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  });
  const detail = {
    identity: identity(['track-00001', 'track-00002', 'track-00003']),
    tracks: [detailTrack('track-00001', 0, 0.9), detailTrack('track-00002', 5, 0.4), detailTrack('track-00003', 9, null)],
    suggestions: [],
  };
  type S = Parameters<typeof selectors.detailTracks>[0];
  const state = (trackIds: string[], trackOrder: 'time' | 'outliers') =>
    ({ detail, trackOrder, doc: { identities: [identity(trackIds)] } }) as unknown as S;
  const ids = (s: S) => selectors.detailTracks(s).map((t) => t.track_id);
  assert.deepEqual(ids(state(['track-00001', 'track-00002', 'track-00003'], 'time')), ['track-00001', 'track-00002', 'track-00003']);
  assert.deepEqual(ids(state(['track-00001', 'track-00002', 'track-00003'], 'outliers')), ['track-00002', 'track-00001', 'track-00003']);
  // A split just took track-00002 away: it is gone before the service's new detail arrives.
  assert.deepEqual(ids(state(['track-00001', 'track-00003'], 'time')), ['track-00001', 'track-00003']);
});
