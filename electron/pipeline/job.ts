// The pipeline as a job of the job runtime (electron/jobs): the same run as runPipeline, with settings
// parsed once at the edge (the service, the CLI, the queue worker) and passed through typed.
import type { PipelineSettings } from '../../shared/schema/settings';
import type { JobContext } from '../jobs/protocol';
import { runParsedPipeline, type RunResult } from './orchestrator';

export interface PipelineJobInput {
  videoPath: string;
  workspace: string;
  epId: string;
  settings: PipelineSettings;
  /** Re-run every stage even when run_state.json says it is up to date. */
  force?: boolean;
}

export function pipelineJob(input: PipelineJobInput, job: JobContext): Promise<RunResult> {
  return runParsedPipeline({ ...input, signal: job.signal, onProgress: job.progress, onLog: job.log });
}
