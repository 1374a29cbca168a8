// Workspace and settings channels. workspace:choose, workspace:recent and workspace:browse are host channels: the host
// that owns the workspace root (Electron main, the web host) answers them, not the service.
import { z } from 'zod';
import { browseRequestSchema, browseResponseSchema } from '../browse';
import { defaultPipelineSettings, pipelineSettingsSchema, type PipelineSettings } from '../schema/settings';
import { emptyRequest, type ContractTable } from './core';

/**
 * Saved settings are the pipeline's own run settings (shared/schema/settings.ts: frame exports
 * toggle `saveFrames`, `device`, thresholds…), so "start a run" passes them through unchanged.
 */
export const settingsSchema = pipelineSettingsSchema;
export type Settings = PipelineSettings;
export const DEFAULT_SETTINGS: Settings = defaultPipelineSettings();

/**
 * settings:set takes any subset. Built by unwrapping each default (zod's .partial() would fill every
 * missing key with its default and so reset the user's other settings). `modelsDir` is left out on
 * purpose: the UI must not point the app at arbitrary folders of executable model files.
 */
const patchShape = Object.fromEntries(
  Object.entries(pipelineSettingsSchema.shape)
    .filter(([k]) => k !== 'modelsDir')
    .map(([k, s]) => [k, (s instanceof z.ZodDefault ? (s.unwrap() as z.ZodType) : (s as z.ZodType)).optional()]),
);
export type SettingsPatch = Partial<Omit<PipelineSettings, 'modelsDir'>>;
export const settingsPatchSchema = z.strictObject(patchShape) as unknown as z.ZodType<SettingsPatch>;

export const workspaceContract = {
  getWorkspace: {
    channel: 'workspace:get',
    request: emptyRequest,
    response: z.strictObject({
      root: z.string(),
      app_version: z.string(),
      host: z.enum(['electron', 'web', 'test']),
      /** How workspace:choose works here: a native folder dialog, a typed path (web host started with
       * --allow-workspace-switch), or not at all (absent = 'none'). Set by the host, not the service. */
      workspace_switch: z.enum(['dialog', 'path', 'none']).optional(),
    }),
  },
  getSettings: { channel: 'settings:get', request: emptyRequest, response: settingsSchema },
  setSettings: { channel: 'settings:set', request: settingsPatchSchema, response: settingsSchema },
} as const satisfies ContractTable;

/** Answered by the host that owns the workspace root (electron/host/workspace-switch.ts). */
export const workspaceHostContract = {
  chooseWorkspace: {
    channel: 'workspace:choose',
    /** No path: the native folder dialog (Electron). A path: a recent root (Electron) or, on a web host
     * started with --allow-workspace-switch, any existing absolute folder. */
    request: z.strictObject({ path: z.string().min(1).optional() }),
    /** changed=false when the dialog was cancelled or the folder is already the workspace. */
    response: z.strictObject({ root: z.string(), changed: z.boolean() }),
  },
  recentWorkspaces: {
    channel: 'workspace:recent',
    request: emptyRequest,
    /** Most recent first, existing folders only; includes the current root. */
    response: z.strictObject({ current: z.string(), recent: z.array(z.string()) }),
  },
  /**
   * The Run dialog's file browser: folders and video files under the host's roots (the workspace and
   * the folders the host was started with, `--media-root`), confined like media (electron/media/browse.ts).
   * No root: the roots only.
   */
  browseFiles: { channel: 'workspace:browse', request: browseRequestSchema, response: browseResponseSchema },
} as const satisfies ContractTable;

/** Main → renderer: the host switched to another workspace folder; every list and open episode is stale. */
export const workspaceChangedSchema = z.strictObject({ root: z.string() });
