// The one settings home of a workspace: `<workspace>/.screenalytics/settings.json`, read by the app,
// the web host, the CLI and queue workers alike (pipeline settings: shared/schema/settings.ts). Parsed
// here, where it enters; everything downstream takes the typed object. Missing file = the defaults.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pipelineSettingsSchema, type PipelineSettings } from '../../shared/schema/settings';
import { readJson, writeJson } from './json';
import { workspaceFiles } from '../../shared/layout';

export const SETTINGS_FILE = workspaceFiles.settings;

export const settingsFile = (workspaceRoot: string): string => join(workspaceRoot, SETTINGS_FILE);

/**
 * The saved settings at `path`, or the defaults when there are none. `formerPath`: where an older app
 * kept them (the Electron user folder), read until the workspace has its own file.
 */
export async function readSettingsFile(path: string, formerPath?: string): Promise<PipelineSettings> {
  if (existsSync(path)) return readJson(path, pipelineSettingsSchema);
  if (formerPath && existsSync(formerPath)) return readJson(formerPath, pipelineSettingsSchema);
  return pipelineSettingsSchema.parse({});
}

export function readWorkspaceSettings(workspaceRoot: string): Promise<PipelineSettings> {
  return readSettingsFile(settingsFile(workspaceRoot));
}

/** Validated, then written atomically. */
export function writeSettingsFile(path: string, settings: PipelineSettings): Promise<PipelineSettings> {
  return writeJson(path, settings, pipelineSettingsSchema);
}
