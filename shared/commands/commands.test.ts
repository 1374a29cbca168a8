import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identitiesDocSchema, type IdentitiesDoc, type Identity } from '../schema';
import { applyCommand, slugify, type Applied } from './apply';
import { emptyHistory, historySchema, historyState, isBackupStep, recordBackupStep, recordStep, redo, replayStep, undo, HISTORY_LIMIT } from './history';
import { reviewCommandSchema, type AnyCommand, type CommandContext } from './schema';
import { docOf, ident, T0 } from '../../test-support/identities';

const NOW = '2026-01-02T03:04:05.000Z';

function makeDoc(): IdentitiesDoc {
  const identities = [
    ident(1, [1, 2, 3], { labels: { person_id: 'lisa-vanderpump', name: 'Lisa Vanderpump' }, locked: true }),
    ident(2, [4, 5]),
    ident(3, [6]),
    ident(7, [7, 8]),
  ];
  return docOf(identities, 4);
}

// Frame spans: tracks 1-3 early, 4/5 late, 6 overlaps track 1, 7/8 mid.
const ctx: CommandContext = {
  tracks: Object.fromEntries(
    (
      [
        [1, [0, 99]],
        [2, [200, 299]],
        [3, [400, 499]],
        [4, [1000, 1099]],
        [5, [1200, 1299]],
        [6, [50, 60]],
        [7, [600, 699]],
        [8, [800, 899]],
      ] as const
    ).map(([t, span]) => [`track-${String(t).padStart(5, '0')}`, { faces: t * 3, frame_span: [span[0], span[1]] as [number, number], thumb: `crops/track-${String(t).padStart(5, '0')}/frame_000000.jpg` }]),
  ),
};

function ok(doc: IdentitiesDoc, c: AnyCommand, c2: CommandContext = ctx): Applied {
  const r = applyCommand(doc, c, NOW, c2);
  assert.ok(r.ok, `expected success, got ${JSON.stringify(r)}`);
  // Every result must be a valid identities.json.
  identitiesDocSchema.parse(r.doc);
  // And its inverse must give back the input exactly.
  const back = applyCommand(r.doc, r.inverse, NOW);
  assert.ok(back.ok);
  assert.deepEqual(back.doc, doc);
  assert.equal(JSON.stringify(back.doc), JSON.stringify(doc));
  return r;
}

const byId = (doc: IdentitiesDoc, id: string) => doc.identities.find((i) => i.identity_id === id);

test('slugify derives person ids from names', () => {
  assert.equal(slugify('Lisa Vanderpump'), 'lisa-vanderpump');
  assert.equal(slugify('  Beyoncé Knowles-Carter! '), 'beyonce-knowles-carter');
  assert.equal(slugify('!!!'), 'person');
});

test('lock and unlock, and unlock is allowed on a locked identity', () => {
  const doc = makeDoc();
  const r = ok(doc, { op: 'lock', identity_id: 'identity-00002', locked: true });
  assert.equal(byId(r.doc, 'identity-00002')!.locked, true);
  assert.equal(byId(r.doc, 'identity-00002')!.updated_at, NOW);
  assert.equal(byId(r.doc, 'identity-00003')!.updated_at, T0);
  const u = ok(doc, { op: 'lock', identity_id: 'identity-00001', locked: false });
  assert.equal(byId(u.doc, 'identity-00001')!.locked, false);
  assert.deepEqual(r.inverse.remove, ['identity-00002']);
});

