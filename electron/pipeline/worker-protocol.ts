// Messages between the app (or CLI) and the pipeline worker thread.
import type { PipelineSettingsInput } from '../../shared/schema/settings';
import type { LogLevel, ProgressEvent } from './context';
import type { RunResult } from './orchestrator';

export interface WorkerRunOptions {
  videoPath: string;
  workspace: string;
  epId: string;
  settings?: PipelineSettingsInput;
  force?: boolean;
}

export type ToWorker = { type: 'start'; opts: WorkerRunOptions } | { type: 'cancel' };

export type FromWorker =
  | { type: 'progress'; progress: ProgressEvent }
  | { type: 'log'; level: LogLevel; message: string }
  | { type: 'done'; result: RunResult }
  | { type: 'error'; message: string; name: string; cancelled: boolean };
