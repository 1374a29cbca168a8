// A review edit is durable once its journal line is fsync'd, before identities.json is rewritten. If the
// app dies in between and the pipeline (re-run or re-cluster) starts before the app is opened again, the
// pipeline would read the older identities.json and the edit would be lost. Every pipeline entry point
// calls this first: it replays such journal entries into identities.json under the review lock, the same
// replay the review service does on open.
import { existsSync } from 'node:fs';
import { identitiesDocSchema } from '../../../shared/schema';
import { readJson } from '../json';
import type { Workspace } from '../workspace';
import { commandContext, loadEpisodeData } from './facts';
import { reviewFiles, revisionOf } from './files';
import { readJournal } from './journal';
import { withReviewLock } from './lock';
import { recover } from './recover';

/** Replays journal entries newer than identities.json; returns how many were applied (0 when settled). */
export async function settlePendingReviewEdits(ws: Workspace, epId: string): Promise<number> {
  const files = reviewFiles(ws, epId);
  if (!existsSync(files.identities) || !existsSync(files.journal)) return 0;
  return withReviewLock(ws, epId, async () => {
    // Cheap check first: loading the episode's data for a replay costs seconds on a big episode.
    const doc = await readJson(files.identities, identitiesDocSchema);
    const base = doc.metadata.created_at;
    const entries = await readJournal(ws, epId);
    if (!entries.some((e) => e.base === base && e.revision > revisionOf(doc))) return 0;
    const { replayed } = await recover(ws, epId, commandContext(await loadEpisodeData(ws, epId)));
    return replayed;
  });
}
