// `screenalytics cluster <ep_id> --workspace <dir> [settings]`: re-clusters one episode (pooling first
// when track embeddings are missing or stale), keeping locked identities and carrying labels over.
// Settings: the workspace's saved ones, then a flag for each setting the cluster stage reads.
import { existsSync } from 'node:fs';
import { pipelineSettingsSchema } from '../../shared/schema/settings';
import { Workspace } from '../store/workspace';
import { readWorkspaceSettings } from '../store/settings';
import { clusterEpisode, reads } from '../pipeline/cluster';
import type { StageContext } from '../pipeline/context';
import { numberOption, parseEpisodeCommand } from './args';
import { settingsFromFlags, settingsOptions, settingsUsage, type FlagValues } from './settings-flags';

const USAGE = `usage: screenalytics cluster <ep_id> --workspace <dir> [settings]
  --thresh N   the same as --cluster-thresh
settings the cluster stage reads (unset: the workspace's saved settings, else the default):
${settingsUsage(reads)}`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseEpisodeCommand(args, USAGE, { thresh: { type: 'string' }, ...settingsOptions(reads) } as { thresh: { type: 'string' } });
  if (typeof parsed === 'number') return parsed;
  const { values, epId } = parsed;
  const thresh = numberOption('--thresh', values.thresh, { min: -1, max: 1 });
  const given = { ...settingsFromFlags(values as FlagValues, reads), ...(thresh !== undefined ? { clusterThresh: thresh } : {}) };
  const workspace = new Workspace(parsed.workspace);
  const paths = workspace.paths(epId);
  for (const need of [paths.tracks, paths.faces, paths.facesNpy]) {
    if (!existsSync(workspace.abs(need))) throw new Error(`${workspace.abs(need)} not found: run the pipeline for ${epId} first`);
  }
  const settings = pipelineSettingsSchema.parse({ ...(await readWorkspaceSettings(parsed.workspace)), ...given });
  const ctx: StageContext = {
    workspace,
    epId,
    paths,
    settings,
    progress: () => {},
    signal: new AbortController().signal,
    log: (level, message) => (level === 'info' ? console.log(message) : console.error(`${level}: ${message}`)),
  };
  await clusterEpisode(ctx);
  console.log(`wrote ${workspace.abs(paths.identities)}`);
  return 0;
}
