// The run's stage stepper and its words, from one pipeline:progress event. Pure.
import { PIPELINE_STAGES, type PipelineProgress } from '../../../../shared/ipc';

export type StepState = 'done' | 'current' | 'pending' | 'stopped';

/** Each stage the job reports, in order: done (before the reporting one, or all once the run is done), current, pending; a cancelled or failed run's stage is 'stopped'. */
export function runSteps(p: PipelineProgress): Array<{ stage: string; state: StepState }> {
  const at = PIPELINE_STAGES.indexOf(p.stage as (typeof PIPELINE_STAGES)[number]);
  return PIPELINE_STAGES.map((stage, i) => {
    if (p.state === 'done' || i < at) return { stage, state: 'done' };
    if (i === at) return { stage, state: p.state === 'running' ? 'current' : 'stopped' };
    return { stage, state: 'pending' };
  });
}

const STAGE_WORDS: Record<string, string> = {
  detect: 'finding faces',
  track: 'following faces into tracks',
  harvest: 'cutting and embedding faces',
  pool: 'summing up each track',
  cluster: 'grouping tracks into people',
};

/** The outcome in plain words (what happened, and what Resume / Retry would do). */
export function runOutcome(p: PipelineProgress): string {
  const where = STAGE_WORDS[p.stage] ? `while ${STAGE_WORDS[p.stage]} (${p.stage})` : 'before the first stage';
  if (p.state === 'done') return 'done: the episode is ready to review';
  if (p.state === 'cancelled') return `cancelled ${where}. Finished stages are kept: Resume carries on from there.`;
  if (p.state === 'failed') return `failed ${where}: ${jobReason(p.message)}. Retry resumes after the finished stages.`;
  return 'running';
}

/** A job error as a reviewer reads it: without the "pipeline job failed:" plumbing or a stack. */
export function jobReason(message: string | undefined): string {
  if (!message) return 'no reason was given';
  const first = message.split('\n')[0].trim();
  return first.replace(/^(error: )?(pipeline )?(job )?(failed|crashed)[:;]?\s*/i, '').replace(/^Error:\s*/, '') || first;
}
