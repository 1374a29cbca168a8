// `screenalytics queue add|status|retry|cancel|remove`: the season's episodes as jobs on a Redis queue
// (electron/queue/). `add` records the queue in the workspace (.screenalytics/queue.json) so workers,
// later commands and the review app find it without flags.
import { parseEpId } from '../../shared/episode';
import type { QueueJobRow } from '../../shared/ipc';
import { parseCommand, parseNumber, usageError } from './args';
import { fmtSec } from './run';
import { settingsFromFlags, settingsOptions, settingsUsage, type FlagValues } from './settings-flags';
import { EpisodeQueue } from '../queue/client';
import { resolveQueue, writeQueueSettings } from '../queue/connection';
import { nameEpisodes } from '../queue/episodes';

const CONNECT = '[--redis URL] [--queue NAME]';
const USAGE = `usage: screenalytics queue <subcommand> --workspace <dir> ${CONNECT}
  add <video…> [--show S --season N | --ep <ep_id>] [--gpu] [--force] [--attempts N] [--backoff MS] [run settings]
                       one job per episode; ep ids from file names that say s05e02, else
                       --show/--season (numbered in the order given) or --ep; an episode already
                       queued, running or done is left alone unless --force
  status [--json]      episode, state, worker, stage, %, ETA, error
  retry <ep_id>        a failed (or done) job back to the queue; it resumes from finished stages
  cancel <ep_id>       a queued job is removed; a running one is stopped (finished stages kept)
  remove <ep_id>       forget a job that is not running
--redis URL defaults to $SCREENALYTICS_REDIS_URL, else the workspace's queue settings.
run settings (given: recorded in the job; the rest come from the worker's workspace settings):
${settingsUsage()}`;

const OPTIONS = {
  redis: { type: 'string' },
  queue: { type: 'string' },
  show: { type: 'string' },
  season: { type: 'string' },
  ep: { type: 'string' },
  gpu: { type: 'boolean' },
  force: { type: 'boolean' },
  attempts: { type: 'string' },
  backoff: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function formatStatus(rows: QueueJobRow[]): string {
  const head = ['EPISODE', 'STATE', 'WORKER', 'STAGE', '%', 'ETA', 'ERROR'];
  const body = rows.map((r) => [
    r.ep_id,
    r.state + (r.gpu ? ' (gpu)' : ''),
    r.worker ?? '-',
    r.stage ?? '-',
    r.percent.toFixed(0),
    r.state === 'active' ? fmtSec(r.eta) : '-',
    clip((r.error ?? '').split('\n')[0], 70) || '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((cols) => cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    console.log(USAGE);
    return sub ? 0 : 2;
  }
  if (!['add', 'status', 'retry', 'cancel', 'remove'].includes(sub)) return usageError(`unknown subcommand "${sub}"\n${USAGE}`);
  const parsed = parseCommand(rest, USAGE, { ...OPTIONS, ...settingsOptions() } as typeof OPTIONS, sub === 'add' ? { min: 1 } : sub === 'status' ? { min: 0, max: 0 } : { min: 1, max: 1 });
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const settings = await resolveQueue(parsed.workspace, { redis: v.redis, queue: v.queue });
  if (!settings) {
    console.error('no queue: pass --redis URL or set SCREENALYTICS_REDIS_URL');
    return 2;
  }
  const queue = new EpisodeQueue(settings, { failFast: sub !== 'add' });
  try {
    if (sub === 'add') {
      const videos = nameEpisodes(parsed.positionals, {
        show: v.show,
        season: v.season === undefined ? undefined : parseNumber('--season', v.season, { min: 0, integer: true }),
        epId: v.ep,
      });
      const out = await queue.add(videos, {
        workspace: parsed.workspace,
        settings: settingsFromFlags(v as FlagValues),
        gpu: v.gpu,
        force: v.force,
        attempts: v.attempts === undefined ? undefined : parseNumber('--attempts', v.attempts, { min: 1, integer: true }),
        backoffMs: v.backoff === undefined ? undefined : parseNumber('--backoff', v.backoff, { min: 0, integer: true }),
      });
      await writeQueueSettings(parsed.workspace, settings);
      for (const ep of out.added) console.log(`queued  ${ep}  (${videos.find((x) => x.epId === ep)?.video})`);
      for (const s of out.skipped) console.log(`skipped ${s.ep_id}  (already ${s.state}; --force to run it again)`);
      return 0;
    }
    if (sub === 'status') {
      const rows = await queue.status();
      console.log(v.json ? JSON.stringify(rows, null, 2) : rows.length ? formatStatus(rows) : `queue "${settings.queue}" is empty`);
      return 0;
    }
    const epId = parseEpId(parsed.positionals[0]).epId;
    if (sub === 'retry') console.log(`${epId}: ${await queue.retry(epId)}`);
    else if (sub === 'cancel') console.log(`${epId}: ${await queue.cancel(epId, `${process.env.USER ?? 'someone'} (queue cancel)`)}`);
    else {
      await queue.remove(epId);
      console.log(`${epId}: removed`);
    }
    return 0;
  } finally {
    await queue.close();
  }
}
