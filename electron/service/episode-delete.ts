// episode:delete: removes every folder of an episode (shared/layout.ts episodeFolders). Each folder is
// first renamed into the workspace's trash (one atomic rename each, the manifests folder — what lists
// the episode — first), then the trash entry is removed; so a crash mid-delete leaves no half-listed
// episode, only a trash entry that the next delete sweeps. Runs holding the episode's review lock, so
// no save of another window or host lands in between.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { episodeFolders, workspaceFiles } from '../../shared/layout';
import { readConstraints } from '../store/constraints';
import { episodeArtifacts } from '../store/artifacts';
import { readJournal, withReviewLock } from '../store/review';
import type { Workspace } from '../store/workspace';

/**
 * What a reviewer made of the episode, in words (empty: nothing): journalled edits, reviewer
 * constraints, locked or labeled identities. Files that cannot be read count as edits: deleting them
 * unasked could lose work nobody can see.
 */
export async function reviewerWork(ws: Workspace, epId: string): Promise<string[]> {
  const found: string[] = [];
  const journal = await readJournal(ws, epId).catch(() => null);
  const edits = journal?.filter((e) => e.origin !== 'auto').length ?? 0;
  if (journal === null) found.push('an unreadable review journal');
  else if (edits > 0) found.push(`${edits} review edit${edits === 1 ? '' : 's'}`);
  const c = await readConstraints(ws, epId).catch(() => null);
  if (c === null) found.push('unreadable reviewer constraints');
  else if (c.must_link.length + c.cannot_link.length + c.excluded.length > 0) found.push('reviewer constraints');
  const art = episodeArtifacts(ws, epId);
  if (await art.exists('identities')) {
    const doc = await art.readIdentities().catch(() => null);
    if (doc === null) found.push('an unreadable identities.json');
    else {
      const kept = doc.identities.filter((i) => i.locked || Object.keys(i.labels ?? {}).length > 0).length;
      if (kept > 0) found.push(`${kept} locked or labeled identit${kept === 1 ? 'y' : 'ies'}`);
    }
  }
  return found;
}

/** Removes what earlier deletes left in the trash (a crash between the renames and the removal). */
export async function sweepTrash(ws: Workspace): Promise<void> {
  const trash = ws.abs(workspaceFiles.trashDir);
  const names = await readdir(trash).catch(() => [] as string[]);
  await Promise.all(names.map((n) => rm(join(trash, n), { recursive: true, force: true })));
}

/** Moves every folder of the episode into one trash entry, then removes it. */
export async function removeEpisodeFolders(ws: Workspace, epId: string): Promise<void> {
  const entry = join(ws.abs(workspaceFiles.trashDir), `${epId}-${Date.now()}-${randomBytes(3).toString('hex')}`);
  await withReviewLock(ws, epId, async () => {
    await mkdir(entry, { recursive: true });
    // Renamed in order, manifests first: from that moment the episode is no longer listed.
    for (const [i, rel] of episodeFolders(epId).entries()) {
      const abs = ws.abs(rel);
      if (existsSync(abs)) await rename(abs, join(entry, String(i)));
    }
  });
  await rm(entry, { recursive: true, force: true });
}
