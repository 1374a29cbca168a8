// User-level actions shared by buttons and keyboard shortcuts, so both paths do exactly the same thing.
import { useApp } from './state/store';
import { selectors } from './state/selectors';

const st = () => useApp.getState();

/**
 * Opens the merge dialog on what is in front of the reviewer: the open identity (the dialog lists
 * candidates), a single selected or focused card (the same), or the selected cards (their merge). The
 * dialog, not the focus, decides which identity is kept.
 */
export function openMergeDialog(): void {
  const s = st();
  if ((s.doc?.identities.length ?? 0) < 2) return s.toast('info', 'No other identity to merge with');
  if (s.view === 'identity' && s.detailId) return s.openDialog({ kind: 'merge', targetId: s.detailId, sourceIds: [] });
  const focused = selectors.focusedCard(s)?.id;
  const ids = s.selectedIds.length === 1 && focused && focused !== s.selectedIds[0] ? [...s.selectedIds, focused] : s.selectedIds;
  const [first, ...rest] = ids.length ? ids : focused ? [focused] : [];
  if (!first) return s.toast('info', 'Select the identities to merge (Space), then press m');
  s.openDialog({ kind: 'merge', targetId: first, sourceIds: rest });
}

export function toggleLock(): void {
  const s = st();
  const ids = s.view === 'identity' && s.detailId ? [s.detailId] : selectors.targets(s);
  if (ids.length === 0) return;
  const idents = ids.map((id) => selectors.identity(s, id)).filter((x) => !!x);
  // Bulk: lock all unless every one is already locked.
  const lock = idents.some((i) => !i.locked);
  for (const i of idents) if (i.locked !== lock) void s.runCommand({ op: 'lock', identity_id: i.identity_id, locked: lock });
}

export function openLabelDialog(): void {
  const s = st();
  const id = s.view === 'identity' ? s.detailId : selectors.targets(s)[0];
  if (id) s.openDialog({ kind: 'label', identityId: id });
}

/** Tracks the detail view's operations act on: the selection, or the focused track. */
export function targetTracks(): string[] {
  const s = st();
  if (s.selectedTracks.length) return s.selectedTracks;
  const t = selectors.focusedTrack(s);
  return t ? [t.track_id] : [];
}

export async function splitTracks(): Promise<void> {
  const s = st();
  const tracks = targetTracks();
  if (!s.detailId || tracks.length === 0) return;
  if (s.detail && tracks.length >= s.detail.tracks.length) return s.toast('info', 'Select some, not all, tracks to split off');
  const ok = await s.runCommand({ op: 'split', identity_id: s.detailId, track_ids: tracks });
  if (ok) st().setSelectedTracks([]);
}

export async function removeTracks(): Promise<void> {
  const s = st();
  const tracks = targetTracks();
  for (const t of tracks) if (!(await st().runCommand({ op: 'removeTrack', track_id: t }))) break;
  if (tracks.length) s.setSelectedTracks([]);
}

export function openMoveDialog(): void {
  const s = st();
  const tracks = targetTracks();
  if (!s.detailId || tracks.length === 0) return;
  s.openDialog({ kind: 'move', trackIds: tracks, fromId: s.detailId });
}

export function openIdentity(id: string): void {
  const s = st();
  s.openDetail(id);
  s.setView('identity');
  void s.loadDetail(id);
}

export function backToGrid(): void {
  const s = st();
  s.openDetail(null);
  s.setView('people');
}
