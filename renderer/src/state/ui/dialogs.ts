// The open dialog as data: a serialisable descriptor `{kind, props}` that one host (components/
// Dialogs.tsx) renders by kind. What a confirmation does is data too (ConfirmIntent), performed by the
// review slice, so no closure lives in the store.
import type { ReviewCommand, TrackEdit } from '../../../../shared/commands';
import type { CleanupResult } from '../pipeline/cleanup';

/** What follows a review edit once the service confirmed it (also after a confirmation dialog). */
export interface FollowUp {
  /** A second edit, e.g. the name a merge carries over. */
  then?: ReviewCommand;
  /** Open this identity afterwards unless it is already open. */
  open?: string;
}

export type ConfirmIntent = { type: 'command'; command: ReviewCommand; followUp?: FollowUp } | { type: 'trackEdit'; edit: TrackEdit };

export interface DialogProps {
  shortcuts: Record<string, never>;
  label: { identityId: string };
  merge: { targetId: string; sourceIds: string[] };
  move: { trackIds: string[]; fromId: string };
  confirm: { message: string; intent: ConfirmIntent };
  'cast-references': { show: string; personId: string | null };
  run: Record<string, never>;
  settings: Record<string, never>;
  cleanup: { epId: string; result: CleanupResult };
  'workspace-path': Record<string, never>;
  /** A face in its source frame (components/FrameViewer.tsx); bbox normalised [x1, y1, x2, y2]. */
  frame: { epId: string; tsS: number; frameIdx: number; bbox: [number, number, number, number]; caption: string };
  /** A track played from the episode's video with its boxes (components/TrackPlayer.tsx). */
  player: { epId: string; trackId: string; startS: number; endS: number; boxes: { ts_s: number; bbox: [number, number, number, number] }[] };
}
export type DialogKind = keyof DialogProps;

export type Dialog = { kind: 'none' } | { [K in DialogKind]: { kind: K; props: DialogProps[K] } }[DialogKind];

/** A descriptor for `kind`; kinds without props need none. */
export function dialog<K extends DialogKind>(kind: K, ...props: DialogProps[K] extends Record<string, never> ? [] : [DialogProps[K]]): Dialog {
  return { kind, props: props[0] ?? {} } as Dialog;
}
