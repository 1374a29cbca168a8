import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identitiesDocSchema, formatTrackId, type IdentitiesDoc } from '../schema';
import { planIdentities, type PlanInput, type PlanTrack } from './plan';

// Three people in 2-d: A near (1,0), B near (0,1), C near (−1,0). Tracks are sequential (no overlap)
// unless a test says otherwise.
const DIR = { A: [1, 0], B: [0, 1], C: [-1, 0] } as const;
type P = keyof typeof DIR;

function episode(people: P[], spans?: Array<[number, number]>) {
  const tracks: PlanTrack[] = people.map((_, i) => ({ track_id: formatTrackId(i + 1), frame_span: spans?.[i] ?? [i * 10, i * 10 + 9] }));
  const vectors = new Float32Array(people.length * 2);
  people.forEach((p, i) => {
    const angle = Math.atan2(DIR[p][1], DIR[p][0]) + 0.05 * Math.sin(i * 1.7);
    vectors[i * 2] = Math.cos(angle);
    vectors[i * 2 + 1] = Math.sin(angle);
  });
  return { tracks, vectors };
}

function input(people: P[], extra: Partial<PlanInput> = {}, spans?: Array<[number, number]>): PlanInput {
  const { tracks, vectors } = episode(people, spans);
  return {
    epId: 'demo-s01e01',
    tracks,
    vectors,
    vectorTrackOrder: tracks.map((t) => t.track_id),
    dim: 2,
    facesPerTrack: new Map(tracks.map((t) => [t.track_id, 3])),
    clusterThresh: 0.8,
    minClusterSize: 2,
    linkage: 'average',
    now: '2026-01-02T03:04:05.000Z',
    ...extra,
  };
}

const members = (doc: IdentitiesDoc) => Object.fromEntries(doc.identities.map((i) => [i.identity_id, i.track_ids]));

test('identities: ids by size desc then first appearance; singletons get cluster_id null; metadata', () => {
  // A: tracks 2,4,6 (3 tracks); B: 1,3 (2 tracks, first seen first); C: 5 (singleton).
  const { doc, needThumbs } = planIdentities(input(['B', 'A', 'B', 'A', 'C', 'A']));
  identitiesDocSchema.parse(doc);
  assert.deepEqual(members(doc), {
    'identity-00001': ['track-00002', 'track-00004', 'track-00006'],
    'identity-00002': ['track-00001', 'track-00003'],
    'identity-00003': ['track-00005'],
  });
  assert.deepEqual(doc.identities.map((i) => i.cluster_id), [1, 2, null]);
  assert.equal(doc.identities[0].canonical_face_path, 'thumbs/identity-00001/rep.jpg');
  assert.equal(doc.identities[0].embedding_stats.num_faces_total, 9);
  assert.ok(doc.identities[0].embedding_stats.centroid_norm > 0.99 && doc.identities[0].embedding_stats.centroid_norm < 1);
  assert.ok(doc.identities[0].embedding_stats.variance > 0 && doc.identities[0].embedding_stats.variance < 0.01);
  assert.equal(doc.identities[2].embedding_stats.variance, 0);
  assert.deepEqual(
    { ...doc.metadata },
    {
      ep_id: 'demo-s01e01', num_tracks: 6, num_clusters: 2, num_singletons: 1, singleton_fraction: 1 / 6,
      largest_cluster_size: 3, largest_cluster_fraction: 0.5, cluster_thresh: 0.8, min_cluster_size: 2,
      algorithm: 'agglomerative', linkage: 'average', created_at: '2026-01-02T03:04:05.000Z', embedding_dim: 2,
    },
  );
  assert.equal(needThumbs.size, 3);
});

test('min_cluster_size: clusters below it become one singleton identity per track', () => {
  const { doc } = planIdentities(input(['B', 'A', 'B', 'A', 'C', 'A'], { minClusterSize: 3 }));
  assert.equal(doc.identities.length, 4);
  assert.deepEqual(doc.identities.map((i) => [i.track_ids.length, i.cluster_id]), [[3, 1], [1, null], [1, null], [1, null]]);
  assert.equal(doc.metadata.num_singletons, 3);
});

test('cannot-link: two tracks on screen together are never one identity', () => {
  // Tracks 1 and 2 are both A but share frames 5–9.
  const { doc } = planIdentities(input(['A', 'A', 'B'], {}, [[0, 9], [5, 20], [30, 40]]));
  assert.equal(doc.identities.length, 3);
  const without = planIdentities(input(['A', 'A', 'B'], {}, [[0, 4], [5, 20], [30, 40]])).doc;
  assert.equal(without.identities.length, 2);
});

test('tracks without any face become singletons with zero stats', () => {
  const inp = input(['A', 'A', 'B']);
  inp.vectorTrackOrder = ['track-00001', 'track-00002'];
  inp.vectors = inp.vectors.slice(0, 4);
  inp.facesPerTrack = new Map([['track-00001', 3], ['track-00002', 3]]);
  const { doc } = planIdentities(inp);
  const lone = doc.identities.find((i) => i.track_ids.includes('track-00003'))!;
  assert.equal(lone.cluster_id, null);
  assert.deepEqual(lone.embedding_stats, { centroid_norm: 0, variance: 0, num_tracks: 1, num_faces_total: 0 });
});

