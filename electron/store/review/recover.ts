// Opening an episode's review state: journal entries newer than identities.json's revision are
// replayed into it (a crash between the journal append and the rewrite loses nothing), and the undo
// file is rebuilt from the journal the same way.
import { applyCommand } from '../../../shared/commands/apply';
import { emptyHistory, replayStep, type History } from '../../../shared/commands/history';
import type { CommandContext } from '../../../shared/commands/schema';
import { identitiesDocSchema, type IdentitiesDoc, type ReviewConstraints } from '../../../shared/schema';
import { readConstraints, writeConstraints } from '../constraints';
import { readJson, writeJson } from '../json';
import type { Workspace } from '../workspace';
import { reviewFiles, revisionOf } from './files';
import { dropTornTail, readJournal, type JournalEntry } from './journal';
import { loadHistory, saveHistory } from './undo-file';

export interface Recovered {
  doc: IdentitiesDoc;
  constraints: ReviewConstraints;
  history: History;
  /** Journal entries replayed into identities.json (0 after a clean shutdown). */
  replayed: number;
}

/** Replays `entries` newer than `doc`; throws naming the journal when one is missing or no longer applies. */
function replay(journal: string, doc: IdentitiesDoc, entries: JournalEntry[], ctx: CommandContext, constraints: ReviewConstraints) {
  let replayed = 0;
  for (const e of entries) {
    const rev = revisionOf(doc);
    if (e.revision <= rev) continue;
    if (e.revision !== rev + 1) throw new Error(`${journal}: revision ${e.revision} follows ${rev}; entries are missing`);
    const r = applyCommand(doc, e.command, e.at, { ...ctx, constraints });
    if (!r.ok) throw new Error(`${journal}: revision ${e.revision} (${e.label}) no longer applies: ${r.message}`);
    doc = { ...r.doc, metadata: { ...r.doc.metadata, revision: e.revision } };
    constraints = e.constraints ?? r.constraints ?? constraints;
    replayed++;
  }
  return { doc, constraints, replayed };
}

/** The saved undo stacks brought up to `docRev` from the journal (saved again when they changed). */
async function rebuildHistory(ws: Workspace, epId: string, base: string, docRev: number, entries: JournalEntry[]): Promise<History> {
  let saved = await loadHistory(ws, epId);
  if (saved && saved.base !== base) saved = null;
  let history = saved?.history ?? emptyHistory();
  let histRev = saved?.revision ?? 0;
  if (histRev > docRev) {
    // identities.json was replaced by something older (restored backup): the stacks do not fit it.
    history = emptyHistory();
    histRev = docRev;
  }
  let changed = false;
  for (const e of entries) {
    if (e.revision <= histRev || e.revision > docRev) continue;
    history = replayStep(history, e);
    histRev = e.revision;
    changed = true;
  }
  if (changed || (saved && saved.revision !== docRev)) await saveHistory(ws, epId, base, docRev, history);
  return history;
}

/**
 * Loads identities.json, replays newer journal entries (then rewrites it), and loads or rebuilds the
 * undo history. The caller holds the review lock.
 */
export async function recover(ws: Workspace, epId: string, ctx: CommandContext): Promise<Recovered> {
  const files = reviewFiles(ws, epId);
  const loaded = await readJson(files.identities, identitiesDocSchema);
  const base = loaded.metadata.created_at;
  await dropTornTail(files.journal);
  const entries = (await readJournal(ws, epId)).filter((e) => e.base === base);
  // The constraints of the document as it is: its own journal entry's copy, else the side file (a new
  // base written by a re-cluster or cleanup starts from the side file they wrote).
  const onDisk = await readConstraints(ws, epId);
  const start = entries.find((e) => e.revision === revisionOf(loaded))?.constraints ?? onDisk;
  let { doc, constraints, replayed } = replay(files.journal, loaded, entries, ctx, start);
  if (replayed) doc = await writeJson(files.identities, doc, identitiesDocSchema);
  if (JSON.stringify(constraints) !== JSON.stringify(onDisk)) constraints = await writeConstraints(ws, epId, constraints);
  const history = await rebuildHistory(ws, epId, base, revisionOf(doc), entries);
  return { doc, constraints, history, replayed };
}
