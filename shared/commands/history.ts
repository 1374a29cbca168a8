// Undo/redo as stacks of inverse operations (no snapshots). Serialisable, so the service can persist
// it next to the journal and a reload keeps the user's history.
import { z } from 'zod';
import type { IdentitiesDoc, ReviewConstraints } from '../schema';
import { applyCommand, type ApplyResult } from './apply';
import { restoreCommandSchema, type CommandContext, type RestoreCommand } from './schema';

export const HISTORY_LIMIT = 100;

export const historyEntrySchema = z.strictObject({
  /** What the user did, for "Undo <label>" menus. */
  label: z.string(),
  /** Applying `undo` reverts the step; applying `redo` re-does it. */
  undo: restoreCommandSchema,
  redo: restoreCommandSchema.nullable(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/**
 * A whole episode cleanup as one step (issue #6). It rewrote tracks, faces and embeddings, which no
 * restore command can express, so the service undoes it by restoring `backup` (the cleanup's backup
 * folder, workspace-relative) and redoes it from that backup's post-cleanup snapshot.
 */
export const cleanupHistoryEntrySchema = z.strictObject({
  kind: z.literal('cleanup'),
  label: z.string(),
  backup: z.string().min(1),
});
export type CleanupHistoryEntry = z.infer<typeof cleanupHistoryEntrySchema>;
export const CLEANUP_STEP_LABEL = 'Cleanup';

/**
 * Label of a step restored from a backup: a cleanup (its actions), or a reviewer's track edit
 * (['split_track', track, face] / ['reject_face', face]). The renderer reloads tracks after these.
 */
export function backupStepLabel(actions: readonly string[]): string {
  if (actions[0] === 'split_track') return `Split ${actions[1]} at ${actions[2]}`;
  if (actions[0] === 'reject_face') return `Reject ${actions[1]}`;
  return `${CLEANUP_STEP_LABEL} (${actions.join(', ').replace(/_/g, ' ')})`;
}
/** Whether a step with this label rewrites tracks and faces (so the whole episode must be reloaded). */
export const restoresFiles = (label: string | null | undefined) => !!label && (label.startsWith(CLEANUP_STEP_LABEL) || /^(Split track-\d+ at |Reject face-)/.test(label));

export const historyStepSchema = z.union([historyEntrySchema, cleanupHistoryEntrySchema]);
export type HistoryStep = z.infer<typeof historyStepSchema>;
export const isCleanupStep = (e: HistoryStep | undefined): e is CleanupHistoryEntry => !!e && 'kind' in e && e.kind === 'cleanup';

export const historySchema = z.strictObject({
  version: z.literal(1),
  undo: z.array(historyStepSchema),
  redo: z.array(historyStepSchema),
});
export type History = z.infer<typeof historySchema>;

export const emptyHistory = (): History => ({ version: 1, undo: [], redo: [] });

/** A new user step: push its inverse, forget the redo branch, keep at most `limit` steps. */
export function recordStep(h: History, label: string, inverse: RestoreCommand, limit = HISTORY_LIMIT): History {
  const undo = [...h.undo, { label, undo: inverse, redo: null }];
  return { version: 1, undo: undo.slice(Math.max(0, undo.length - limit)), redo: [] };
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
  if (isCleanupStep(entry)) return { ok: false, code: 'invalid', message: `"${entry.label}" is undone by restoring its backup (${entry.backup}), not by a command` };
  const r = applyCommand(doc, entry.undo, now, ctx);
  if (!r.ok) return r;
  return {
    ok: true,
    doc: r.doc,
    constraints: r.constraints,
    label: entry.label,
    applied: entry.undo,
    history: { version: 1, undo: h.undo.slice(0, -1), redo: [...h.redo, { label: entry.label, undo: entry.undo, redo: r.inverse }] },
  };
}

export function redo(h: History, doc: IdentitiesDoc, now: string, ctx: CommandContext = {}): StepResult {
  const entry = h.redo.at(-1);
  if (isCleanupStep(entry)) return { ok: false, code: 'invalid', message: `"${entry.label}" is redone from its backup (${entry.backup}), not by a command` };
  if (!entry || !entry.redo) return { ok: false, code: 'invalid', message: 'nothing to redo' };
  const r = applyCommand(doc, entry.redo, now, ctx);
  if (!r.ok) return r;
  return {
    ok: true,
    doc: r.doc,
    constraints: r.constraints,
    label: entry.label,
    applied: entry.redo,
    history: { version: 1, undo: [...h.undo, { label: entry.label, undo: r.inverse, redo: null }], redo: h.redo.slice(0, -1) },
  };
}

export function historyState(h: History) {
  return {
    can_undo: h.undo.length > 0,
    can_redo: h.redo.length > 0,
    undo_label: h.undo.at(-1)?.label ?? null,
    redo_label: h.redo.at(-1)?.label ?? null,
  };
}
