import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keepOrder } from './order';

const cards = (...ids: string[]) => ids.map((id) => ({ id }));
const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

test('keepOrder: cards keep their places after an edit re-sorts them; gone cards leave, new ones take their sorted place', () => {
  // A merge made c the largest (sorted first now) and took b away: c stays where it was.
  assert.deepEqual(ids(keepOrder(cards('a', 'b', 'c', 'd'), cards('c', 'a', 'd'))), ['a', 'c', 'd']);
  // A split made n; the sort puts it second: it goes there, the rest keep their order.
  assert.deepEqual(ids(keepOrder(cards('a', 'b', 'c'), cards('c', 'n', 'b', 'a'))), ['a', 'n', 'b', 'c']);
  // A new card sorted past the end lands last.
  assert.deepEqual(ids(keepOrder(cards('a', 'b'), cards('b', 'a', 'z'))), ['a', 'b', 'z']);
});
