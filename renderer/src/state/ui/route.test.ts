// Routes: parse ∘ format is the identity on every route, unknown hashes are the Episodes list, and the
// binding of a store to a fake location pushes one entry per view change, navigates on back / forward,
// and makes no entries for the steps of one navigation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindRoute, formatRoute, parseRoute, routeOf, type Route, type RoutedState, type RouteLocation } from './route';

const routes: Route[] = [
  { view: 'episodes' },
  { view: 'people', epId: 'friends-s01e01' },
  { view: 'identity', epId: 'friends-s01e01', identityId: 'identity-00004' },
  { view: 'timeline', epId: 'rhobh-s05e02' },
  { view: 'questions', epId: 'rhobh-s05e02' },
];

test('format then parse gives the route back; the hashes read as documented', () => {
  for (const r of routes) assert.deepEqual(parseRoute(formatRoute(r)), r);
  assert.deepEqual(routes.map(formatRoute), ['#/', '#/ep/friends-s01e01', '#/ep/friends-s01e01/identity/identity-00004', '#/ep/rhobh-s05e02/timeline', '#/ep/rhobh-s05e02/questions']);
  assert.deepEqual(parseRoute('#/ep/friends-s01e01/'), routes[1], 'a trailing slash');
  assert.deepEqual(parseRoute('/ep/friends-s01e01/identity/identity-00004'), routes[2], 'without #');
  assert.deepEqual(parseRoute('#/ep/a%20b'), { view: 'people', epId: 'a b' });
  assert.equal(formatRoute({ view: 'people', epId: 'a/b' }), '#/ep/a%2Fb');
});

test('unknown or malformed hashes are the Episodes list', () => {
  for (const h of ['', '#', '#/', '#/nope', '#/ep', '#/ep/x/identity', '#/ep/x/settings', '#/ep/x/identity/a/b', '#/ep/%E0%A4%A']) assert.deepEqual(parseRoute(h), { view: 'episodes' }, h);
});

test('routeOf: a view without an episode is the Episodes list; an identity view without one open is the grid', () => {
  assert.deepEqual(routeOf({ view: 'people', epId: null, detailId: null }), { view: 'episodes' });
  assert.deepEqual(routeOf({ view: 'episodes', epId: 'x-s01e01', detailId: 'identity-00001' }), { view: 'episodes' });
  assert.deepEqual(routeOf({ view: 'identity', epId: 'x-s01e01', detailId: null }), { view: 'people', epId: 'x-s01e01' });
  assert.deepEqual(routeOf({ view: 'identity', epId: 'x-s01e01', detailId: 'identity-00002' }), { view: 'identity', epId: 'x-s01e01', identityId: 'identity-00002' });
});

/** A store of RoutedState and a history stack standing in for window.location / history. */
function fixture(startHash: string) {
  let state: RoutedState = { view: 'episodes', epId: null, detailId: null };
  const subs = new Set<(s: RoutedState) => void>();
  const store = { getState: () => state, subscribe: (cb: (s: RoutedState) => void) => (subs.add(cb), () => subs.delete(cb)) };
  const set = (p: Partial<RoutedState>) => {
    state = { ...state, ...p };
    for (const cb of subs) cb(state);
  };
  const entries = [startHash];
  let at = 0;
  let onHash: (() => void) | null = null;
  const loc: RouteLocation = {
    hash: () => entries[at],
    push: (h) => {
      entries.splice(at + 1, Infinity, h);
      at++;
    },
    replace: (h) => void (entries[at] = h),
    listen: (cb) => ((onHash = cb), () => (onHash = null)),
  };
  const move = (d: number) => {
    at += d;
    onHash?.();
  };
  const navigated: Route[] = [];
  const changed: string[] = [];
  // Navigating is two steps, like opening an episode and then an identity.
  const navigate = async (r: Route) => {
    navigated.push(r);
    if (r.view === 'episodes') return set({ view: 'episodes' });
    set({ epId: r.epId, view: 'people', detailId: null });
    await Promise.resolve();
    if (r.view === 'identity') set({ view: 'identity', detailId: r.identityId });
    else set({ view: r.view });
  };
  const off = bindRoute(store, loc, navigate, (r) => changed.push(formatRoute(r)));
  return { set, entries: () => entries.slice(), at: () => at, move, navigated, changed, state: () => state, off };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test('a reload shows the view its hash names, with no extra history entry', async () => {
  const f = fixture('#/ep/friends-s01e01/identity/identity-00004');
  await tick();
  assert.deepEqual(f.state(), { view: 'identity', epId: 'friends-s01e01', detailId: 'identity-00004' });
  assert.deepEqual(f.entries(), ['#/ep/friends-s01e01/identity/identity-00004']);
  assert.deepEqual(f.changed, ['#/ep/friends-s01e01/identity/identity-00004'], 'one navigation is one change, however many steps it takes');
});

test('each view change is one entry; back and forward navigate to them; the same view twice is no entry', async () => {
  const f = fixture('');
  await tick();
  assert.deepEqual(f.entries(), ['#/'], 'an empty hash becomes #/');
  f.set({ epId: 'friends-s01e01', view: 'people' });
  f.set({ view: 'identity', detailId: 'identity-00002' });
  f.set({ view: 'identity', detailId: 'identity-00002' });
  f.set({ view: 'timeline' });
  assert.deepEqual(f.entries(), ['#/', '#/ep/friends-s01e01', '#/ep/friends-s01e01/identity/identity-00002', '#/ep/friends-s01e01/timeline']);
  f.move(-1);
  await tick();
  assert.deepEqual(f.state(), { view: 'identity', epId: 'friends-s01e01', detailId: 'identity-00002' });
  f.move(-1);
  await tick();
  assert.equal(f.state().view, 'people');
  f.move(+1);
  await tick();
  assert.equal(f.state().detailId, 'identity-00002');
  assert.equal(f.entries().length, 4, 'navigating by history makes no entries');
  assert.deepEqual(f.changed, ['#/', '#/ep/friends-s01e01', '#/ep/friends-s01e01/identity/identity-00002', '#/ep/friends-s01e01/timeline', '#/ep/friends-s01e01/identity/identity-00002', '#/ep/friends-s01e01', '#/ep/friends-s01e01/identity/identity-00002']);
  assert.equal(f.at(), 2);
  f.off();
});
