// Undo/redo as stacks of inverse operations (no snapshots). Serialisable, so the review store can
// persist it next to the journal and a reload keeps the user's history. This is the only code that
// transforms the stacks: the service, the review store's journal replay and the cleanup all call it.
import { z } from 'zod';
import type { IdentitiesDoc, ReviewConstraints } from '../schema';
import { applyCommand, type ApplyResult } from './apply';
import { restoreCommandSchema, type CommandContext, type RestoreCommand } from './schema';

export const HISTORY_LIMIT = 100;

/**
 * What a step is, for the UI and for how it is undone: `edit` is a review command (undone by its
 * inverse); `cleanup` (an episode cleanup) and `track-edit` (the reviewer split a track or rejected a
 * face) rewrote tracks, faces and embeddings, which no restore command can express, so the service
 * undoes them by restoring their backup and redoes them from that backup's post-cleanup snapshot.
 */
export const stepKindSchema = z.enum(['edit', 'cleanup', 'track-edit']);
export type StepKind = z.infer<typeof stepKindSchema>;
/** Who made a change: the reviewer, or the app on its own (auto-assign). Only the reviewer's changes are undo steps. */
export const stepOriginSchema = z.enum(['user', 'auto']);
export type StepOrigin = z.infer<typeof stepOriginSchema>;

