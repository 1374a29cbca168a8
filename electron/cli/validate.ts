// `screenalytics validate <workspace> <ep_id> [--json]`: exit 0 only when every present artifact is valid.
import { stat } from 'node:fs/promises';
import { isEpId } from '../../shared/episode';
import { formatReport, validateEpisode } from '../store/validate';
import { Workspace } from '../store/workspace';

const USAGE = 'usage: screenalytics validate <workspace> <ep_id> [--json]';

export async function run(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const positional = args.filter((a) => !a.startsWith('--'));
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--json');
  if (positional.length !== 2 || unknown.length) {
    console.error(unknown.length ? `unknown option ${unknown[0]}\n${USAGE}` : USAGE);
    return 2;
  }
  const [root, epId] = positional;
  if (!isEpId(epId)) {
    console.error(`invalid ep_id "${epId}": expected <show>-s<season>e<episode>, e.g. rhobh-s05e02`);
    return 2;
  }
  const st = await stat(root).catch(() => null);
  if (!st?.isDirectory()) {
    console.error(`workspace "${root}" is not a directory`);
    return 2;
  }
  const report = await validateEpisode(new Workspace(root), epId);
  if (report.artifacts.every((a) => a.status === 'not present')) {
    console.error(`episode ${epId} has no artifacts in ${report.workspace}`);
    if (json) console.log(JSON.stringify(report, null, 2));
    return 1;
  }
  console.log(json ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.ok ? 0 : 1;
}
