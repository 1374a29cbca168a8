// `screenalytics cleanup <ep_id> --workspace <dir> --actions split_tracks,reembed,recluster [--dry-run]`
// and `screenalytics cleanup <ep_id> --workspace <dir> --undo [--force]`: see electron/pipeline/cleanup.
// The cleanup runs as a job (electron/jobs, a worker thread), as in the app; settings are the
// workspace's saved ones, then a flag for each setting the cleanup reads.
import { pipelineSettingsSchema } from '../../shared/schema/settings';
import { Workspace } from '../store/workspace';
import { readWorkspaceSettings } from '../store/settings';
import { parseActions, reads, type CleanupResult } from '../pipeline/cleanup/cleanup';
import { undoLastCleanup } from '../pipeline/cleanup/backup';
import { startJob } from '../jobs/host';
import { numberOption, parseEpisodeCommand, usageError } from './args';
import { settingsFromFlags, settingsOptions, settingsUsage, type FlagValues } from './settings-flags';

/** --thresh is the cleanup's own threshold (it wins over identities.json's), so no --cluster-thresh here. */
const FLAG_SETTINGS = reads.filter((k) => k !== 'clusterThresh');

const USAGE = `usage: screenalytics cleanup <ep_id> --workspace <dir> --actions <list> [options]
       screenalytics cleanup <ep_id> --workspace <dir> --undo [--force]
  --actions <list>      comma-separated: split_tracks, reembed, recluster (run in that order)
  --dry-run             report what would change; write nothing
  --undo                restore the episode as it was before the last cleanup
  --force               with --undo: also discard changes made after that cleanup
  --thresh <x>          clustering threshold (default: identities.json's, else the pack's)
  --split-cosine <x>    cut a track where its two sides' mean embeddings have cosine below x (default: thresh)
  --gate <x>            stricter quality gate for reembed (default: the run's gate + 0.1)
  --json                print the report (and what changed) as JSON
settings the cleanup reads (unset: the workspace's saved settings, else the default); --pack also loads
that pack to re-embed ("eval" = the evaluation pack), only needed when faces.npy was made by another
model or disagrees with faces.jsonl:
${settingsUsage(FLAG_SETTINGS)}`;

function describe(r: CleanupResult): string {
  const { before: b, after: a } = r.report;
  const lines = [
    `${r.dryRun ? 'dry run (nothing written)' : 'cleanup'} of ${r.report.ep_id}: ${r.report.actions_run.join(', ')}`,
    `  tracks ${b.num_tracks} → ${a.num_tracks}; accepted faces ${b.num_faces} → ${a.num_faces}; clusters ${b.num_clusters} → ${a.num_clusters}; singleton fraction ${b.singleton_fraction.toFixed(3)} → ${a.singleton_fraction.toFixed(3)}`,
    `  split_tracks: ${r.report.split_tracks_summary.tracks_split} split into ${r.report.split_tracks_summary.new_tracks_created}`,
    ...r.splits.map((s) => `    ${s.from} → ${s.into.join(' + ')} (cut at frame ${s.cutFrames.join(', ')})`),
    `  reembed: ${r.report.reembed_summary.faces_rejected} rejected, ${r.reembeddedFaces.length} re-embedded; mean quality ${r.report.reembed_summary.mean_quality_before.toFixed(3)} → ${r.report.reembed_summary.mean_quality_after.toFixed(3)}`,
    `  recluster: ${r.report.recluster_summary.clusters_merged} merged`,
    ...r.changes.map((c) => `    ${c.name ? `${c.name} (${c.identity_id})` : c.identity_id}: ${c.tracks_before} → ${c.tracks_after} tracks, +${c.gained.length} −${c.lost.length}${c.label_kept === false ? ', name dropped' : ''}`),
  ];
  if (r.backup) lines.push(`  backup: ${r.backup} (undo: screenalytics cleanup ${r.report.ep_id} --workspace <dir> --undo)`);
  return lines.join('\n');
}

export async function run(args: string[]): Promise<number> {
  const options = {
    actions: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    undo: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    thresh: { type: 'string' },
    'split-cosine': { type: 'string' },
    gate: { type: 'string' },
    json: { type: 'boolean', default: false },
  } as const;
  const parsed = parseEpisodeCommand(args, USAGE, { ...options, ...settingsOptions(FLAG_SETTINGS) } as typeof options);
  if (typeof parsed === 'number') return parsed;
  const { values, epId } = parsed;
  if ((!values.undo && !values.actions) || (values.undo && (values.actions || values['dry-run']))) return usageError(USAGE);
  const workspace = new Workspace(parsed.workspace);
  if (values.undo) {
    const r = await undoLastCleanup(workspace, epId, { force: values.force });
    if (values.json) console.log(JSON.stringify(r, null, 2));
    else console.log(`restored ${r.restored} file(s) from ${r.backup}${r.removed.length ? `; removed ${r.removed.join(', ')}` : ''}`);
    return 0;
  }
  const actions = parseActions(values.actions!);
  const clusterThresh = numberOption('--thresh', values.thresh, { min: -1, max: 1 });
  const splitCosine = numberOption('--split-cosine', values['split-cosine'], { min: -1, max: 1 });
  const strictGate = numberOption('--gate', values.gate, { min: 0, max: 1 });
  const given = settingsFromFlags(values as FlagValues, FLAG_SETTINGS);
  const settings = pipelineSettingsSchema.parse({ ...(await readWorkspaceSettings(parsed.workspace)), ...given });
  const job = startJob('cleanup', {
    workspace: workspace.root,
    epId,
    actions,
    dryRun: values['dry-run'],
    settings,
    undoEntry: false,
    pack: given.packId !== undefined ? { id: given.packId, modelsDir: given.modelsDir } : undefined,
    clusterThresh,
    splitCosine,
    strictGate,
  });
  // Ctrl-C cancels between steps; once the write-back has begun, cancelling restores the backup.
  const onSigint = () => job.cancel();
  process.once('SIGINT', onSigint);
  try {
    for await (const e of job.events) {
      if (e.type !== 'log') continue;
      if (e.level === 'info') !values.json && console.log(e.message);
      else console.error(`${e.level}: ${e.message}`);
    }
    const result = await job.done;
    if (values.json) {
      const { identities: _doc, ...rest } = result;
      console.log(JSON.stringify(rest, null, 2));
    } else console.log(describe(result));
  } finally {
    process.off('SIGINT', onSigint);
  }
  return 0;
}