export const historyEntrySchema = z.strictObject({
  /** Undo files written before steps were typed hold edits without it. */
  kind: z.literal('edit').default('edit'),
  /** What the user did, for "Undo <label>" menus. */
  label: z.string(),
  /** Applying `undo` reverts the step; applying `redo` re-does it. */
  undo: restoreCommandSchema,
  redo: restoreCommandSchema.nullable(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** A step undone by restoring `backup` (the backup folder, workspace-relative). */
export const backupStepSchema = z.strictObject({
  kind: z.enum(['cleanup', 'track-edit']),
  label: z.string(),
  backup: z.string().min(1),
});
export type BackupStep = z.infer<typeof backupStepSchema>;
const CLEANUP_STEP_LABEL = 'Cleanup';

/** The kind of a backed-up step from its backup's actions (['split_track', track, face] / ['reject_face', face] are track edits). */
export const backupStepKind = (actions: readonly string[]): BackupStep['kind'] =>
  actions[0] === 'split_track' || actions[0] === 'reject_face' ? 'track-edit' : 'cleanup';

/** Label of a step restored from a backup: a cleanup (its actions), or a reviewer's track edit. */
export function backupStepLabel(actions: readonly string[]): string {
  if (actions[0] === 'split_track') return `Split ${actions[1]} at ${actions[2]}`;
  if (actions[0] === 'reject_face') return `Reject ${actions[1]}`;
  return `${CLEANUP_STEP_LABEL} (${actions.join(', ').replace(/_/g, ' ')})`;
}

export const historyStepSchema = z.union([historyEntrySchema, backupStepSchema]);
export type HistoryStep = z.infer<typeof historyStepSchema>;
export const isBackupStep = (e: HistoryStep | undefined): e is BackupStep => !!e && e.kind !== 'edit';

export const historySchema = z.strictObject({
  version: z.literal(1),
  undo: z.array(historyStepSchema),
  redo: z.array(historyStepSchema),
});
export type History = z.infer<typeof historySchema>;

export const emptyHistory = (): History => ({ version: 1, undo: [], redo: [] });

/** Keeps at most `limit` undo steps (the oldest go). */
const capped = (undo: HistoryStep[], limit = HISTORY_LIMIT) => undo.slice(Math.max(0, undo.length - limit));

/**
 * A new change: a reviewer's step pushes its inverse and forgets the redo branch; an automatic one
 * leaves both stacks as they are (it is undone by its own command, never by z).
 */
export function recordStep(h: History, label: string, inverse: RestoreCommand, origin: StepOrigin = 'user'): History {
  if (origin === 'auto') return h;
  return { version: 1, undo: capped([...h.undo, { kind: 'edit', label, undo: inverse, redo: null }]), redo: [] };
}

/** A cleanup or track edit as the new top undo step; the redo branch is forgotten. */
export function recordBackupStep(h: History, actions: readonly string[], backup: string): History {
  return { version: 1, undo: capped([...h.undo, { kind: backupStepKind(actions), label: backupStepLabel(actions), backup }]), redo: [] };
}

/** A journalled change as the stacks saw it when it was made (rebuilds a lost or older undo file). */
export interface JournalledStep {
  kind: 'apply' | 'undo' | 'redo';
  label: string;
  /** What was applied; for an undo, the restore taken from the undo stack. */
  command: { op: string };
  inverse: RestoreCommand;
  origin?: StepOrigin;
}

/** What a journalled change did to the undo/redo stacks (the same rules as recordStep, undo and redo). */
export function replayStep(h: History, e: JournalledStep): History {
  if (e.kind === 'apply') return recordStep(h, e.label, e.inverse, e.origin);
  if (e.kind === 'undo') {
    const top = h.undo.at(-1);
    return {
      version: 1,
      undo: h.undo.slice(0, -1),
      redo: [...h.redo, { kind: 'edit', label: top?.label ?? e.label, undo: e.command as RestoreCommand, redo: e.inverse }],
    };
  }
  return { version: 1, undo: [...h.undo, { kind: 'edit', label: e.label, undo: e.inverse, redo: null }], redo: h.redo.slice(0, -1) };
}

export interface Stepped {
  ok: true;
  doc: IdentitiesDoc;
  history: History;
  label: string;
  /** The operation actually applied (journalled by the service). */
  applied: RestoreCommand;
  /** The reviewer constraints after the step (when the context gave them). */
  constraints?: ReviewConstraints;
}
export type StepResult = Stepped | Exclude<ApplyResult, { ok: true }>;

export function undo(h: History, doc: IdentitiesDoc, now: string, ctx: CommandContext = {}): StepResult {
  const entry = h.undo.at(-1);
  if (!entry) return { ok: false, code: 'invalid', message: 'nothing to undo' };
  if (isBackupStep(entry)) return { ok: false, code: 'invalid', message: `"${entry.label}" is undone by restoring its backup (${entry.backup}), not by a command` };
  const r = applyCommand(doc, entry.undo, now, ctx);
  if (!r.ok) return r;
  return {
    ok: true,
    doc: r.doc,
    constraints: r.constraints,
    label: entry.label,
    applied: entry.undo,
    history: { version: 1, undo: h.undo.slice(0, -1), redo: [...h.redo, { kind: 'edit', label: entry.label, undo: entry.undo, redo: r.inverse }] },
  };
}

export function redo(h: History, doc: IdentitiesDoc, now: string, ctx: CommandContext = {}): StepResult {
  const entry = h.redo.at(-1);
  if (isBackupStep(entry)) return { ok: false, code: 'invalid', message: `"${entry.label}" is redone from its backup (${entry.backup}), not by a command` };
  if (!entry || !entry.redo) return { ok: false, code: 'invalid', message: 'nothing to redo' };
  const r = applyCommand(doc, entry.redo, now, ctx);
  if (!r.ok) return r;
  return {
    ok: true,
    doc: r.doc,
    constraints: r.constraints,
    label: entry.label,
    applied: entry.redo,
    history: { version: 1, undo: [...h.undo, { kind: 'edit', label: entry.label, undo: r.inverse, redo: null }], redo: h.redo.slice(0, -1) },
  };
}

/** What the UI shows of the stacks: whether z / shift+z do anything, their labels and step kinds. */
export function historyState(h: History): { can_undo: boolean; can_redo: boolean; undo_label: string | null; redo_label: string | null; undo_kind: StepKind | null; redo_kind: StepKind | null } {
  return {
    can_undo: h.undo.length > 0,
    can_redo: h.redo.length > 0,
    undo_label: h.undo.at(-1)?.label ?? null,
    redo_label: h.redo.at(-1)?.label ?? null,
    undo_kind: h.undo.at(-1)?.kind ?? null,
    redo_kind: h.redo.at(-1)?.kind ?? null,
  };
}