test('label derives person_id, keeps extra label keys, clears with null; locked needs force', () => {
  const doc = makeDoc();
  const r = ok(doc, { op: 'label', identity_id: 'identity-00002', name: 'Kyle Richards' });
  assert.deepEqual(byId(r.doc, 'identity-00002')!.labels, { person_id: 'kyle-richards', name: 'Kyle Richards' });
  const r2 = ok(doc, { op: 'label', identity_id: 'identity-00002', name: 'Kim', person_id: 'kim-richards' });
  assert.equal(byId(r2.doc, 'identity-00002')!.labels.person_id, 'kim-richards');
  const refused = applyCommand(doc, { op: 'label', identity_id: 'identity-00001', name: 'X' }, NOW, ctx);
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.code, 'locked');
  const withExtra: IdentitiesDoc = { ...doc, identities: doc.identities.map((i) => (i.identity_id === 'identity-00001' ? { ...i, labels: { ...i.labels, source: 'imdb' } } : i)) };
  const cleared = ok(withExtra, { op: 'label', identity_id: 'identity-00001', name: null, force: true });
  assert.deepEqual(byId(cleared.doc, 'identity-00001')!.labels, { source: 'imdb' });
  assert.ok(!reviewCommandSchema.safeParse({ op: 'label', identity_id: 'identity-00001', name: '   ' }).success);
});

test('merge keeps target label and lock, removes sources, recomputes stats and counts', () => {
  const doc = makeDoc();
  const r = ok(doc, { op: 'merge', target_id: 'identity-00001', source_ids: ['identity-00002', 'identity-00007'] });
  const t = byId(r.doc, 'identity-00001')!;
  assert.deepEqual(t.track_ids, ['track-00001', 'track-00002', 'track-00003', 'track-00004', 'track-00005', 'track-00007', 'track-00008']);
  assert.equal(t.locked, true);
  assert.equal(t.labels.name, 'Lisa Vanderpump');
  assert.equal(t.embedding_stats.num_tracks, 7);
  assert.equal(t.embedding_stats.num_faces_total, 3 * (1 + 2 + 3 + 4 + 5 + 7 + 8));
  assert.equal(t.updated_at, NOW);
  assert.equal(byId(r.doc, 'identity-00002'), undefined);
  assert.equal(r.doc.identities.length, 2);
  assert.equal(r.doc.metadata.num_clusters, 1);
  assert.equal(r.doc.metadata.num_singletons, 1);
  assert.equal(r.doc.metadata.largest_cluster_size, 7);
  assert.equal(r.doc.metadata.largest_cluster_fraction, 7 / 8);
  assert.equal(r.doc.metadata.revision, 4, 'commands leave the revision to the service');
});

test('merge refusals: locked source, overlap, unknown, self', () => {
  const doc = makeDoc();
  const locked = applyCommand(doc, { op: 'merge', target_id: 'identity-00002', source_ids: ['identity-00001'] }, NOW, ctx);
  assert.ok(!locked.ok && locked.code === 'locked' && locked.locked_ids?.[0] === 'identity-00001');
  // track-00006 [50,60] overlaps track-00001 [0,99]
  const over = applyCommand(doc, { op: 'merge', target_id: 'identity-00001', source_ids: ['identity-00003'] }, NOW, ctx);
  assert.ok(!over.ok && over.code === 'overlap');
  assert.deepEqual(!over.ok && over.overlaps, [['track-00006', 'track-00001']]);
  ok(doc, { op: 'merge', target_id: 'identity-00001', source_ids: ['identity-00003'], allow_overlap: true });
  // without spans the check cannot run, so the merge goes through
  ok(doc, { op: 'merge', target_id: 'identity-00001', source_ids: ['identity-00003'] }, {});
  const forced = ok(doc, { op: 'merge', target_id: 'identity-00002', source_ids: ['identity-00001'], force: true });
  assert.equal(byId(forced.doc, 'identity-00002')!.locked, false);
  const missing = applyCommand(doc, { op: 'merge', target_id: 'identity-00002', source_ids: ['identity-00099'] }, NOW, ctx);
  assert.ok(!missing.ok && missing.code === 'not_found');
  const self = applyCommand(doc, { op: 'merge', target_id: 'identity-00002', source_ids: ['identity-00002'] }, NOW, ctx);
  assert.ok(!self.ok && self.code === 'invalid');
});

