// `screenalytics cluster <ep_id> --workspace <dir> [--thresh x] [--linkage …] [--min-cluster-size n]`:
// re-clusters one episode (pooling first when track embeddings are missing or stale), keeping locked
// identities and carrying labels over.
import { existsSync } from 'node:fs';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { LINKAGES, type Linkage } from '../../shared/cluster/agglomerative';
import { Workspace } from '../store/workspace';
import { clusterEpisode } from '../pipeline/cluster';
import type { StageContext } from '../pipeline/context';
import { numberOption, parseEpisodeCommand } from './args';

const USAGE = `usage: screenalytics cluster <ep_id> --workspace <dir> [options]
  --thresh <x>              cosine-similarity threshold in [-1, 1] (default: the pack's calibrated value)
  --linkage <name>          average (default) | complete | ward
  --min-cluster-size <n>    smaller clusters become singletons (default 2)
  --pack <id>               model pack whose default threshold applies (default "default")`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseEpisodeCommand(args, USAGE, {
    thresh: { type: 'string' },
    linkage: { type: 'string' },
    'min-cluster-size': { type: 'string' },
    pack: { type: 'string' },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, epId } = parsed;
  const thresh = numberOption('--thresh', values.thresh, { min: -1, max: 1 });
  const linkage = values.linkage as Linkage | undefined;
  if (linkage !== undefined && !LINKAGES.includes(linkage)) throw new Error(`--linkage must be one of ${LINKAGES.join(', ')}, got "${values.linkage}"`);
  const minClusterSize = numberOption('--min-cluster-size', values['min-cluster-size'], { min: 1, integer: true });
  const workspace = new Workspace(parsed.workspace);
  const paths = workspace.paths(epId);
  for (const need of [paths.tracks, paths.faces, paths.facesNpy]) {
    if (!existsSync(workspace.abs(need))) throw new Error(`${workspace.abs(need)} not found: run the pipeline for ${epId} first`);
  }
  const settings = { ...defaultPipelineSettings(), ...(values.pack ? { packId: values.pack } : {}) };
  const ctx: StageContext = {
    workspace,
    epId,
    paths,
    settings,
    progress: () => {},
    signal: new AbortController().signal,
    log: (level, message) => (level === 'info' ? console.log(message) : console.error(`${level}: ${message}`)),
  };
  await clusterEpisode(ctx, { clusterThresh: thresh, linkage, minClusterSize });
  console.log(`wrote ${workspace.abs(paths.identities)}`);
  return 0;
}
