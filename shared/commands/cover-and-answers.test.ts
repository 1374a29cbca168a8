// setCover and notSamePerson: pure commands whose inverses restore the previous cover / constraints exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyConstraints, identitiesDocSchema, type IdentitiesDoc } from '../schema';
import { applyCommand, computeCounts, describeCommand } from './apply';
import { emptyHistory, recordStep, redo, undo } from './history';
import { reviewCommandSchema, type CommandContext } from './schema';

const T0 = '2025-11-18T12:34:56.000Z';
const NOW = '2026-01-02T03:04:05.000Z';
const ident = (n: number, tracks: string[], locked = false) => ({
  identity_id: `identity-0000${n}`,
  cluster_id: tracks.length > 1 ? n : null,
  track_ids: tracks,
  canonical_face_path: `thumbs/identity-0000${n}/rep.jpg`,
  embedding_stats: { centroid_norm: 1, variance: 0, num_tracks: tracks.length, num_faces_total: 2 * tracks.length },
  labels: {},
  locked,
  created_at: T0,
  updated_at: T0,
});
const identities = [ident(1, ['track-00001', 'track-00002'], true), ident(2, ['track-00003'])];
const doc: IdentitiesDoc = identitiesDocSchema.parse({
  identities,
  metadata: { ep_id: 'demo-s01e01', ...computeCounts(identities), cluster_thresh: 0.5, min_cluster_size: 2, algorithm: 'agglomerative', linkage: 'average', created_at: T0 },
});
const ctx: CommandContext = {
  tracks: {
    'track-00001': { crops: ['crops/track-00001/frame_000010.jpg', 'crops/track-00001/frame_000020.jpg'] },
    'track-00002': { crops: ['crops/track-00002/frame_000030.jpg'] },
  },
};
const CROP = 'crops/track-00002/frame_000030.jpg';

test('setCover points canonical_face_path at one of the identity’s crops (a locked identity too), and its inverse restores the document', () => {
  const cmd = reviewCommandSchema.parse({ op: 'setCover', identity_id: 'identity-00001', crop_path: CROP });
  const r = applyCommand(doc, cmd, NOW, ctx);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.doc.identities[0].canonical_face_path, CROP);
  assert.equal(r.doc.identities[0].updated_at, NOW);
  assert.deepEqual(r.doc.identities[0].track_ids, doc.identities[0].track_ids);
  assert.equal(r.doc.identities[1], doc.identities[1], 'other identities are untouched');
  identitiesDocSchema.parse(r.doc);
  const back = applyCommand(r.doc, r.inverse, NOW, ctx);
  assert.ok(back.ok);
  assert.deepEqual(back.doc, doc);
  assert.equal(describeCommand(cmd), 'Set cover of identity-00001');

  // Through the history: undo and redo move between the two covers.
  const h = recordStep(emptyHistory(), describeCommand(cmd), r.inverse);
  const u = undo(h, r.doc, NOW, ctx);
  assert.ok(u.ok);
  assert.equal(u.doc.identities[0].canonical_face_path, 'thumbs/identity-00001/rep.jpg');
  const re = redo(u.history, u.doc, NOW, ctx);
  assert.ok(re.ok);
  assert.equal(re.doc.identities[0].canonical_face_path, CROP);
});

test('setCover refuses crops of other identities, crops the track does not have, non-crop paths and the current cover', () => {
  const run = (identity_id: string, crop_path: string) => applyCommand(doc, { op: 'setCover', identity_id, crop_path }, NOW, ctx);
  const code = (r: ReturnType<typeof run>) => (r.ok ? 'ok' : r.code);
  assert.equal(code(run('identity-00002', CROP)), 'invalid');
  assert.equal(code(run('identity-00001', 'crops/track-00002/frame_000031.jpg')), 'not_found');
  assert.equal(code(run('identity-00009', CROP)), 'not_found');
  // Without crop facts (a context that has none), any crop of the identity's own tracks is taken.
  assert.ok(applyCommand(doc, { op: 'setCover', identity_id: 'identity-00001', crop_path: 'crops/track-00002/frame_000031.jpg' }, NOW, {}).ok);
  for (const bad of ['thumbs/identity-00001/rep.jpg', 'crops/../x.jpg', '/etc/passwd', 'crops/track-00001/frame_000010.png']) {
    assert.equal(reviewCommandSchema.safeParse({ op: 'setCover', identity_id: 'identity-00001', crop_path: bad }).success, false, bad);
  }
  const once = applyCommand(doc, { op: 'setCover', identity_id: 'identity-00001', crop_path: CROP }, NOW, ctx);
  assert.ok(once.ok);
  assert.equal(code(applyCommand(once.doc, { op: 'setCover', identity_id: 'identity-00001', crop_path: CROP }, NOW, ctx)), 'invalid');
});