test('split creates max+1 identity, keeps order, refuses full split and locked', () => {
  const doc = makeDoc();
  const r = ok(doc, { op: 'split', identity_id: 'identity-00007', track_ids: ['track-00008'] });
  const created = r.doc.identities.at(-1)!;
  assert.equal(created.identity_id, 'identity-00008');
  assert.deepEqual(created.track_ids, ['track-00008']);
  assert.equal(created.cluster_id, null);
  assert.equal(created.canonical_face_path, 'crops/track-00008/frame_000000.jpg');
  assert.equal(created.embedding_stats.num_faces_total, 24);
  assert.deepEqual(byId(r.doc, 'identity-00007')!.track_ids, ['track-00007']);
  assert.equal(r.doc.metadata.num_singletons, 2);
  const two = ok(doc, { op: 'split', identity_id: 'identity-00001', track_ids: ['track-00001', 'track-00003'], force: true });
  assert.equal(two.doc.identities.at(-1)!.cluster_id, 8, 'a multi-track split becomes a new cluster');
  const all = applyCommand(doc, { op: 'split', identity_id: 'identity-00002', track_ids: ['track-00004', 'track-00005'] }, NOW, ctx);
  assert.ok(!all.ok && all.code === 'invalid');
  const lockd = applyCommand(doc, { op: 'split', identity_id: 'identity-00001', track_ids: ['track-00001'] }, NOW, ctx);
  assert.ok(!lockd.ok && lockd.code === 'locked');
  const foreign = applyCommand(doc, { op: 'split', identity_id: 'identity-00002', track_ids: ['track-00001'] }, NOW, ctx);
  assert.ok(!foreign.ok && foreign.code === 'not_found');
});

test('moveTracks moves from several identities, drops emptied ones, honours locks and overlaps', () => {
  const doc = makeDoc();
  const r = ok(doc, { op: 'moveTracks', track_ids: ['track-00006', 'track-00005'], to_identity_id: 'identity-00007' });
  assert.equal(byId(r.doc, 'identity-00003'), undefined, 'identity left empty disappears');
  assert.deepEqual(byId(r.doc, 'identity-00007')!.track_ids, ['track-00007', 'track-00008', 'track-00006', 'track-00005']);
  assert.deepEqual(byId(r.doc, 'identity-00002')!.track_ids, ['track-00004']);
  assert.equal(byId(r.doc, 'identity-00002')!.embedding_stats.num_faces_total, 12);
  assert.equal(r.doc.metadata.num_tracks, 8);
  const lockd = applyCommand(doc, { op: 'moveTracks', track_ids: ['track-00001'], to_identity_id: 'identity-00002' }, NOW, ctx);
  assert.ok(!lockd.ok && lockd.code === 'locked');
  const over = applyCommand(doc, { op: 'moveTracks', track_ids: ['track-00006'], to_identity_id: 'identity-00001' }, NOW, ctx);
  assert.ok(!over.ok && over.code === 'overlap');
  const same = applyCommand(doc, { op: 'moveTracks', track_ids: ['track-00004'], to_identity_id: 'identity-00002' }, NOW, ctx);
  assert.ok(!same.ok && same.code === 'invalid');
  const unknown = applyCommand(doc, { op: 'moveTracks', track_ids: ['track-00099'], to_identity_id: 'identity-00002' }, NOW, ctx);
  assert.ok(!unknown.ok && unknown.code === 'not_found');
});

test('removeTrack makes a singleton with cluster_id null', () => {
  const doc = makeDoc();
  const r = ok(doc, { op: 'removeTrack', track_id: 'track-00004' });
  const created = r.doc.identities.at(-1)!;
  assert.equal(created.identity_id, 'identity-00008');
  assert.equal(created.cluster_id, null);
  assert.deepEqual(created.track_ids, ['track-00004']);
  assert.equal(created.locked, false);
  assert.deepEqual(created.labels, {});
  const single = applyCommand(doc, { op: 'removeTrack', track_id: 'track-00006' }, NOW, ctx);
  assert.ok(!single.ok && single.code === 'invalid');
  const lockd = applyCommand(doc, { op: 'removeTrack', track_id: 'track-00002' }, NOW, ctx);
  assert.ok(!lockd.ok && lockd.code === 'locked');
  ok(doc, { op: 'removeTrack', track_id: 'track-00002', force: true });
});

