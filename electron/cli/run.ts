// `screenalytics run <video> --workspace <dir> --ep <ep_id> [options]`: the whole pipeline as a job in
// a worker thread, with a progress bar on stderr (\r updates on a terminal, plain lines otherwise),
// ending with validation of the episode. Settings: the workspace's saved settings (store/settings.ts,
// the same the app uses), then one flag per setting. Ctrl-C cancels cleanly (no torn files; a re-run
// resumes); twice quits.
import { parseArgs } from 'node:util';
import { existsSync, statSync } from 'node:fs';
import { isEpId } from '../../shared/episode';
import { workspaceFiles } from '../../shared/layout';
import { pipelineSettingsSchema, type PipelineSettings } from '../../shared/schema/settings';
import { formatReport } from '../store/validate';
import { readWorkspaceSettings } from '../store/settings';
import { startJob, type JobHandle } from '../jobs/host';
import type { RunResult } from '../pipeline/orchestrator';
import { isJobError, type JobProgress } from '../jobs/protocol';
import { installedModelsDir } from '../models/install/status';
import { settingsFromFlags, settingsOptions, settingsUsage, type FlagValues } from './settings-flags';

const USAGE = `usage: screenalytics run <video> --workspace <dir> --ep <ep_id> [--force] [settings]
  --force   re-run every stage, even those run_state.json says are up to date
settings (unset: the workspace's saved settings, ${workspaceFiles.settings}, else the default):
${settingsUsage()}`;

/** Rounds once, to whole seconds, so 119.6 s reads "2m00s" and never "1m60s". */
export function fmtSec(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '--';
  const whole = Math.round(s);
  return whole >= 60 ? `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}

function progressPrinter(stream: NodeJS.WriteStream) {
  const tty = Boolean(stream.isTTY);
  let lastStage = '';
  let lastLine = 0;
  const line = (p: JobProgress) => {
    const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
    const width = 24;
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    return `${p.stage.padEnd(8)} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${p.done}/${p.total}  ${p.rate.toFixed(1)}/s  eta ${fmtSec(p.eta)}`;
  };
  return {
    progress(p: JobProgress) {
      const now = Date.now();
      if (tty) {
        if (lastStage && p.stage !== lastStage) stream.write('\n');
        stream.write(`\r${line(p)}\x1b[K`);
      } else if (p.stage !== lastStage || p.done >= p.total || now - lastLine > 2000) {
        stream.write(`${line(p)}\n`);
        lastLine = now;
      }
      lastStage = p.stage;
    },
    /** Ends a \r line before ordinary output. */
    breakLine() {
      if (tty && lastStage) stream.write('\n');
      lastStage = '';
    },
  };
}

/** Shows the run's progress and logs on stderr and its report on stdout; the exit code. */
async function follow(job: JobHandle<RunResult>): Promise<number> {
  const out = progressPrinter(process.stderr);
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    out.breakLine();
    if (interrupts === 1) {
      console.error('cancelling… (Ctrl-C again to quit at once)');
      job.cancel();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  try {
    for await (const e of job.events) {
      if (e.type === 'progress') out.progress(e.progress);
      else {
        out.breakLine();
        console.error(e.level === 'info' ? e.message : `${e.level}: ${e.message}`);
      }
    }
    const result = await job.done;
    out.breakLine();
    const ran = result.stages.map((s) => `${s.stage} ${s.status === 'ran' ? `${s.elapsedSec.toFixed(1)}s` : 'skipped'}`).join(', ');
    console.error(`done in ${result.elapsedSec.toFixed(1)}s (${ran}); device ${result.device ?? 'not loaded (all model stages up to date)'}`);
    console.log(formatReport(result.report));
    return result.report.ok ? 0 : 1;
  } catch (err) {
    out.breakLine();
    const e = err as Error;
    if (isJobError(e, 'cancelled')) {
      console.error('cancelled; finished stages are kept and a re-run resumes from there');
      return 130;
    }
    console.error(`run ${isJobError(e, 'crashed') ? 'crashed' : 'failed'}: ${e.message}`);
    return 1;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** The workspace's saved settings with the flags on top, parsed once here. */
async function runSettings(workspace: string, flags: FlagValues): Promise<PipelineSettings> {
  const given = settingsFromFlags(flags);
  // A pack installed by `screenalytics models install` is found in the user's models folder.
  if (given.packId !== undefined && given.modelsDir === undefined) given.modelsDir = await installedModelsDir(given.packId);
  return pipelineSettingsSchema.parse({ ...(await readWorkspaceSettings(workspace)), ...given });
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        workspace: { type: 'string' },
        ep: { type: 'string' },
        ...settingsOptions(),
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || !v.workspace || !v.ep) {
    console.error(USAGE);
    return 2;
  }
  const video = positionals[0];
  if (!existsSync(video) || !statSync(video).isFile()) {
    console.error(`video "${video}" not found`);
    return 2;
  }
  if (!isEpId(v.ep)) {
    console.error(`invalid ep_id "${v.ep}": expected <show>-s<season>e<episode>, e.g. rhobh-s05e02`);
    return 2;
  }
  // Before any stage runs: a workspace that is a file would otherwise only fail when detect writes.
  if (existsSync(v.workspace) && !statSync(v.workspace).isDirectory()) {
    console.error(`--workspace "${v.workspace}" is a file, not a folder`);
    return 2;
  }
  let settings: PipelineSettings;
  try {
    settings = await runSettings(v.workspace, v as FlagValues);
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }

  return follow(startJob('pipeline', { videoPath: video, workspace: v.workspace, epId: v.ep, settings, force: Boolean(v.force) }));
}
