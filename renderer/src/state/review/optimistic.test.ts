/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EP, ident, identityId, makeDoc, trackId } from '../../../../test-support/review-store';
import type { ReviewState } from '../../../../shared/ipc';
import { docReducer, planEdit, type DocState } from './optimistic';

const NOW = '2026-01-02T03:04:05.000Z';
const doc = makeDoc([ident(1, [1, 2], { labels: { name: 'Lisa Vanderpump', person_id: 'lisa-vanderpump' }, locked: true }), ident(2, [3]), ident(3, [4])]);
const history = { can_undo: false, can_redo: false, undo_label: null, redo_label: null, undo_kind: null, redo_kind: null };
const start: DocState = { doc, revision: 4, history, selectedIds: [identityId(2), identityId(3)] };
const span = (a: number, b: number) => ({ track_id: '', identity_id: null, start_s: a, end_s: b, frame_span: [a, b] as [number, number], faces: 3, sample_crops: [], avg_conf: 0.9 });
const tracks = { [trackId(1)]: span(0, 10), [trackId(2)]: span(20, 30), [trackId(3)]: span(40, 50), [trackId(4)]: span(5, 8) };

test('an edit is applied at once and the service’s answer replaces it, dropping selected ids that are gone', () => {
  const plan = planEdit(doc, { op: 'merge', target_id: identityId(2), source_ids: [identityId(3)], allow_overlap: false }, NOW, tracks, 'Merge');
  assert.equal(plan.kind, 'apply');
  if (plan.kind !== 'apply') return;
  const applied = docReducer(start, { type: 'applied', doc: plan.doc });
  assert.deepEqual(applied.doc!.identities.map((i) => i.identity_id), [identityId(1), identityId(2)]);
  assert.equal(applied.revision, 4, 'the revision moves only with the service');
  const server: ReviewState = { ep_id: EP, revision: 5, identities: plan.doc, history: { ...history, can_undo: true, undo_label: 'Merge', undo_kind: 'edit' as const } };
  const confirmed = docReducer(applied, { type: 'confirmed', state: server });
  assert.equal(confirmed.doc, plan.doc);
  assert.equal(confirmed.revision, 5);
  assert.equal(confirmed.history!.undo_label, 'Merge');
  assert.deepEqual(confirmed.selectedIds, [identityId(2)], 'identity-00003 was merged away');
});

test('a failed request rolls the document back, unless a later state already replaced it', () => {
  const plan = planEdit(doc, { op: 'lock', identity_id: identityId(2), locked: true }, NOW, tracks, 'Lock');
  assert.equal(plan.kind, 'apply');
  if (plan.kind !== 'apply') return;
  const applied = docReducer(start, { type: 'applied', doc: plan.doc });
  assert.equal(docReducer(applied, { type: 'rolledBack', applied: plan.doc, before: doc }).doc, doc);
  const reloaded = docReducer(applied, { type: 'confirmed', state: { ep_id: EP, revision: 9, identities: makeDoc([ident(9, [9])]), history } });
  assert.equal(docReducer(reloaded, { type: 'rolledBack', applied: plan.doc, before: doc }), reloaded, 'a newer state stays');
});

test('a locked identity or shared frames ask first, with the command to run on Continue; other refusals do not', () => {
  const relabel = planEdit(doc, { op: 'label', identity_id: identityId(1), name: 'Kyle Richards', person_id: 'kyle-richards' }, NOW, tracks, 'Label');
  assert.equal(relabel.kind, 'confirm');
  if (relabel.kind === 'confirm') {
    assert.equal(relabel.message, 'identity-00001 is locked. Relabel it "Lisa Vanderpump" → "Kyle Richards"?');
    assert.equal((relabel.command as { force?: boolean }).force, true);
  }
  const overlap = planEdit(doc, { op: 'merge', target_id: identityId(1), source_ids: [identityId(3)], allow_overlap: false, force: true }, NOW, tracks, 'Merge');
  assert.equal(overlap.kind, 'confirm');
  if (overlap.kind === 'confirm') {
    assert.match(overlap.message, /probably two different people\. Continue anyway\?$/);
    assert.deepEqual(overlap.command, { op: 'merge', target_id: identityId(1), source_ids: [identityId(3)], allow_overlap: true, force: true });
  }
  const missing = planEdit(doc, { op: 'lock', identity_id: identityId(7), locked: true }, NOW, tracks, 'Lock');
  assert.equal(missing.kind, 'refuse');
  assert.match(missing.kind === 'refuse' ? missing.message : '', /^Lock: /);
  assert.deepEqual(docReducer(start, { type: 'applied', doc }).doc, start.doc);
});
