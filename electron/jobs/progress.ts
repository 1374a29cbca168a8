// The one place progress gets its rate, its ETA and its throttle, inside the job's thread or process
// before anything crosses to the host: every change of stage and every stage's last update pass,
// others at most one per `intervalMs`, so a fast stage never floods the UI or Redis.
import type { JobProgress, StageCounters } from './protocol';

export function progressReporter(job: string, send: (p: JobProgress) => void, intervalMs = 100, now: () => number = () => performance.now()): (p: StageCounters) => void {
  let stage: string | null = null;
  let began = 0;
  let lastSent = -Infinity;
  return (p) => {
    const t = now();
    const changed = p.stage !== stage;
    if (changed) {
      stage = p.stage;
      began = t;
    }
    if (!changed && p.done < p.total && t - lastSent < intervalMs) return;
    lastSent = t;
    const sec = (t - began) / 1000;
    const rate = sec > 0 ? p.done / sec : 0;
    const eta = rate > 0 && p.total >= p.done ? (p.total - p.done) / rate : null;
    send({ job, ...p, rate, eta });
  };
}