test('re-run keeps locked identities verbatim, excludes their tracks, carries labels, never reuses ids', () => {
  const people: P[] = ['A', 'B', 'A', 'B', 'C', 'C', 'A'];
  const first = planIdentities(input(people)).doc;
  assert.deepEqual(members(first), {
    'identity-00001': ['track-00001', 'track-00003', 'track-00007'],
    'identity-00002': ['track-00002', 'track-00004'],
    'identity-00003': ['track-00005', 'track-00006'],
  });
  // The reviewer: moves track-00007 (really A) into B's identity and locks it with a name (a deliberate
  // "wrong" choice the algorithm would never make), and names C without locking.
  const edited: IdentitiesDoc = structuredClone(first);
  const b = edited.identities[1];
  b.track_ids = ['track-00002', 'track-00004', 'track-00007'];
  b.locked = true;
  b.labels = { person_id: 'bob', name: 'Bob' };
  b.updated_at = '2026-01-03T00:00:00.000Z';
  edited.identities[0].track_ids = ['track-00001', 'track-00003'];
  edited.identities[2].labels = { name: 'Carol' };
  edited.metadata.revision = 4;
  identitiesDocSchema.parse(edited);

  const later = '2026-02-01T00:00:00.000Z';
  // Re-cluster with a different linkage and a new track of C appended.
  const rerun = planIdentities(input([...people, 'C'], { previous: edited, now: later, linkage: 'complete' }));
  const doc = identitiesDocSchema.parse(rerun.doc);
  const lockedNow = doc.identities.find((i) => i.identity_id === 'identity-00002')!;
  assert.deepEqual(lockedNow, b, 'locked identity is byte-for-byte the same');
  // track-00007 stays with the locked identity, not with the other A tracks.
  assert.equal(doc.identities.filter((i) => i.track_ids.includes('track-00007')).length, 1);
  const carol = doc.identities.find((i) => i.labels.name === 'Carol')!;
  assert.deepEqual(carol.track_ids, ['track-00005', 'track-00006', 'track-00008']);
  assert.equal(carol.identity_id, 'identity-00003', 'the labeled identity keeps its id');
  assert.equal(carol.created_at, first.identities[2].created_at);
  assert.equal(carol.updated_at, later);
  const a = doc.identities.find((i) => i.track_ids.includes('track-00001'))!;
  assert.deepEqual(a.track_ids, ['track-00001', 'track-00003']);
  assert.equal(a.identity_id, 'identity-00001');
  assert.deepEqual(a.labels, {});
  assert.equal(doc.metadata.revision, 5);
  assert.equal(doc.metadata.linkage, 'complete');
  assert.deepEqual([...rerun.carried], ['identity-00003']);
  assert.ok(!rerun.needThumbs.has('identity-00002'), 'locked thumbnails are left alone');
  const ids = doc.identities.map((i) => i.identity_id);
  assert.equal(new Set(ids).size, ids.length);
});

test('labels go to the new identity with the majority of the old tracks, one-to-one', () => {
  // Old doc (hand-made): one labeled identity holding tracks of both A (3) and B (1).
  const base = planIdentities(input(['A', 'A', 'B', 'A'])).doc;
  const prev: IdentitiesDoc = {
    identities: [{ ...base.identities[0], identity_id: 'identity-00007', track_ids: ['track-00001', 'track-00002', 'track-00003', 'track-00004'], labels: { name: 'Ann' } }],
    metadata: base.metadata,
  };
  const { doc } = planIdentities(input(['A', 'A', 'B', 'A'], { previous: prev }));
  const ann = doc.identities.find((i) => i.labels.name === 'Ann')!;
  assert.deepEqual(ann.track_ids, ['track-00001', 'track-00002', 'track-00004']);
  assert.equal(ann.identity_id, 'identity-00007');
  assert.equal(doc.identities.filter((i) => i.labels.name === 'Ann').length, 1);
  // New ids start at 1 and skip nothing else.
  assert.deepEqual(doc.identities.map((i) => i.identity_id), ['identity-00001', 'identity-00007']);
});

test('label carry-over falls back to centroid similarity when no new identity holds a majority', () => {
  const base = planIdentities(input(['A', 'B', 'A', 'B'])).doc;
  const prev: IdentitiesDoc = {
    identities: [{ ...base.identities[0], identity_id: 'identity-00001', track_ids: ['track-00001', 'track-00005'], labels: { name: 'Ann' } }],
    metadata: base.metadata,
  };
  // Old tracks that no longer exist do not vote: track-00001 alone is a majority (1 of 1).
  const { doc } = planIdentities(input(['A', 'B', 'A', 'B'], { previous: prev }));
  assert.deepEqual(doc.identities.find((i) => i.labels.name === 'Ann')!.track_ids, ['track-00001', 'track-00003']);
  // Split vote: old identity = {1 (A), 2 (B)}: ties are not a majority, centroid ≈ 45° is below 0.8
  // from both → label not carried rather than guessed.
  const split: IdentitiesDoc = { ...prev, identities: [{ ...prev.identities[0], track_ids: ['track-00001', 'track-00002'] }] };
  const r = planIdentities(input(['A', 'B', 'A', 'B'], { previous: split }));
  assert.equal(r.doc.identities.filter((i) => i.labels.name).length, 0);
  // With a lower threshold the centroid match succeeds (cos 45° ≈ 0.71 ≥ 0.6), to exactly one identity.
  const r2 = planIdentities(input(['A', 'B', 'A', 'B'], { previous: split, clusterThresh: 0.6 }));
  assert.equal(r2.doc.identities.filter((i) => i.labels.name === 'Ann').length, 1);
});