test('notSamePerson records a cannot-link between the two identities’ tracks and changes no identity; undo takes it back', () => {
  const before = { ...emptyConstraints(), excluded: ['track-00009'] };
  const cmd = reviewCommandSchema.parse({ op: 'notSamePerson', identity_ids: ['identity-00002', 'identity-00001'] });
  const r = applyCommand(doc, cmd, NOW, { ...ctx, constraints: before });
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.doc.identities, doc.identities);
  assert.deepEqual(r.constraints?.cannot_link, [[['track-00001', 'track-00002'], ['track-00003']]]);
  assert.deepEqual(r.constraints?.excluded, ['track-00009']);
  const back = applyCommand(r.doc, r.inverse, NOW, { constraints: r.constraints });
  assert.ok(back.ok);
  assert.deepEqual(back.doc, doc);
  assert.deepEqual(back.constraints, before);
  assert.equal(describeCommand(cmd), 'identity-00002 and identity-00001 are not the same person');
  const code = (c: unknown, withConstraints = true) => {
    const x = applyCommand(doc, reviewCommandSchema.parse(c), NOW, withConstraints ? { constraints: before } : {});
    return x.ok ? 'ok' : x.code;
  };
  assert.equal(code({ op: 'notSamePerson', identity_ids: ['identity-00001', 'identity-00001'] }), 'invalid');
  assert.equal(code({ op: 'notSamePerson', identity_ids: ['identity-00001', 'identity-00009'] }), 'not_found');
  assert.equal(code({ op: 'notSamePerson', identity_ids: ['identity-00001', 'identity-00002'] }, false), 'invalid');
});

test('covers follow the tracks: an identity that loses its cover’s track shows its best remaining face; a kept crop cover stays; undo restores', () => {
  const three = [ident(1, ['track-00001', 'track-00002', 'track-00004']), ident(2, ['track-00003'])];
  const base = identitiesDocSchema.parse({ ...doc, identities: three, metadata: { ...doc.metadata, ...computeCounts(three) } });
  const facts: CommandContext = {
    tracks: {
      'track-00001': { crops: ['crops/track-00001/frame_000010.jpg', 'crops/track-00001/frame_000020.jpg'], cover: { crop: 'crops/track-00001/frame_000020.jpg', score: 1.4 } },
      'track-00002': { crops: ['crops/track-00002/frame_000030.jpg'], cover: { crop: 'crops/track-00002/frame_000030.jpg', score: 1.9 } },
      'track-00003': { crops: ['crops/track-00003/frame_000040.jpg'], cover: { crop: 'crops/track-00003/frame_000040.jpg', score: 1.5 } },
      'track-00004': { crops: ['crops/track-00004/frame_000050.jpg'], cover: { crop: 'crops/track-00004/frame_000050.jpg', score: 0.3 } },
    },
  };
  // The pipeline's thumbnail may show the track that leaves: the best remaining face replaces it.
  const moved = applyCommand(base, reviewCommandSchema.parse({ op: 'moveTracks', track_ids: ['track-00002'], to_identity_id: 'identity-00002' }), NOW, facts);
  assert.ok(moved.ok, JSON.stringify(moved));
  assert.equal(moved.doc.identities.find((i) => i.identity_id === 'identity-00001')!.canonical_face_path, 'crops/track-00001/frame_000020.jpg');
  assert.equal(moved.doc.identities.find((i) => i.identity_id === 'identity-00002')!.canonical_face_path, 'thumbs/identity-00002/rep.jpg', 'a gaining identity keeps its cover');
  const back = applyCommand(moved.doc, moved.inverse, NOW, facts);
  assert.ok(back.ok);
  assert.deepEqual(back.doc, base);

  // A reviewer's crop cover stays while its track does; it goes with its track.
  const chosen = applyCommand(base, reviewCommandSchema.parse({ op: 'setCover', identity_id: 'identity-00001', crop_path: 'crops/track-00001/frame_000010.jpg' }), NOW, facts);
  assert.ok(chosen.ok);
  const keep = applyCommand(chosen.doc, reviewCommandSchema.parse({ op: 'removeTrack', track_id: 'track-00004' }), NOW, facts);
  assert.ok(keep.ok);
  assert.equal(keep.doc.identities.find((i) => i.identity_id === 'identity-00001')!.canonical_face_path, 'crops/track-00001/frame_000010.jpg');
  const gone = applyCommand(chosen.doc, reviewCommandSchema.parse({ op: 'split', identity_id: 'identity-00001', track_ids: ['track-00001'] }), NOW, facts);
  assert.ok(gone.ok);
  const after = gone.doc.identities;
  assert.equal(after.find((i) => i.identity_id === 'identity-00001')!.canonical_face_path, 'crops/track-00002/frame_000030.jpg');
  assert.equal(after.find((i) => i.track_ids.includes('track-00001') && i.identity_id !== 'identity-00001')!.canonical_face_path, 'crops/track-00001/frame_000020.jpg', 'a split-off identity starts from its best face');

  // A merge only adds tracks: the target keeps its cover.
  const merged = applyCommand(base, reviewCommandSchema.parse({ op: 'merge', target_id: 'identity-00002', source_ids: ['identity-00001'] }), NOW, facts);
  assert.ok(merged.ok);
  assert.equal(merged.doc.identities[0].canonical_face_path, 'thumbs/identity-00002/rep.jpg');
});
