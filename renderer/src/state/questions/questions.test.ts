/// <reference types="node" />
// The questions slice over a fake host: the list (same-person pairs first, then cast suggestions from
// the score they are asked at), the keys of the questions view, which identity y keeps, n as a
// notSamePerson command, and z asking the undone question again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EP, ident, identityId, makeDoc, makeTestStore } from '../../../../test-support/review-store';
import { actionForKey, viewScopes } from '../../actions/registry';
import type { ActionContext } from '../../actions/types';
import { mergeTarget, questionSelectors } from './selectors';

const pair = (a: number, b: number, similarity: number) => ({ a: identityId(a), b: identityId(b), similarity, a_faces: [], b_faces: [] });
const suggestion = (person_id: string, name: string, score: number) => ({ person_id, name, score, references: 3, reference_faces: [] });

function setup(revisionAfterEdit = 2) {
  const doc = makeDoc([ident(1, [1, 2, 3]), ident(2, [4, 5]), ident(3, [6]), ident(4, [7], { labels: { name: 'Ada', person_id: 'ada' }, locked: true }), ident(5, [8])]);
  let revision = 1;
  let pairs = [pair(1, 2, 0.8), pair(4, 3, 0.7)];
  const { store, host } = makeTestStore((method, req) => {
    if (method === 'getSamePersonQuestions') return { ep_id: EP, revision, threshold: 0.5, pairs };
    if (method === 'applyReview') {
      const command = (req as { command: { op: string } }).command;
      revision = revisionAfterEdit;
      if (command.op === 'notSamePerson') pairs = pairs.slice(1);
      return { ep_id: EP, revision, identities: { ...doc, metadata: { ...doc.metadata, revision } }, history: { can_undo: true, can_redo: false, undo_label: 'x', redo_label: null, undo_kind: 'edit', redo_kind: null } };
    }
    if (method === 'undo') {
      revision++;
      pairs = [pair(1, 2, 0.8), pair(4, 3, 0.7)];
      return { ep_id: EP, revision, identities: { ...doc, metadata: { ...doc.metadata, revision } }, history: { can_undo: false, can_redo: true, undo_label: null, redo_label: 'x', undo_kind: null, redo_kind: 'edit' } };
    }
    return undefined;
  });
  store.setState({
    epId: EP,
    doc,
    revision: 1,
    view: 'people',
    tracks: {},
    castSuggestions: {
      ep_id: EP,
      suggestions: { [identityId(5)]: [suggestion('bob', 'Bob', 0.9)], [identityId(3)]: [suggestion('cy', 'Cy', 0.2)], [identityId(4)]: [suggestion('bob', 'Bob', 0.95)] },
      auto_assign: { enabled: false, threshold: 0.5, min_margin: 0.1 },
      auto_assignments: [],
      library_references: 3,
    },
  });
  const press = async (key: string) => {
    const a = actionForKey({ key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false }, viewScopes(store.getState()));
    assert.ok(a && a.enabled(store.getState()), `${key} runs an enabled action on ${store.getState().view}`);
    const ctx: ActionContext = { get: store.getState, effects: { focusSearch() {}, revealTrack() {} }, shift: false };
    await a.perform(ctx);
  };
  return { store, host, press };
}

const keys = (s: Parameters<typeof questionSelectors.questions>[0]) => questionSelectors.questions(s).map((q) => q.key);

test('same-person pairs first, then cast suggestions from the asking score on unlabeled identities; y keeps the locked / labeled side', async () => {
  const { store } = setup();
  await store.getState().loadSamePerson(EP, 1);
  assert.deepEqual(keys(store.getState()), [`same:${identityId(1)}/${identityId(2)}`, `same:${identityId(4)}/${identityId(3)}`, `cast:${identityId(5)}/bob`]);
  const [i1, i2, i3, i4] = store.getState().doc!.identities;
  assert.deepEqual(mergeTarget(i1, i2), { target: identityId(1), source: identityId(2) }, 'more tracks');
  assert.deepEqual(mergeTarget(i3, i4), { target: identityId(4), source: identityId(3) }, 'the locked, labeled one, though it has no more tracks');
});

test('q opens the questions; s / ← move round them; n is a notSamePerson; z takes it back and asks it again; Esc leaves', async () => {
  const { store, host, press } = setup();
  await store.getState().loadSamePerson(EP, 1);
  await press('q');
  assert.equal(store.getState().view, 'questions');
  await press('s');
  assert.equal(questionSelectors.current(store.getState())?.key, `same:${identityId(4)}/${identityId(3)}`);
  await press('ArrowLeft');
  await press('ArrowLeft');
  assert.equal(questionSelectors.position(store.getState()), 3, 'wraps round');
  await press('ArrowRight');
  assert.equal(questionSelectors.position(store.getState()), 1);

  await press('n');
  const sent = host.calls.filter((c) => c.method === 'applyReview').map((c) => (c.req as { command: unknown }).command);
  assert.deepEqual(sent, [{ op: 'notSamePerson', identity_ids: [identityId(1), identityId(2)] }]);
  assert.ok(!keys(store.getState()).includes(`same:${identityId(1)}/${identityId(2)}`), 'hidden at once, before the list is fetched again');
  await store.getState().loadSamePerson(EP, store.getState().revision);
  assert.equal(keys(store.getState()).length, 2);

  await press('z');
  assert.equal(host.calls.filter((c) => c.method === 'undo').length, 1);
  await store.getState().loadSamePerson(EP, store.getState().revision);
  assert.equal(questionSelectors.current(store.getState())?.key, `same:${identityId(1)}/${identityId(2)}`, 'the undone question is on screen again');

  await press('Escape');
  assert.equal(store.getState().view, 'people');
});

test('z after a reload (the answer not seen by this page): the question the undo brings back is the one on screen', async () => {
  const { store, host, press } = setup();
  await store.getState().loadSamePerson(EP, 1);
  await press('q');
  await press('n');
  await store.getState().loadSamePerson(EP, store.getState().revision);
  // A reload: the page forgets its answers and sits on the last question.
  store.setState({ lastAnswer: null, answered: [] });
  await press('ArrowLeft');
  assert.notEqual(questionSelectors.current(store.getState())?.key, `same:${identityId(1)}/${identityId(2)}`);
  await press('z');
  assert.equal(host.calls.filter((c) => c.method === 'undo').length, 1);
  await store.getState().loadSamePerson(EP, store.getState().revision);
  assert.equal(questionSelectors.current(store.getState())?.key, `same:${identityId(1)}/${identityId(2)}`, 'the pair the undo reopened');
  assert.equal(store.getState().reask, null);
});