test('inputs are not mutated', () => {
  const doc = makeDoc();
  const snapshot = structuredClone(doc);
  applyCommand(doc, { op: 'merge', target_id: 'identity-00002', source_ids: ['identity-00007'] }, NOW, ctx);
  applyCommand(doc, { op: 'split', identity_id: 'identity-00007', track_ids: ['track-00007'] }, NOW, ctx);
  assert.deepEqual(doc, snapshot);
});

test('undo/redo over a sequence, serialised through JSON between every step', () => {
  let doc = makeDoc();
  const states = [doc];
  let h = emptyHistory();
  const cmds: AnyCommand[] = [
    { op: 'label', identity_id: 'identity-00002', name: 'Kyle Richards' },
    { op: 'merge', target_id: 'identity-00002', source_ids: ['identity-00007'] },
    { op: 'split', identity_id: 'identity-00002', track_ids: ['track-00007'] },
    { op: 'removeTrack', track_id: 'track-00005' },
    { op: 'moveTracks', track_ids: ['track-00004'], to_identity_id: 'identity-00003', allow_overlap: true },
    { op: 'lock', identity_id: 'identity-00003', locked: true },
  ];
  for (const c of cmds) {
    const r = applyCommand(doc, c, NOW, ctx);
    assert.ok(r.ok, JSON.stringify(r));
    doc = r.doc;
    h = historySchema.parse(JSON.parse(JSON.stringify(recordStep(h, c.op, r.inverse))));
    states.push(doc);
  }
  assert.equal(historyState(h).undo_label, 'lock');
  for (let k = cmds.length - 1; k >= 0; k--) {
    const u = undo(h, doc, NOW);
    assert.ok(u.ok);
    doc = u.doc;
    h = historySchema.parse(JSON.parse(JSON.stringify(u.history)));
    assert.deepEqual(doc, states[k]);
  }
  assert.equal(historyState(h).can_undo, false);
  assert.ok(!undo(h, doc, NOW).ok);
  for (let k = 1; k <= cmds.length; k++) {
    const r = redo(h, doc, NOW);
    assert.ok(r.ok);
    doc = r.doc;
    h = historySchema.parse(JSON.parse(JSON.stringify(r.history)));
    assert.deepEqual(doc, states[k]);
  }
  assert.ok(!redo(h, doc, NOW).ok);
});

test('a new step clears redo; the stack keeps the last HISTORY_LIMIT (≥ 50) steps', () => {
  assert.ok(HISTORY_LIMIT >= 50);
  let doc = makeDoc();
  let h = emptyHistory();
  for (let k = 0; k < HISTORY_LIMIT + 10; k++) {
    const r = applyCommand(doc, { op: 'lock', identity_id: 'identity-00002', locked: k % 2 === 0 }, NOW, ctx);
    assert.ok(r.ok);
    doc = r.doc;
    h = recordStep(h, `step ${k}`, r.inverse);
  }
  assert.equal(h.undo.length, HISTORY_LIMIT);
  const u = undo(h, doc, NOW);
  assert.ok(u.ok);
  assert.equal(u.history.redo.length, 1);
  const r = applyCommand(u.doc, { op: 'lock', identity_id: 'identity-00003', locked: true }, NOW, ctx);
  assert.ok(r.ok);
  assert.equal(recordStep(u.history, 'x', r.inverse).redo.length, 0);
});

