// Derived data for components. Memoised on input identity so the 2,000-card grid is not rebuilt on
// every keystroke or focus move.
import type { Identity } from '../../../../shared/schema';
import type { TrackSummary } from '../../../../shared/ipc';
import type { AppState } from '../appState';
import type { Filters, SortKey } from '../ui/slice';
import { unionLength } from '../../../../shared/geometry';
import { keepOrder } from '../selection/order';

export interface IdentityCardModel {
  id: string;
  name: string | null;
  personId: string | null;
  locked: boolean;
  tracks: number;
  faces: number;
  seconds: number;
  thumbRef: string;
  singleton: boolean;
}

/** Seconds on screen: the union of the tracks' [start_s, end_s] (overlapping tracks count once). */
export function onScreenSeconds(trackIds: string[], tracks: Record<string, TrackSummary>): number {
  return unionLength(trackIds.filter((t) => tracks[t]).map((t) => [tracks[t].start_s, tracks[t].end_s] as const));
}

export function toCard(ident: Identity, tracks: Record<string, TrackSummary>): IdentityCardModel {
  let faces = 0;
  let fallbackThumb = '';
  for (const t of ident.track_ids) {
    const tr = tracks[t];
    if (!tr) continue;
    faces += tr.faces;
    if (!fallbackThumb && tr.sample_crops.length) fallbackThumb = tr.sample_crops[0];
  }
  return {
    id: ident.identity_id,
    name: ident.labels.name ?? null,
    personId: ident.labels.person_id ?? null,
    locked: ident.locked,
    tracks: ident.track_ids.length,
    faces: faces || ident.embedding_stats.num_faces_total,
    seconds: onScreenSeconds(ident.track_ids, tracks),
    thumbRef: ident.canonical_face_path || fallbackThumb,
    singleton: ident.track_ids.length === 1,
  };
}

export function filterAndSort(
  cards: IdentityCardModel[],
  filters: Filters,
  sort: SortKey,
  similarity: { id: string; scores: Record<string, number> } | null,
): IdentityCardModel[] {
  const q = filters.search.trim().toLowerCase();
  const out = cards.filter(
    (c) =>
      (!filters.unlabeled || !c.name) &&
      (!filters.locked || c.locked) &&
      (!filters.singletons || c.singleton) &&
      (!q || (c.name ?? '').toLowerCase().includes(q) || (c.personId ?? '').includes(q) || c.id.includes(q)),
  );
  const bySize = (a: IdentityCardModel, b: IdentityCardModel) => b.tracks - a.tracks || b.faces - a.faces || a.id.localeCompare(b.id);
  if (sort === 'size') out.sort(bySize);
  else if (sort === 'unlabeled') out.sort((a, b) => Number(!!a.name) - Number(!!b.name) || bySize(a, b));
  else if (similarity) {
    const score = (c: IdentityCardModel) => (c.id === similarity.id ? 2 : (similarity.scores[c.id] ?? -2));
    out.sort((a, b) => score(b) - score(a) || bySize(a, b));
  } else out.sort(bySize);
  return out;
}

export type DetailTrack = NonNullable<AppState['detail']>['tracks'][number];
/** Stable empty values: a selector returning a fresh [] each call would re-render forever. */
const NO_TRACKS: DetailTrack[] = [];
let detailMemo: { tracks: unknown; ident: unknown; order: string; out: DetailTrack[] } | null = null;
const NO_IDENTITIES: Identity[] = [];
let cardsMemo: { identities: unknown; tracks: unknown; cards: IdentityCardModel[] } | null = null;
let visibleMemo: { cards: unknown; filters: unknown; sort: unknown; similarity: unknown; epId: unknown; out: IdentityCardModel[] } | null = null;

export const episodeSelectors = {
  /**
   * The episode whose commands (undo/redo, cleanup, identity shortcuts) may run: the open episode
   * while one of its views is on screen, none on the Episodes list (the last opened episode stays
   * loaded there, but nothing of it is visible, so nothing may change it).
   */
  episodeOnScreen(s: AppState): string | null {
    return s.view === 'episodes' ? null : s.epId;
  },
  allCards(s: AppState): IdentityCardModel[] {
    const identities = s.doc?.identities ?? NO_IDENTITIES;
    if (cardsMemo && cardsMemo.identities === identities && cardsMemo.tracks === s.tracks) return cardsMemo.cards;
    const cards = identities.map((i) => toCard(i, s.tracks));
    cardsMemo = { identities, tracks: s.tracks, cards };
    return cards;
  },
  visibleCards(s: AppState): IdentityCardModel[] {
    const cards = episodeSelectors.allCards(s);
    const m = visibleMemo;
    const sameView = m && m.filters === s.filters && m.sort === s.sort && m.similarity === s.similarity && m.epId === s.epId;
    if (sameView && m.cards === cards) return m.out;
    const sorted = filterAndSort(cards, s.filters, s.sort, s.similarity);
    // Only the cards changed (an edit): they keep their places (selection/order.ts).
    const out = sameView ? keepOrder(m.out, sorted) : sorted;
    visibleMemo = { cards, filters: s.filters, sort: s.sort, similarity: s.similarity, epId: s.epId, out };
    return out;
  },
  identity(s: AppState, id: string | null): Identity | undefined {
    return id ? s.doc?.identities.find((i) => i.identity_id === id) : undefined;
  },
  detailTracks(s: AppState): DetailTrack[] {
    const tracks = s.detail?.tracks ?? NO_TRACKS;
    const ident = s.detail ? episodeSelectors.identity(s, s.detail.identity.identity_id) : undefined;
    const m = detailMemo;
    if (m && m.tracks === tracks && m.ident === ident && m.order === s.trackOrder) return m.out;
    // Tracks that an (optimistic) edit took out of the identity disappear at once, before the
    // service's fresh detail arrives.
    const members = ident ? new Set(ident.track_ids) : null;
    let out = members ? tracks.filter((t) => members.has(t.track_id)) : tracks;
    // Outliers first: least similar to the identity centroid on top; unknown similarity last.
    if (s.trackOrder === 'outliers') out = [...out].sort((a, b) => (a.similarity ?? 2) - (b.similarity ?? 2) || a.start_s - b.start_s);
    detailMemo = { tracks, ident, order: s.trackOrder, out };
    return out;
  },
};
