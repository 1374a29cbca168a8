// What `validate` reads beyond the artifacts. The run state: whether harvest has finished. The review
// journal (the review store's own reader is electron/store/review/journal.ts):
// every line one JSON entry, no revision written twice, and the entries not yet in identities.json
// replayable — consecutive revisions after the document's. A torn last line is what a crash mid-append leaves and the next open
// cuts, so it is a warning, not a problem.
import { z } from 'zod';
import { anyCommandSchema } from '../../shared/commands/schema';
import type { StoreIssue } from './errors';
import { readJson } from './json';
import { readJsonlRows } from './jsonl';
import type { Workspace } from './workspace';

const entrySchema = z.looseObject({
  v: z.literal(1),
  revision: z.number().int().positive(),
  base: z.string(),
  kind: z.enum(['apply', 'undo', 'redo']),
  command: anyCommandSchema,
});

export interface JournalCheck {
  entries: number;
  issues: StoreIssue[];
  warnings: string[];
}

/** Checks `path` against identities.json's `base` (metadata.created_at) and `revision` (null when it is absent or invalid). */
export async function checkJournal(path: string, doc: { base: string; revision: number } | null, relPath: string): Promise<JournalCheck> {
  const out: JournalCheck = { entries: 0, issues: [], warnings: [] };
  let expect = doc ? doc.revision + 1 : 0;
  const onInvalid = (issues: StoreIssue[]) => {
    for (const i of issues) {
      if (/^truncated last line/.test(i.message)) out.warnings.push(`${relPath}:${i.line}: torn last line of an interrupted append (cut on the next open)`);
      else out.issues.push(i);
    }
  };
  const seen = new Map<string, number>();
  for await (const { line, value } of readJsonlRows(path, entrySchema, { onInvalid })) {
    out.entries++;
    const key = `${value.base}#${value.revision}`;
    const first = seen.get(key);
    if (first !== undefined) out.issues.push({ file: path, line, field: 'revision', message: `${value.revision} was already written on line ${first} (two writers took the same revision)` });
    else seen.set(key, line);
    if (!doc || value.base !== doc.base || value.revision <= doc.revision) continue;
    if (value.revision !== expect) {
      out.issues.push({ file: path, line, field: 'revision', message: `is ${value.revision} but the next edit after identities.json's revision ${expect - 1} must be ${expect}; this entry could not be replayed` });
    } else expect++;
  }
  return out;
}

/**
 * True when the orchestrator's run_state.json (electron/pipeline/sidefiles.ts) exists and has no record
 * of a finished harvest: the orchestrator drops a stage's record before the stage runs and writes it
 * back only when it finished, so a killed or cancelled harvest (or one not reached yet) has none.
 */
export async function harvestUnfinished(ws: Workspace, epId: string): Promise<boolean> {
  const state = await Promise.resolve()
    .then(() => readJson(ws.abs(ws.paths(epId).runState), z.looseObject({ stages: z.record(z.string(), z.unknown()) })))
    .catch(() => null);
  return state !== null && !Object.hasOwn(state.stages, 'harvest');
}