test('undo refuses with conflict when the document moved on underneath', () => {
  const doc = makeDoc();
  const r = applyCommand(doc, { op: 'split', identity_id: 'identity-00007', track_ids: ['track-00008'] }, NOW, ctx);
  assert.ok(r.ok);
  // Someone else merged the new identity away meanwhile.
  const other = applyCommand(r.doc, { op: 'merge', target_id: 'identity-00002', source_ids: ['identity-00008'] }, NOW, ctx);
  assert.ok(other.ok);
  const u = applyCommand(other.doc, r.inverse, NOW);
  assert.ok(!u.ok && u.code === 'conflict');
});

test('a cleanup step sits in the stack (serialisable, labelled) and is not undone by a command', () => {
  let doc = makeDoc();
  const cleanup = { kind: 'cleanup' as const, label: 'Cleanup (split tracks)', backup: 'data/manifests/x-s01e01/backups/cleanup-1' };
  const r = applyCommand(doc, { op: 'lock', identity_id: 'identity-00002', locked: true }, NOW, ctx);
  assert.ok(r.ok);
  doc = r.doc;
  let h = historySchema.parse(JSON.parse(JSON.stringify({ version: 1, undo: [cleanup], redo: [] })));
  assert.ok(isBackupStep(h.undo[0]));
  assert.deepEqual(historyState(h), { can_undo: true, can_redo: false, undo_label: 'Cleanup (split tracks)', redo_label: null, undo_kind: 'cleanup', redo_kind: null });
  const refused = undo(h, doc, NOW);
  assert.ok(!refused.ok && refused.code === 'invalid' && refused.message.includes(cleanup.backup));
  // Later review steps stack on top of it and undo normally, leaving the cleanup on top again.
  h = recordStep(h, 'lock', r.inverse);
  const u = undo(historySchema.parse(JSON.parse(JSON.stringify(h))), doc, NOW);
  assert.ok(u.ok);
  assert.ok(isBackupStep(u.history.undo.at(-1)) && !isBackupStep(u.history.redo.at(-1)));
  assert.throws(() => historySchema.parse({ version: 1, undo: [{ ...cleanup, backup: '' }], redo: [] }));
});

test('steps are typed: edit, cleanup or track edit; automatic changes never enter the stacks', () => {
  const r = applyCommand(makeDoc(), { op: 'lock', identity_id: 'identity-00002', locked: true }, NOW, ctx);
  assert.ok(r.ok);
  // An undo file written before steps were typed: its edits read as edits.
  const legacy = historySchema.parse({ version: 1, undo: [{ label: 'lock', undo: r.inverse, redo: null }], redo: [] });
  assert.equal(historyState(legacy).undo_kind, 'edit');
  const user = recordStep(emptyHistory(), 'lock', r.inverse);
  assert.equal(recordStep(user, 'Auto-assign: lock', r.inverse, 'auto'), user, 'an automatic change leaves the stacks as they were');
  assert.equal(replayStep(user, { kind: 'apply', label: 'Auto-assign: lock', command: r.inverse, inverse: r.inverse, origin: 'auto' }), user);
  assert.equal(replayStep(user, { kind: 'apply', label: 'lock', command: r.inverse, inverse: r.inverse }).undo.length, 2);
  const split = recordBackupStep(user, ['split_track', 'track-00001', 'face-00007'], 'b/cleanup-1');
  assert.deepEqual(historyState(split), { can_undo: true, can_redo: false, undo_label: 'Split track-00001 at face-00007', redo_label: null, undo_kind: 'track-edit', redo_kind: null });
  const cleanup = recordBackupStep(split, ['split_tracks', 'reembed'], 'b/cleanup-2');
  assert.deepEqual([historyState(cleanup).undo_kind, historyState(cleanup).undo_label], ['cleanup', 'Cleanup (split tracks, reembed)']);
  assert.ok(isBackupStep(cleanup.undo[1]) && isBackupStep(cleanup.undo[2]) && !isBackupStep(cleanup.undo[0]));
});
