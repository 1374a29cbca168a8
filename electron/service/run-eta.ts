// One ETA for a whole pipeline run. The job reports each stage's own counters and ETA; the stages
// after it have not started, so their time is estimated from this run's own pace: the seconds per
// unit of stage weight seen so far (finished stages, and the current one at its own ETA), times the
// weights of the stages still to come.
import { PIPELINE_STAGES, type PipelineStage } from '../../shared/ipc';
import type { JobProgress } from '../jobs/protocol';

/**
 * Each stage's share of a default run, in seconds of `run_state.json` `elapsed_sec` (default pack,
 * default settings, 2 CPU cores, median of three runs): sitcom_friends_group (15 s clip) detect 2.76,
 * track 0.07, harvest 0.17, pool 0.06, cluster 0.14. The detection pass also harvests the sampled faces
 * (early-harvest.ts), so it is nearly the whole run; the harvest stage only files what it was given.
 * Only the ratios matter: the pace comes from the run itself.
 */
export const STAGE_WEIGHTS: Record<PipelineStage, number> = { detect: 2.76, track: 0.07, harvest: 0.17, pool: 0.06, cluster: 0.14 };

const TOTAL_WEIGHT = PIPELINE_STAGES.reduce((s, k) => s + STAGE_WEIGHTS[k], 0);
const isStage = (s: string): s is PipelineStage => (PIPELINE_STAGES as readonly string[]).includes(s);

export interface RunEstimate {
  /** Seconds left for the whole run; null until a pace is measurable. */
  run_eta: number | null;
  /** Share of the run's weight done, 0–1 (stages a resumed run skipped count as done). */
  run_fraction: number;
}

export class RunEta {
  private current: PipelineStage | null = null;
  private began = 0;
  /** Stages finished in this run: their weight and their seconds (skipped stages are not here). */
  private doneWeight = 0;
  private doneSec = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  update(p: Pick<JobProgress, 'stage' | 'done' | 'total' | 'eta'>): RunEstimate {
    if (!isStage(p.stage)) return { run_eta: null, run_fraction: this.fractionBefore(this.current) };
    const t = this.now() / 1000;
    if (p.stage !== this.current) {
      if (this.current) {
        this.doneWeight += STAGE_WEIGHTS[this.current];
        this.doneSec += t - this.began;
      }
      this.current = p.stage;
      this.began = t;
    }
    const w = STAGE_WEIGHTS[p.stage];
    const f = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
    const elapsed = t - this.began;
    // Seconds per unit weight: the current stage counts once its own ETA is known.
    const pace =
      p.eta !== null ? (this.doneSec + elapsed + p.eta) / (this.doneWeight + w) : this.doneWeight > 0 ? this.doneSec / this.doneWeight : null;
    const after = PIPELINE_STAGES.slice(PIPELINE_STAGES.indexOf(p.stage) + 1).reduce((s, k) => s + STAGE_WEIGHTS[k], 0);
    const run_eta = pace === null ? null : (p.eta ?? pace * w * (1 - f)) + pace * after;
    return { run_eta, run_fraction: Math.min(1, (this.fractionBefore(p.stage) * TOTAL_WEIGHT + w * f) / TOTAL_WEIGHT) };
  }

  /** The share of the stages before `stage` (all of them done, run here or skipped as up to date). */
  private fractionBefore(stage: PipelineStage | null): number {
    if (stage === null) return 0;
    return PIPELINE_STAGES.slice(0, PIPELINE_STAGES.indexOf(stage)).reduce((s, k) => s + STAGE_WEIGHTS[k], 0) / TOTAL_WEIGHT;
  }
}
