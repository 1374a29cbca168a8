// Review persistence: every edit is appended (fsync'd) to review_journal.jsonl BEFORE identities.json
// is rewritten atomically, and the undo/redo stacks live in review_undo.json. On open, journal entries
// newer than identities.json's revision are replayed, so a crash between the two writes loses nothing;
// the undo file is rebuilt from the journal the same way.
import { open, stat, truncate } from 'node:fs/promises';
import { z } from 'zod';
import { applyCommand } from '../../shared/commands/apply';
import { emptyHistory, historySchema, HISTORY_LIMIT, type History } from '../../shared/commands/history';
import { anyCommandSchema, restoreCommandSchema, type CommandContext } from '../../shared/commands/schema';
import { identitiesDocSchema, isoTimestamp, nonNegInt, reviewConstraintsSchema, type IdentitiesDoc, type ReviewConstraints } from '../../shared/schema';
import { readConstraints, writeConstraints } from '../store/constraints';
import { appendFileDurable } from '../store/atomic';
import { readJson, writeJson } from '../store/json';
import { readJsonl } from '../store/jsonl';
import type { Workspace } from '../store/workspace';

export const journalEntrySchema = z.strictObject({
  v: z.literal(1),
  /** Document revision this entry produces (previous + 1). */
  revision: z.number().int().positive(),
  /** identities.json metadata.created_at the entry applies to: a re-cluster starts a new base. */
  base: z.string(),
  at: isoTimestamp,
  kind: z.enum(['apply', 'undo', 'redo']),
  label: z.string(),
  command: anyCommandSchema,
  /** The inverse of `command` as applied (lets the undo stack be rebuilt without the old document). */
  inverse: restoreCommandSchema,
  /**
   * The reviewer constraints after this entry (review_constraints.json is rewritten after
   * identities.json; this copy survives a crash in between).
   */
  constraints: reviewConstraintsSchema.optional(),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

export const undoFileSchema = z.strictObject({
  base: z.string(),
  /** Revision of identities.json this history matches. */
  revision: nonNegInt,
  history: historySchema,
});

export function reviewFiles(ws: Workspace, epId: string) {
  const dir = ws.paths(epId).manifestsDir;
  return {
    dir: ws.abs(dir),
    identities: ws.abs(ws.paths(epId).identities),
    journal: ws.abs(`${dir}/review_journal.jsonl`),
    undo: ws.abs(`${dir}/review_undo.json`),
  };
}

const exists = (p: string) => stat(p).then(() => true, () => false);

export const revisionOf = (doc: IdentitiesDoc) => doc.metadata.revision ?? 0;

/** What the journal entry did to the undo/redo stacks (same rules as shared/commands/history). */
export function advanceHistory(h: History, e: JournalEntry): History {
  if (e.kind === 'apply') {
    const undo = [...h.undo, { label: e.label, undo: e.inverse, redo: null }];
    return { version: 1, undo: undo.slice(Math.max(0, undo.length - HISTORY_LIMIT)), redo: [] };
  }
  if (e.kind === 'undo') {
    const top = h.undo.at(-1);
    return {
      version: 1,
      undo: h.undo.slice(0, -1),
      redo: [...h.redo, { label: top?.label ?? e.label, undo: e.command as z.infer<typeof restoreCommandSchema>, redo: e.inverse }],
    };
  }
  return { version: 1, undo: [...h.undo, { label: e.label, undo: e.inverse, redo: null }], redo: h.redo.slice(0, -1) };
}

export interface Recovered {
  doc: IdentitiesDoc;
  constraints: ReviewConstraints;
  history: History;
  /** Journal entries replayed into identities.json (0 after a clean shutdown). */
  replayed: number;
}

/**
 * Loads identities.json, replays newer journal entries (then rewrites it), and loads or rebuilds the
 * undo history. Throws if a journal entry no longer applies (the message names the journal line).
 */
export async function recover(ws: Workspace, epId: string, ctx: CommandContext): Promise<Recovered> {
  const files = reviewFiles(ws, epId);
  let doc = await readJson(files.identities, identitiesDocSchema);
  const base = doc.metadata.created_at;
  await dropTornTail(files.journal);
  const entries = (await exists(files.journal))
    ? (await readJsonl(files.journal, journalEntrySchema, { tornTail: 'ignore' })).filter((e) => e.base === base)
    : [];

  // The constraints of the document as it is: its own journal entry's copy, else the side file (a new
  // base written by a re-cluster or cleanup starts from the side file they wrote).
  const onDisk = await readConstraints(ws, epId);
  let constraints = entries.find((e) => e.revision === revisionOf(doc))?.constraints ?? onDisk;
  let replayed = 0;
  for (const e of entries) {
    const rev = revisionOf(doc);
    if (e.revision <= rev) continue;
    if (e.revision !== rev + 1) throw new Error(`${files.journal}: revision ${e.revision} follows ${rev}; entries are missing`);
    const r = applyCommand(doc, e.command, e.at, { ...ctx, constraints });
    if (!r.ok) throw new Error(`${files.journal}: revision ${e.revision} (${e.label}) no longer applies: ${r.message}`);
    doc = { ...r.doc, metadata: { ...r.doc.metadata, revision: e.revision } };
    constraints = e.constraints ?? r.constraints ?? constraints;
    replayed++;
  }
  if (replayed) doc = await writeJson(files.identities, doc, identitiesDocSchema);
  if (JSON.stringify(constraints) !== JSON.stringify(onDisk)) constraints = await writeConstraints(ws, epId, constraints);

  let saved: z.infer<typeof undoFileSchema> | null = null;
  if (await exists(files.undo)) {
    saved = await readJson(files.undo, undoFileSchema).catch(() => null);
    if (saved && saved.base !== base) saved = null;
  }
  let history = saved?.history ?? emptyHistory();
  let histRev = saved?.revision ?? 0;
  const docRev = revisionOf(doc);
  if (histRev > docRev) {
    // identities.json was replaced by something older (restored backup): the stacks do not fit it.
    history = emptyHistory();
    histRev = docRev;
  }
  let changed = false;
  for (const e of entries) {
    if (e.revision <= histRev || e.revision > docRev) continue;
    history = advanceHistory(history, e);
    histRev = e.revision;
    changed = true;
  }
  if (changed || (saved && saved.revision !== docRev)) await saveHistory(ws, epId, base, docRev, history);
  return { doc, constraints, history, replayed };
}

/** A crash mid-append leaves a last line without its newline; cut it so the next append starts clean. */
async function dropTornTail(path: string): Promise<void> {
  if (!(await exists(path))) return;
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size === 0) return;
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return;
    // Scan back for the previous newline (entries are small, so read the tail in one go).
    const span = Math.min(size, 1 << 20);
    const tail = Buffer.alloc(span);
    await fh.read(tail, 0, span, size - span);
    const nl = tail.lastIndexOf(0x0a);
    await fh.close();
    await truncate(path, nl < 0 ? size - span : size - span + nl + 1);
    return;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** Appends one entry (caller holds the review lock); a torn last line is cut first, or the new entry would be glued to it. */
export async function appendJournal(ws: Workspace, epId: string, entry: JournalEntry): Promise<void> {
  const line = JSON.stringify(journalEntrySchema.parse(entry)) + '\n';
  const { journal } = reviewFiles(ws, epId);
  await dropTornTail(journal);
  await appendFileDurable(journal, line);
}

export async function saveHistory(ws: Workspace, epId: string, base: string, revision: number, history: History): Promise<void> {
  await writeJson(reviewFiles(ws, epId).undo, { base, revision, history }, undoFileSchema);
}

export { withReviewLock } from './review-lock';
