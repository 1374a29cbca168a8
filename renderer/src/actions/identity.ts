// Actions on identities, in the grid (the selection or the focused card) and in the detail view (the
// open identity): merge, lock, label, accepting the cast library's best suggestion, and — on the face
// picked in the focused track's strip — "Set as cover" and showing the face large.
import type { AppState } from '../state/appState';
import { castSelectors } from '../state/cast/selectors';
import { episodeSelectors } from '../state/episode/selectors';
import { selectionSelectors } from '../state/selection/selectors';
import { dialog } from '../state/ui/dialogs';
import { zoomOfFace } from '../state/ui/grid';
import type { Action } from './types';

/** On the grid or an identity's page (not the Episodes list or the timeline). */
const onIdentities = (s: AppState) => s.view === 'people' || s.view === 'identity';

/**
 * Opens the merge dialog on what is in front of the reviewer: the open identity (the dialog lists
 * candidates), a single selected or focused card (the same), or the selected cards (their merge). The
 * dialog, not the focus, decides which identity is kept.
 */
function openMerge(s: AppState): void {
  if ((s.doc?.identities.length ?? 0) < 2) return s.toast('info', 'No other identity to merge with');
  if (s.view === 'identity' && s.detailId) return s.openDialog(dialog('merge', { targetId: s.detailId, sourceIds: [] }));
  const focused = selectionSelectors.focusedCard(s)?.id;
  const ids = s.selectedIds.length === 1 && focused && focused !== s.selectedIds[0] ? [...s.selectedIds, focused] : s.selectedIds;
  const [first, ...rest] = ids.length ? ids : focused ? [focused] : [];
  if (!first) return s.toast('info', 'Select the identities to merge (Space), then press m');
  s.openDialog(dialog('merge', { targetId: first, sourceIds: rest }));
}

/** Lock all the targets unless every one is already locked (then unlock them). */
function toggleLock(s: AppState): void {
  const ids = s.view === 'identity' && s.detailId ? [s.detailId] : selectionSelectors.targets(s);
  const idents = ids.map((id) => episodeSelectors.identity(s, id)).filter((x) => !!x);
  const lock = idents.some((i) => !i.locked);
  for (const i of idents) if (i.locked !== lock) void s.runCommand({ op: 'lock', identity_id: i.identity_id, locked: lock });
}

/** The face picked in the open identity's focused track, when it can be the identity's cover. */
function coverCandidate(s: AppState): { identityId: string; crop: string } | null {
  const face = selectionSelectors.pickedFace(s);
  const id = s.view === 'identity' ? s.detailId : null;
  if (!id || !face?.crop_path || face.rejected) return null;
  return episodeSelectors.identity(s, id)?.canonical_face_path === face.crop_path ? null : { identityId: id, crop: face.crop_path };
}

const labelTarget = (s: AppState) => (s.view === 'identity' ? s.detailId : (selectionSelectors.targets(s)[0] ?? null));

export const identityActions: Action[] = [
  {
    id: 'identity.merge',
    label: 'Merge identities (target ← sources): the selected cards, or the open identity with another',
    button: 'Merge…',
    keys: ['m'],
    scope: 'global',
    enabled: onIdentities,
    perform: ({ get }) => openMerge(get()),
  },
  {
    id: 'identity.lock',
    label: 'Lock / unlock',
    button: 'Lock/unlock',
    keys: ['l'],
    scope: 'global',
    enabled: (s) => onIdentities(s) && (s.view === 'identity' ? !!s.detailId : selectionSelectors.targets(s).length > 0),
    perform: ({ get }) => toggleLock(get()),
  },
  {
    id: 'identity.label',
    label: 'Edit label',
    button: 'Label',
    keys: ['e'],
    scope: 'global',
    enabled: (s) => onIdentities(s) && !!labelTarget(s),
    perform: ({ get }) => {
      const id = labelTarget(get());
      if (id) get().openDialog(dialog('label', { identityId: id }));
    },
  },
  {
    id: 'faces.cover',
    label: 'Set the picked face as the identity’s cover',
    button: 'Set as cover',
    keys: ['c'],
    scope: 'identity',
    enabled: (s) => !!coverCandidate(s),
    perform: ({ get }) => {
      const c = coverCandidate(get());
      if (c) return get().runCommand({ op: 'setCover', identity_id: c.identityId, crop_path: c.crop });
    },
  },
  {
    id: 'faces.zoom',
    label: 'Show the picked face large (again to close)',
    keys: ['Shift+Space'],
    scope: 'identity',
    enabled: (s) => s.view === 'identity' && selectionSelectors.pickedFaceIndex(s) !== null,
    perform: ({ get }) => {
      const s = get();
      const t = selectionSelectors.focusedTrack(s);
      const i = selectionSelectors.pickedFaceIndex(s);
      s.setZoom(s.zoom || !t || i === null ? null : zoomOfFace(t, i));
    },
  },
  {
    id: 'cast.accept',
    label: 'Accept the best cast-library suggestion',
    button: 'Accept',
    keys: ['y'],
    scope: 'global',
    enabled: (s) => {
      const id = castSelectors.castTarget(s);
      return !!id && castSelectors.castSuggestionsFor(s, id).length > 0;
    },
    perform: ({ get }) => {
      const id = castSelectors.castTarget(get());
      const best = id ? castSelectors.castSuggestionsFor(get(), id)[0] : undefined;
      if (id && best) return get().acceptCast(id, best.person_id, best.name);
    },
  },
];
