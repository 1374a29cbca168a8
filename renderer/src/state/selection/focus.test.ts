/// <reference types="node" />
// The grid's focus follows the identity the reviewer works on, and the order holds under it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EP, ident, identityId, makeDoc, makeTestStore } from '../../../../test-support/review-store';
import { episodeSelectors } from '../episode/selectors';
import { selectionSelectors } from './selectors';

const order = (s: Parameters<typeof episodeSelectors.visibleCards>[0]) => episodeSelectors.visibleCards(s).map((c) => c.id);

test('a merge that takes the focused card moves the focus to its target, and no card jumps to its new sorted place', () => {
  // The host never answers: what is checked is the optimistic state right after the command.
  const { store } = makeTestStore(() => new Promise(() => undefined));
  store.setState({ epId: EP, doc: makeDoc([ident(1, [1, 2, 3]), ident(2, [4, 5]), ident(3, [6]), ident(4, [7])]), view: 'people', tracks: {} });
  assert.deepEqual(order(store.getState()), [1, 2, 3, 4].map(identityId));
  store.getState().setFocus(0);
  void store.getState().runCommand({ op: 'merge', target_id: identityId(4), source_ids: [identityId(1)] });
  const s = store.getState();
  // Sorted afresh, identity 4 (now 4 tracks) would come first; it stays last, where the reviewer saw it.
  assert.deepEqual(order(s), [2, 3, 4].map(identityId));
  assert.equal(selectionSelectors.focusedCard(s)?.id, identityId(4));

  // A new sort is the reviewer's choice: the order is computed afresh.
  s.setSort('unlabeled');
  assert.deepEqual(order(store.getState()), [4, 2, 3].map(identityId));
  assert.equal(selectionSelectors.focusedCard(store.getState())?.id, identityId(4), 'the focus stays on the identity');
});

test('opening an identity focuses its card: back on the grid the reviewer is where they were', () => {
  const { store } = makeTestStore(() => new Promise(() => undefined));
  store.setState({ epId: EP, doc: makeDoc([ident(1, [1, 2]), ident(2, [3]), ident(3, [4])]), view: 'people', tracks: {} });
  store.getState().openDetail(identityId(3));
  store.getState().openDetail(null);
  assert.equal(selectionSelectors.focusIndex(store.getState()), 2);
});
