// Messages between the review service and the cleanup worker thread, and how the worker picks the
// model pack: the one the episode's run embedded with (run_state.json, harvest stage settings), else
// the app's setting — the pack a pipeline re-run would use — on the device from the settings.
import { existsSync } from 'node:fs';
import type { PipelineSettings } from '../../../shared/schema/settings';
import type { LoadedPack } from '../../models/types';
import { readJson } from '../../store/json';
import type { Workspace } from '../../store/workspace';
import { runStateSchema, sidePaths } from '../sidefiles';
import type { CleanupAction, CleanupProgress, CleanupResult } from './cleanup';

export interface CleanupWorkerOptions {
  workspace: string;
  epId: string;
  actions: CleanupAction[];
  dryRun: boolean;
  settings: PipelineSettings;
  /** Push the cleanup onto the review undo stack (the review app; the CLI does not). */
  undoEntry: boolean;
}

export type CleanupToWorker = { type: 'start'; opts: CleanupWorkerOptions } | { type: 'cancel' };

export type CleanupWorkerResult = CleanupResult & { packModelId: string | null };

export type CleanupFromWorker =
  | { type: 'progress'; progress: CleanupProgress }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'done'; result: CleanupWorkerResult }
  | { type: 'error'; message: string; name: string; cancelled: boolean };

/** Pack id and model folder the episode was embedded with, falling back to the settings. */
export async function episodePackId(ws: Workspace, epId: string, settings: PipelineSettings): Promise<{ packId: string; modelsDir?: string }> {
  const path = ws.abs(sidePaths(epId).runState);
  if (existsSync(path)) {
    const state = await readJson(path, runStateSchema);
    const recorded = state.stages.harvest?.settings ?? Object.values(state.stages).find((s) => typeof s.settings.packId === 'string')?.settings;
    if (recorded && typeof recorded.packId === 'string') {
      return { packId: recorded.packId, modelsDir: typeof recorded.modelsDir === 'string' ? recorded.modelsDir : settings.modelsDir };
    }
  }
  return { packId: settings.packId, modelsDir: settings.modelsDir };
}

/**
 * Loads the episode's pack for reembed. A pack that cannot be loaded is not an error here: reembed
 * needs one only when faces.npy was made by another model or disagrees with faces.jsonl, and then
 * fails with a message saying so.
 */
export async function resolveCleanupPack(ws: Workspace, opts: Pick<CleanupWorkerOptions, 'epId' | 'settings'>, log: (level: 'warn' | 'info', m: string) => void): Promise<LoadedPack | undefined> {
  const { packId, modelsDir } = await episodePackId(ws, opts.epId, opts.settings);
  try {
    // 'eval' is the test-only pack whose files live in ../shared/eval (as the CLI's --pack eval).
    const pack = packId === 'eval'
      ? await (await import('../../models/eval-pack')).loadEvalPack(opts.settings.device === 'auto' ? 'cpu' : opts.settings.device)
      : await (await import('../../models/pack')).loadPack({ packId, device: opts.settings.device, userModelDir: modelsDir });
    log('info', `cleanup: pack ${packId} (${pack.embedder.modelId}) on ${pack.device}`);
    return pack;
  } catch (err) {
    log('warn', `cleanup: pack ${packId} could not be loaded (${(err as Error).message}); faces can only be re-checked, not re-embedded`);
    return undefined;
  }
}
