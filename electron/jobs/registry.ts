// The app's job kinds: what each takes and returns, and where its code is (loaded in the job's thread
// or process only, so a host that starts jobs never loads onnxruntime or sharp itself).
import type { CleanupJobInput, CleanupJobResult } from '../pipeline/cleanup/job';
import type { PipelineJobInput } from '../pipeline/job';
import type { RunResult } from '../pipeline/orchestrator';
import type { JobRunner } from './protocol';
import type { JobRunners } from './serve';

export interface JobTypes {
  pipeline: { input: PipelineJobInput; result: RunResult };
  cleanup: { input: CleanupJobInput; result: CleanupJobResult };
}
export type JobKind = keyof JobTypes;

type Registry = { [K in JobKind]: () => Promise<JobRunner<JobTypes[K]['input'], JobTypes[K]['result']>> };

export const appJobs: Registry & JobRunners = {
  pipeline: async () => (await import('../pipeline/job')).pipelineJob,
  cleanup: async () => (await import('../pipeline/cleanup/job')).cleanupJob,
};
