// Where the reviewer is, as a URL hash: `#/`, `#/ep/<id>`, `#/ep/<id>/identity/<id>`,
// `#/ep/<id>/timeline`, `#/ep/<id>/questions`. Pure parse / format, the route of a store state, and
// the two-way binding of a store to a location (given as an interface, so the binding runs under Node;
// main.tsx hands it the browser's window).

export type Route =
  | { view: 'episodes' }
  | { view: 'people'; epId: string }
  | { view: 'identity'; epId: string; identityId: string }
  | { view: 'timeline'; epId: string }
  | { view: 'questions'; epId: string };

const EPISODES: Route = { view: 'episodes' };

/** The route a hash names; anything unknown is the Episodes list. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#?\/?/, '').split('/').filter(Boolean).map(decode);
  if (parts[0] !== 'ep' || !parts[1] || parts.some((p) => p === null)) return EPISODES;
  const [, epId, kind, id] = parts as string[];
  if (parts.length === 2) return { view: 'people', epId };
  if (parts.length === 3 && (kind === 'timeline' || kind === 'questions')) return { view: kind, epId };
  if (parts.length === 4 && kind === 'identity' && id) return { view: 'identity', epId, identityId: id };
  return EPISODES;
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export function formatRoute(r: Route): string {
  if (r.view === 'episodes') return '#/';
  const ep = `#/ep/${encodeURIComponent(r.epId)}`;
  if (r.view === 'people') return ep;
  if (r.view === 'identity') return `${ep}/identity/${encodeURIComponent(r.identityId)}`;
  return `${ep}/${r.view}`;
}

/** What the route binding reads of the store. */
export interface RoutedState {
  view: Route['view'];
  epId: string | null;
  detailId: string | null;
}

/** The route of what is on screen (a view of no episode is the Episodes list). */
export function routeOf(s: RoutedState): Route {
  if (s.view === 'episodes' || !s.epId) return EPISODES;
  if (s.view === 'identity') return s.detailId ? { view: 'identity', epId: s.epId, identityId: s.detailId } : { view: 'people', epId: s.epId };
  return { view: s.view, epId: s.epId };
}

export const sameRoute = (a: Route, b: Route) => formatRoute(a) === formatRoute(b);

/** The address bar and its history, as the binding uses them. */
export interface RouteLocation {
  hash(): string;
  /** A new history entry for `hash` (back returns to the previous one). */
  push(hash: string): void;
  /** The current entry becomes `hash` (no new entry). */
  replace(hash: string): void;
  /** Calls `cb` when the reviewer changes the hash (back / forward, an edited address); returns an unsubscribe. */
  listen(cb: () => void): () => void;
}

export interface RoutedStore<S extends RoutedState> {
  getState(): S;
  subscribe(cb: (s: S) => void): () => void;
}

/**
 * Keeps store and location in step, starting from the location (a reload shows the view it names):
 * every change of view the reviewer makes pushes its hash, so back / forward walk the views, and a
 * hash the reviewer changes is navigated to. The steps of one navigation (open the episode, then the
 * identity) make no entries of their own; where it ends replaces the hash it started from.
 * `navigate` is the store's way to a route; `changed` runs on each move to a new route (the old
 * view's errors go).
 */
export function bindRoute<S extends RoutedState>(store: RoutedStore<S>, loc: RouteLocation, navigate: (r: Route) => Promise<void>, changed: (r: Route) => void): () => void {
  const current = () => formatRoute(routeOf(store.getState()));
  let shown = current();
  let navigating = 0;
  /** Where the running navigation goes (popstate and hashchange both report one move). */
  let target: string | null = null;
  // A navigation is one change, announced as it starts: what goes wrong on its way (an identity that
  // is not there) is about where it ends, and stays.
  const go = async (r: Route) => {
    navigating++;
    target = formatRoute(r);
    changed(r);
    try {
      await navigate(r);
    } finally {
      navigating--;
      if (!navigating) target = null;
      shown = current();
      if (!navigating && loc.hash() !== shown) loc.replace(shown);
    }
  };
  const offStore = store.subscribe(() => {
    const next = current();
    if (next === shown) return;
    shown = next;
    if (navigating) return;
    changed(parseRoute(next));
    if (loc.hash() !== next) loc.push(next);
  });
  const offLoc = loc.listen(() => {
    const wanted = parseRoute(loc.hash());
    if (formatRoute(wanted) !== shown && formatRoute(wanted) !== target) void go(wanted);
  });
  void go(parseRoute(loc.hash()));
  return () => {
    offStore();
    offLoc();
  };
}
