// The optimistic document as a pure reducer. An edit is applied at once with the same pure function
// the service uses (`planEdit` → 'applied'); the service's answer replaces it ('confirmed'); a failed
// request puts the document back ('rolledBack') unless a later state already replaced the optimistic one.
import { applyCommand, type CommandContext, type ReviewCommand } from '../../../../shared/commands';
import { emptyConstraints, type IdentitiesDoc } from '../../../../shared/schema';
import type { ReviewState, TrackSummary } from '../../../../shared/ipc';

export interface DocState {
  doc: IdentitiesDoc | null;
  revision: number;
  history: ReviewState['history'] | null;
  selectedIds: string[];
}

export type DocEvent =
  | { type: 'applied'; doc: IdentitiesDoc }
  | { type: 'confirmed'; state: ReviewState }
  | { type: 'rolledBack'; applied: IdentitiesDoc; before: IdentitiesDoc };

export function docReducer(s: DocState, e: DocEvent): DocState {
  switch (e.type) {
    case 'applied':
      return { ...s, doc: e.doc };
    case 'confirmed': {
      // Drop selected ids that no longer exist (merged away, emptied by a move, undone splits).
      const alive = new Set(e.state.identities.identities.map((i) => i.identity_id));
      return { doc: e.state.identities, revision: e.state.revision, history: e.state.history, selectedIds: s.selectedIds.filter((id) => alive.has(id)) };
    }
    case 'rolledBack':
      return s.doc === e.applied ? { ...s, doc: e.before } : s;
  }
}

/** What to do with an edit: apply it now, ask the reviewer first (with the command to run then), or refuse. */
export type EditPlan = { kind: 'apply'; doc: IdentitiesDoc } | { kind: 'confirm'; message: string; command: ReviewCommand } | { kind: 'refuse'; message: string };

export function commandContext(tracks: Record<string, TrackSummary>): CommandContext {
  const ctx: CommandContext['tracks'] = {};
  for (const [id, t] of Object.entries(tracks)) ctx[id] = { faces: t.faces, frame_span: t.frame_span, thumb: t.sample_crops[0] };
  return { tracks: ctx };
}

/** The confirmation for an edit of a locked identity; a relabel names the old and the new label. */
function lockedMessage(doc: IdentitiesDoc, command: ReviewCommand, refusal: string): string {
  if (command.op !== 'label') return `${refusal}. Change it anyway?`;
  const cur = doc.identities.find((i) => i.identity_id === command.identity_id);
  const show = (n: string | null | undefined) => (n ? `"${n}"` : 'unlabeled');
  return `${command.identity_id} is locked. Relabel it ${show(cur?.labels.name)} → ${show(command.name)}?`;
}

export function planEdit(doc: IdentitiesDoc, command: ReviewCommand, at: string, tracks: Record<string, TrackSummary>, label: string): EditPlan {
  // A "not the same person" answer is a fact of the reviewer constraints, which only the service
  // holds: planned over none here, recorded on the real ones there.
  const local = applyCommand(doc, command, at, { ...commandContext(tracks), ...(command.op === 'notSamePerson' ? { constraints: emptyConstraints() } : {}) });
  if (local.ok) return { kind: 'apply', doc: local.doc };
  if (local.code === 'locked' && !('force' in command && command.force)) {
    return { kind: 'confirm', message: lockedMessage(doc, command, local.message), command: { ...command, force: true } as ReviewCommand };
  }
  if (local.code === 'overlap' && (command.op === 'merge' || command.op === 'moveTracks') && !command.allow_overlap) {
    return {
      kind: 'confirm',
      message: `${local.message}. Tracks that share frames are probably two different people. Continue anyway?`,
      command: { ...command, allow_overlap: true },
    };
  }
  return { kind: 'refuse', message: `${label}: ${local.message}` };
}
