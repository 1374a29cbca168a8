// Which workspace Electron opens, and the recent-workspaces file (userData/workspaces.json). No Electron
// imports, so the choice and the file format are testable.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { readJson, writeJson } from '../store/json';
import type { RecentStore } from '../host/workspace-switch';

export const workspacesFileSchema = z.strictObject({
  v: z.literal(1),
  /** Absolute folders, most recent first; [0] is the one to reopen. */
  recent: z.array(z.string().min(1)),
});

/** A RecentStore over one JSON file, validated on read (errors name the file and line) and written atomically. */
export function jsonRecentStore(file: string): RecentStore {
  return {
    load: async () => (existsSync(file) ? (await readJson(file, workspacesFileSchema)).recent : []),
    save: async (recent) => void (await writeJson(file, { v: 1 as const, recent }, workspacesFileSchema)),
  };
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/** --workspace=<dir> flag, then $SCREENALYTICS_WORKSPACE, then the last workspace used, then ~/Documents/Screenalytics. */
export function initialWorkspace(o: { argv: string[]; env: NodeJS.ProcessEnv; recent: string[]; documents: string }): string {
  const flag = o.argv.find((a) => a.startsWith('--workspace='));
  if (flag) return resolve(flag.slice('--workspace='.length));
  if (o.env.SCREENALYTICS_WORKSPACE) return resolve(o.env.SCREENALYTICS_WORKSPACE);
  const last = o.recent.find(isDir);
  return last ?? join(o.documents, 'Screenalytics');
}
