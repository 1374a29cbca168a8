/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Identity } from '../../../shared/schema';
import { CLEAR_MATCH_MARGIN, CLEAR_MATCH_MIN, clearMatch, keptFirst, matchesQuery, mergeOutcome } from './mergePlan';

const ident = (n: number, tracks: number, extra: Partial<Identity> = {}): Identity =>
  ({
    identity_id: `identity-${String(n).padStart(5, '0')}`,
    track_ids: Array.from({ length: tracks }, (_, k) => `track-${String(n * 10 + k).padStart(5, '0')}`),
    labels: {},
    locked: false,
    canonical_face_path: '',
    embedding_stats: { num_faces_total: tracks * 5 },
    ...extra,
  }) as unknown as Identity;

test('clearMatch preselects only a high score well ahead of the runner-up, never a separated one (Friends figures)', () => {
  // After splitting Chandler (0.344) out of Joey's identity: low score, large margin → nothing.
  assert.equal(clearMatch([{ identity_id: 'identity-00007', similarity: 0.344 }, { identity_id: 'identity-00006', similarity: 0.126 }]), null);
  // Two Ross tracks close together: a look-alike pair → nothing.
  assert.equal(clearMatch([{ identity_id: 'identity-00001', similarity: 0.777 }, { identity_id: 'identity-00002', similarity: 0.742 }]), null);
  // Monica split out of Joey's identity: 0.748, far ahead — still not trusted (the embedder is wrong here).
  assert.equal(clearMatch([{ identity_id: 'identity-00008', similarity: 0.748 }, { identity_id: 'identity-00004', similarity: 0.371 }]), null);
  // Above every wrong match measured, well ahead → preselected; unless the reviewer separated them.
  const high = [{ identity_id: 'identity-00003', similarity: 0.2 }, { identity_id: 'identity-00002', similarity: 0.86 }];
  assert.equal(clearMatch(high), 'identity-00002');
  assert.equal(clearMatch(high, new Set(['identity-00002'])), null);
  assert.equal(clearMatch([{ identity_id: 'identity-00002', similarity: CLEAR_MATCH_MIN }]), 'identity-00002');
  assert.equal(clearMatch([{ identity_id: 'identity-00002', similarity: CLEAR_MATCH_MIN - 0.01 }]), null);
  assert.equal(clearMatch([{ identity_id: 'a', similarity: 0.9 }, { identity_id: 'b', similarity: 0.9 - CLEAR_MATCH_MARGIN + 0.01 }]), null);
  assert.equal(clearMatch([]), null);
});

test('keptFirst: labeled, then locked, then larger', () => {
  const big = ident(1, 5), locked = ident(2, 1, { locked: true }), named = ident(3, 1, { labels: { name: 'Joey', person_id: 'joey' } });
  assert.deepEqual(keptFirst([big, locked, named]).map((i) => i.identity_id), ['identity-00003', 'identity-00002', 'identity-00001']);
  assert.deepEqual(keptFirst([ident(4, 2), ident(5, 3)]).map((i) => i.identity_id), ['identity-00005', 'identity-00004']);
});

test('mergeOutcome: the name carries over by default; dropped names and locks are listed', () => {
  const joey = ident(1, 2, { labels: { name: 'Joey', person_id: 'joey' }, locked: true });
  const anon = ident(2, 3);
  assert.deepEqual(mergeOutcome(anon, [joey], true), { name: 'Joey', carried: { name: 'Joey', person_id: 'joey' }, locked: false, losses: ['the lock of identity-00001'] });
  assert.deepEqual(mergeOutcome(anon, [joey], false).losses, ['the name "Joey" of identity-00001', 'the lock of identity-00001']);
  assert.deepEqual(mergeOutcome(joey, [anon], true), { name: 'Joey', carried: null, locked: true, losses: [] });
  const ross = ident(3, 1, { labels: { name: 'Ross', person_id: 'ross' } });
  assert.deepEqual(mergeOutcome(joey, [ross], true).losses, ['the name "Ross" of identity-00003']);
});

test('matchesQuery: name, person id or identity id, case-insensitive', () => {
  const joey = ident(1, 2, { labels: { name: 'Joey Tribbiani', person_id: 'joey-tribbiani' } });
  assert.ok(matchesQuery(joey, 'TRIB'));
  assert.ok(matchesQuery(joey, '00001'));
  assert.ok(!matchesQuery(ident(2, 1), 'joey'));
  assert.ok(matchesQuery(ident(2, 1), '  '));
});

test('separations: a split remembers both sides; identities holding the far side are separated from the anchor', async () => {
  const { separationOf, separatedFrom } = await import('./separations');
  const doc = { identities: [ident(1, 3), ident(2, 1)], metadata: {} } as unknown as import('../../../shared/schema').IdentitiesDoc;
  const [t0, t1, t2] = doc.identities[0].track_ids;
  const sep = separationOf(doc, { op: 'split', identity_id: 'identity-00001', track_ids: [t2] });
  assert.deepEqual(sep, [[t2], [t0, t1]]);
  // After the split, t2 lives in identity-00009.
  const after = { ...doc, identities: [ident(1, 2), ident(2, 1), { ...ident(9, 0), track_ids: [t2] }] } as typeof doc;
  assert.deepEqual([...separatedFrom(after, 'identity-00001', [sep!])], ['identity-00009']);
  assert.deepEqual([...separatedFrom(after, 'identity-00009', [sep!])], ['identity-00001']);
  assert.deepEqual([...separatedFrom(after, 'identity-00002', [sep!])], []);
  assert.equal(separationOf(doc, { op: 'lock', identity_id: 'identity-00001', locked: true }), null);
});
