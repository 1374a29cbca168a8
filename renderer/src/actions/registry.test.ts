/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EP, ident, identityId, makeDoc, makeTestStore } from '../../../test-support/review-store';
import { normalise, type KeyLike } from './keys';
import { ACTIONS, actionForKey, overlaySections, viewScopes } from './registry';
import type { ActionContext, Scope } from './types';

/** Every key chord an action takes, Shift variants included when Shift extends a selection. */
function chords(scope: Scope): Map<string, string[]> {
  const taken = new Map<string, string[]>();
  for (const a of ACTIONS.filter((x) => x.scope === scope)) {
    const keys = a.keys.flatMap((k) => (a.shiftExtends ? [k, `Shift+${k}`] : [k]));
    for (const k of keys) taken.set(normalise(k), [...(taken.get(normalise(k)) ?? []), a.id]);
  }
  return taken;
}

test('no key runs two actions: none within a scope, none between the global scope and a view scope', () => {
  const scopes: Scope[] = ['global', 'grid', 'identity', 'faces', 'dialog', 'questions', 'timeline'];
  for (const scope of scopes) {
    for (const [key, ids] of chords(scope)) assert.equal(ids.length, 1, `${scope}: "${key}" is bound to ${ids.join(' and ')}`);
  }
  // The global scope is active together with the grid's and the identity view's keys.
  const global = chords('global');
  for (const scope of ['grid', 'identity', 'timeline'] as const) {
    for (const [key, ids] of chords(scope)) assert.ok(!global.has(key), `"${key}" is bound to ${ids[0]} (${scope}) and ${global.get(key)?.[0]} (global)`);
  }
  assert.equal(new Set(ACTIONS.map((a) => a.id)).size, ACTIONS.length, 'action ids are unique');
});

test('the "?" overlay lists every action that has keys, with its keys and label', () => {
  const rows = overlaySections().flatMap((s) => s.rows);
  const withKeys = ACTIONS.filter((a) => a.keys.length > 0);
  assert.deepEqual(rows.map((r) => r.id).sort(), withKeys.map((a) => a.id).sort());
  for (const a of withKeys) {
    const row = rows.find((r) => r.id === a.id)!;
    assert.ok(row.label.startsWith(a.label), `${a.id}: "${row.label}"`);
    assert.equal(row.keys.length, a.keys.length);
  }
  const undo = rows.find((r) => r.id === 'history.undo')!;
  assert.deepEqual(undo.keys, [['z'], ['Ctrl/⌘', 'z']]);
  assert.deepEqual(rows.find((r) => r.id === 'grid.next')!.keys, [['→'], ['j']]);
});

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...mods });

test('keys find their action in the scopes of the view on screen, the inner scope first', () => {
  const id = (e: KeyLike, scopes: Scope[]) => actionForKey(e, scopes)?.id;
  assert.equal(id(key('z'), ['global']), 'history.undo');
  assert.equal(id(key('Z', { shiftKey: true }), ['global']), 'history.redo');
  assert.equal(id(key('z', { ctrlKey: true }), ['global']), 'history.undo');
  assert.equal(id(key('z', { metaKey: true, shiftKey: true }), ['global']), 'history.redo');
  assert.equal(id(key('z', { altKey: true }), ['global']), undefined);
  assert.equal(id(key('?', { shiftKey: true }), ['global']), 'help');
  assert.equal(id(key('J', { shiftKey: true }), viewScopes({ view: 'people' })), 'grid.next', 'Shift+j extends');
  assert.equal(id(key('ArrowRight'), viewScopes({ view: 'identity' })), 'tracks.next');
  assert.equal(id(key('ArrowRight'), ['faces', ...viewScopes({ view: 'identity' })]), 'faces.next', 'the face strip shadows the track list');
  assert.equal(id(key('s'), viewScopes({ view: 'people' })), undefined, 'split is a track action');
  assert.equal(id(key('Escape'), ['dialog']), 'dialog.close');
});

test('actions act on the store: Shift+→ extends the selection, m opens the merge dialog as data, l locks at once and rolls back', async () => {
  const doc = makeDoc([ident(1, [1, 2, 3]), ident(2, [4, 5]), ident(3, [6])]);
  const { store, host } = makeTestStore((method) => {
    if (method === 'applyReview') throw new Error('offline');
    return undefined;
  });
  store.setState({ epId: EP, doc, view: 'people', tracks: {} });
  const ctx = (shift: boolean): ActionContext => ({ get: store.getState, effects: { focusSearch() {}, revealTrack() {} }, shift });
  const run = (k: KeyLike) => {
    const a = actionForKey(k, viewScopes(store.getState()))!;
    assert.ok(a.enabled(store.getState()), `${a.id} enabled`);
    return a.perform(ctx(k.shiftKey));
  };
  await run(key('ArrowRight', { shiftKey: true }));
  assert.deepEqual(store.getState().selectedIds.sort(), [identityId(1), identityId(2)]);
  assert.equal(store.getState().focusIndex, 1);
  await run(key('m'));
  assert.deepEqual(store.getState().dialog, { kind: 'merge', props: { targetId: identityId(1), sourceIds: [identityId(2)] } });
  assert.deepEqual(JSON.parse(JSON.stringify(store.getState().dialog)), store.getState().dialog, 'the dialog is plain data');
  store.getState().closeDialog();
  await run(key('Escape'));
  assert.deepEqual(store.getState().selectedIds, []);
  await run(key('l'));
  assert.deepEqual(
    store.getState().doc!.identities.filter((i) => i.locked).map((i) => i.identity_id),
    [identityId(2)],
    'the focused card, locked at once, before the host answers',
  );
  await new Promise((r) => setTimeout(r, 0));
  while (store.getState().pending > 0) await new Promise((r) => setTimeout(r, 1));
  assert.equal(store.getState().doc, doc, 'the host failed: the lock rolled back');
  assert.deepEqual(host.calls.filter((c) => c.method === 'applyReview').length, 1);
  assert.match(store.getState().toasts.at(-1)?.text ?? '', /failed: .*offline/);
});
