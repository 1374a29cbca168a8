// What every pipeline stage receives. The orchestrator builds one per run; H5's pool/cluster stages
// and the stages in this folder all take the same object, so the CLI, the app worker and tests share it.
import type { EpisodePaths } from '../../shared/layout';
import type { PipelineSettings } from '../../shared/schema/settings';
import type { Workspace } from '../store/workspace';
import type { LoadedPack } from '../models/types';

export type StageName = 'decode' | 'detect' | 'track' | 'harvest' | 'pool' | 'cluster';

export interface StageProgress {
  stage: StageName;
  done: number;
  total: number;
}

/** The settings a stage reads: each stage file exports its list as `reads` (its run_state fingerprint). */
export type SettingKey = keyof PipelineSettings;

export type LogLevel = 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string) => void;

export interface StageContext {
  workspace: Workspace;
  epId: string;
  /** Workspace-relative artifact paths of this episode (shared/episode.ts). */
  paths: EpisodePaths;
  settings: PipelineSettings;
  /** Loaded models; only stages that need them (detect, harvest) read it. */
  pack?: LoadedPack;
  progress: (p: StageProgress) => void;
  signal: AbortSignal;
  log: Logger;
}

/** Throws the standard AbortError when the run was cancelled; stages call it between units of work. */
export function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) {
    const err = new Error('pipeline cancelled');
    err.name = 'AbortError';
    throw err;
  }
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
