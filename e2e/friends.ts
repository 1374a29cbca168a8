// The real episode the review-safety e2e tests work on: the pipeline (eval pack: SCRFD-500M +
// MobileFaceNet, stride 6 as in the timeline test) on the Friends clip, plus on-disk checks.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runPipeline } from '../electron/pipeline/orchestrator';
import { EVAL_DIR, loadEvalPack } from '../electron/models/eval-pack';
import { episodeArtifacts } from '../electron/store/artifacts';
import { formatReport, validateEpisode } from '../electron/store/validate';
import { Workspace } from '../electron/store/workspace';

export const FRIENDS_EP = 'friends-s01e01';

export const runFriendsPipeline = (workspace: string) =>
  runPipeline({ videoPath: join(EVAL_DIR, 'videos', 'sitcom_friends_group.mp4'), workspace, epId: FRIENDS_EP, settings: { stride: 6 }, loadPack: () => loadEvalPack('cpu') });

export const friendsArtifacts = (workspace: string) => episodeArtifacts(new Workspace(workspace), FRIENDS_EP);

/** `screenalytics validate` on the episode must be clean after `step`. */
export async function assertValid(workspace: string, step: string): Promise<void> {
  const r = await validateEpisode(new Workspace(workspace), FRIENDS_EP);
  assert.ok(r.ok, `after ${step}:\n${formatReport(r)}`);
}
