// `screenalytics cluster <ep_id> --workspace <dir> [--thresh x] [--linkage …] [--min-cluster-size n]`:
// re-clusters one episode (pooling first when track embeddings are missing or stale), keeping locked
// identities and carrying labels over.
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { parseEpId } from '../../shared/episode';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { LINKAGES, type Linkage } from '../../shared/cluster/agglomerative';
import { Workspace } from '../store/workspace';
import { clusterEpisode } from '../pipeline/cluster';
import type { StageContext } from '../pipeline/context';

const USAGE = `usage: screenalytics cluster <ep_id> --workspace <dir> [options]
  --thresh <x>              cosine-similarity threshold in [-1, 1] (default: the pack's calibrated value)
  --linkage <name>          average (default) | complete | ward
  --min-cluster-size <n>    smaller clusters become singletons (default 2)
  --pack <id>               model pack whose default threshold applies (default "default")`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      workspace: { type: 'string', short: 'w' },
      thresh: { type: 'string' },
      linkage: { type: 'string' },
      'min-cluster-size': { type: 'string' },
      pack: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [epId] = positionals;
  if (!epId || !values.workspace || positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  parseEpId(epId);
  const thresh = values.thresh === undefined ? undefined : Number(values.thresh);
  if (thresh !== undefined && (values.thresh!.trim() === '' || !Number.isFinite(thresh) || thresh < -1 || thresh > 1)) {
    throw new Error(`--thresh must be a number in [-1, 1], got "${values.thresh}"`);
  }
  const linkage = values.linkage as Linkage | undefined;
  if (linkage !== undefined && !LINKAGES.includes(linkage)) throw new Error(`--linkage must be one of ${LINKAGES.join(', ')}, got "${values.linkage}"`);
  const minRaw = values['min-cluster-size'];
  const minClusterSize = minRaw === undefined ? undefined : Number(minRaw);
  if (minClusterSize !== undefined && (!Number.isInteger(minClusterSize) || minClusterSize < 1)) {
    throw new Error(`--min-cluster-size must be an integer ≥ 1, got "${minRaw}"`);
  }
  const workspace = new Workspace(values.workspace);
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
