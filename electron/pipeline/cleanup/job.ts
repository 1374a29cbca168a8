// The cleanup as a job of the job runtime (electron/jobs): what the host sends, what comes back, and
// how the job picks the model pack. The review app lets the job load the pack the episode's run
// embedded with (run_state.json, harvest stage settings), else the settings' — the pack a pipeline
// re-run would use — on the device from the settings; the CLI names a pack or none.
import { existsSync } from 'node:fs';
import type { PipelineSettings } from '../../../shared/schema/settings';
import type { LoadedPack } from '../../models/types';
import { readJson } from '../../store/json';
import { Workspace } from '../../store/workspace';
import type { JobContext } from '../../jobs/protocol';
import { runStateSchema, sidePaths } from '../sidefiles';
import { runCleanup, type CleanupAction, type CleanupResult } from './cleanup';
import { dropRedoMarkers, pushBackupStep } from '../../store/review';

export interface CleanupJobInput {
  workspace: string;
  epId: string;
  actions: CleanupAction[];
  dryRun: boolean;
  settings: PipelineSettings;
  /** Push the cleanup onto the review undo stack (the review app; the CLI does not). */
  undoEntry: boolean;
  /**
   * Which pack re-embeds: 'episode' = the one the episode was embedded with (loaded only when the
   * actions include reembed), a pack id (the CLI's --pack; "eval" = the evaluation pack), or none.
   */
  pack?: 'episode' | { id: string; modelsDir?: string };
  clusterThresh?: number;
  splitCosine?: number;
  strictGate?: number;
}

export type CleanupJobResult = CleanupResult & { packModelId: string | null };

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

async function loadPackById(packId: string, device: PipelineSettings['device'], modelsDir: string | undefined): Promise<LoadedPack> {
  // 'eval' is the test-only pack whose files live in ../shared/eval (as the CLI's --pack eval).
  if (packId === 'eval') return (await import('../../models/eval-pack')).loadEvalPack(device === 'auto' ? 'cpu' : device);
  return (await import('../../models/pack')).loadPack({ packId, device, userModelDir: modelsDir });
}

/**
 * Loads the episode's pack for reembed. A pack that cannot be loaded is not an error here: reembed
 * needs one only when faces.npy was made by another model or disagrees with faces.jsonl, and then
 * fails with a message saying so.
 */
export async function resolveCleanupPack(ws: Workspace, opts: Pick<CleanupJobInput, 'epId' | 'settings'>, log: JobContext['log']): Promise<LoadedPack | undefined> {
  const { packId, modelsDir } = await episodePackId(ws, opts.epId, opts.settings);
  try {
    const pack = await loadPackById(packId, opts.settings.device, modelsDir);
    log('info', `cleanup: pack ${packId} (${pack.embedder.modelId}) on ${pack.device}`);
    return pack;
  } catch (err) {
    log('warn', `cleanup: pack ${packId} could not be loaded (${(err as Error).message}); faces can only be re-checked, not re-embedded`);
    return undefined;
  }
}

async function cleanupPack(ws: Workspace, input: CleanupJobInput, log: JobContext['log']): Promise<LoadedPack | undefined> {
  if (input.pack === 'episode') return input.actions.includes('reembed') ? resolveCleanupPack(ws, input, log) : undefined;
  if (!input.pack) return undefined;
  const { id, modelsDir } = input.pack;
  const { installedModelsDir } = await import('../../models/install/status');
  return loadPackById(id, input.settings.device, modelsDir ?? (id === 'eval' ? undefined : await installedModelsDir(id)));
}

export async function cleanupJob(input: CleanupJobInput, job: JobContext): Promise<CleanupJobResult> {
  const workspace = new Workspace(input.workspace);
  const pack = await cleanupPack(workspace, input, job.log);
  try {
    const result = await runCleanup({
      workspace,
      epId: input.epId,
      actions: input.actions,
      dryRun: input.dryRun,
      settings: input.settings,
      pack,
      clusterThresh: input.clusterThresh,
      splitCosine: input.splitCosine,
      strictGate: input.strictGate,
      signal: job.signal,
      log: job.log,
      progress: job.progress,
      beforeSeal: input.undoEntry
        ? async (dir) => {
            await dropRedoMarkers(workspace, input.epId);
            await pushBackupStep(workspace, input.epId, dir, input.actions);
          }
        : undefined,
    });
    return { ...result, packModelId: pack?.embedder.modelId ?? null };
  } finally {
    await pack?.detector.dispose().catch(() => undefined);
    await pack?.embedder.dispose().catch(() => undefined);
  }
}
