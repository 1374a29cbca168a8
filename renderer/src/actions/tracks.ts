// Actions on the open identity's tracks (the selection, or the focused track) and on the faces of the
// focused track (the face strip): split off, move, remove; split a track at a face, reject a face; and
// the context behind a track: a face in its source frame, the track played from the episode's video.
import type { AppState } from '../state/appState';
import type { DetailTrack } from '../state/selectors';
import { selectionSelectors } from '../state/selection/selectors';
import { dialog } from '../state/ui/dialogs';
import type { Action } from './types';

const hasTargets = (s: AppState) => s.view === 'identity' && !!s.detailId && selectionSelectors.targetTracks(s).length > 0;

async function splitTracks(s: AppState): Promise<void> {
  const tracks = selectionSelectors.targetTracks(s);
  if (!s.detailId || tracks.length === 0) return;
  if (s.detail && tracks.length >= s.detail.tracks.length) return s.toast('info', 'Select some, not all, tracks to split off');
  if (await s.runCommand({ op: 'split', identity_id: s.detailId, track_ids: tracks })) s.setSelectedTracks([]);
}

async function removeTracks(s: AppState, get: () => AppState): Promise<void> {
  const tracks = selectionSelectors.targetTracks(s);
  for (const t of tracks) if (!(await get().runCommand({ op: 'removeTrack', track_id: t }))) break;
  if (tracks.length) s.setSelectedTracks([]);
}

type FaceRow = DetailTrack['face_rows'][number];

/** The face a track is shown by in its frame: the picked one, else its middle face that is not rejected. */
export function frameFace(t: DetailTrack, picked: FaceRow | null): FaceRow | null {
  if (picked && t.face_rows.some((f) => f.face_id === picked.face_id)) return picked;
  const kept = t.face_rows.filter((f) => !f.rejected);
  const list = kept.length ? kept : t.face_rows;
  return list[Math.floor((list.length - 1) / 2)] ?? null;
}

/** Opens the source frame of `face` (default: frameFace of `t`) with its box. */
export function showInFrame(s: AppState, t: DetailTrack, face: FaceRow | null = frameFace(t, selectionSelectors.pickedFace(s))): void {
  if (!s.epId || !face) return;
  s.openDialog(dialog('frame', { epId: s.epId, tsS: face.ts_s, frameIdx: face.frame_idx, bbox: face.bbox, caption: `${t.track_id} · ${face.face_id}` }));
}

/** Plays track `t` from the episode's video with its faces' boxes. */
export function playTrack(s: AppState, t: DetailTrack): void {
  if (!s.epId) return;
  const boxes = t.face_rows.map((f) => ({ ts_s: f.ts_s, bbox: f.bbox }));
  s.openDialog(dialog('player', { epId: s.epId, trackId: t.track_id, startS: t.start_s, endS: t.end_s, boxes }));
}

const focused = (s: AppState) => (s.view === 'identity' ? selectionSelectors.focusedTrack(s) : undefined);

export const trackActions: Action[] = [
  {
    id: 'tracks.split',
    label: 'Split the selected tracks into a new identity',
    button: 'Split off',
    keys: ['s'],
    scope: 'identity',
    enabled: hasTargets,
    perform: ({ get }) => splitTracks(get()),
  },
  {
    id: 'tracks.move',
    label: 'Move the selected tracks to another identity',
    button: 'Move…',
    keys: ['v'],
    scope: 'identity',
    enabled: hasTargets,
    perform: ({ get }) => {
      const s = get();
      if (s.detailId) s.openDialog(dialog('move', { trackIds: selectionSelectors.targetTracks(s), fromId: s.detailId }));
    },
  },
  {
    id: 'tracks.remove',
    label: 'Remove the selected tracks (each becomes a singleton)',
    button: 'Remove',
    keys: ['r'],
    scope: 'identity',
    enabled: hasTargets,
    perform: ({ get }) => removeTracks(get(), get),
  },
  {
    id: 'tracks.frame',
    label: 'Show the picked face (else the focused track\'s middle face) in its source frame',
    button: 'Show in frame',
    keys: ['f'],
    scope: 'identity',
    enabled: (s) => (focused(s)?.face_rows.length ?? 0) > 0,
    perform: ({ get }) => {
      const t = focused(get());
      if (t) showInFrame(get(), t);
    },
  },
  {
    id: 'tracks.play',
    label: 'Play the focused track from the video, its face boxed',
    button: 'Play track',
    keys: ['p'],
    scope: 'identity',
    enabled: (s) => !!focused(s),
    perform: ({ get }) => {
      const t = focused(get());
      if (t) playTrack(get(), t);
    },
  },
];

const faceCount = (s: AppState) => selectionSelectors.focusedTrack(s)?.face_rows.length ?? 0;
function pickFace(s: AppState, index: (current: number | null) => number): void {
  const t = selectionSelectors.focusedTrack(s);
  if (t) s.pickFace(t.track_id, index(selectionSelectors.pickedFaceIndex(s)));
}

export const faceActions: Action[] = [
  {
    id: 'faces.next',
    label: 'Next face of the track',
    keys: ['ArrowRight'],
    scope: 'faces',
    enabled: (s) => faceCount(s) > 0,
    perform: ({ get }) => pickFace(get(), (cur) => Math.min(faceCount(get()) - 1, (cur ?? -1) + 1)),
  },
  {
    id: 'faces.previous',
    label: 'Previous face of the track',
    keys: ['ArrowLeft'],
    scope: 'faces',
    enabled: (s) => faceCount(s) > 0,
    perform: ({ get }) => pickFace(get(), (cur) => Math.max(0, (cur ?? 1) - 1)),
  },
  {
    id: 'faces.split',
    label: 'Split the track here: the faces from the picked one on become a track of their own',
    button: 'Split track here',
    keys: ['t'],
    scope: 'faces',
    enabled: (s) => !!selectionSelectors.pickedFace(s) && (selectionSelectors.pickedFaceIndex(s) ?? 0) > 0,
    perform: ({ get }) => {
      const t = selectionSelectors.focusedTrack(get());
      const face = selectionSelectors.pickedFace(get());
      if (t && face) return get().runTrackEdit({ op: 'splitTrack', track_id: t.track_id, face_id: face.face_id });
    },
  },
  {
    id: 'faces.reject',
    label: 'Reject the picked face: it no longer counts for the track',
    button: 'Reject face',
    keys: ['x'],
    scope: 'faces',
    enabled: (s) => !!selectionSelectors.pickedFace(s) && !selectionSelectors.pickedFace(s)?.rejected,
    perform: ({ get }) => {
      const face = selectionSelectors.pickedFace(get());
      if (face) return get().runTrackEdit({ op: 'rejectFace', face_id: face.face_id });
    },
  },
];
