#!/usr/bin/env node
// `npm run demo [-- <video>]`: the main job on an embedded default. Runs the whole pipeline with the
// default model pack (built at `npm ci`) on a short sitcom clip from the evaluation data, writes a
// workspace under ./workspace, validates every artifact, prints the screen time per identity and how
// to open the review app on it, having built the review UI (dist/renderer) that `screenalytics serve`
// and `npm start` serve. Videos are never committed: the default clip is read from
// ../shared/eval/videos (SCREENALYTICS_EVAL_DIR overrides); pass any video path to use your own.
import { existsSync } from 'node:fs';
import { dirname, resolve, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureRendererBuilt } from './renderer-build.mjs';

const root = new URL('..', import.meta.url).pathname;
const evalDir = process.env.SCREENALYTICS_EVAL_DIR ?? resolve(root, '../shared/eval');
const video = process.argv[2] ?? join(evalDir, 'videos', 'sitcom_friends_group.mp4');
const workspace = resolve(root, process.env.SCREENALYTICS_WORKSPACE ?? 'workspace');
const epId = process.argv[3] ?? 'demo-s01e01';

if (!existsSync(video)) {
  console.error(`demo: no video at ${video}. Pass one: npm run demo -- <video> [ep_id]`);
  process.exit(2);
}
const cli = join(root, 'bin', 'screenalytics.mjs');
const step = (args) => {
  console.log(`\n$ screenalytics ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

step(['run', video, '--workspace', workspace, '--ep', epId]);
step(['validate', workspace, epId]);
step(['screentime', epId, '--workspace', workspace]);
try {
  await ensureRendererBuilt(root, { log: (m) => console.log(`\n${m}`) });
} catch (err) {
  console.error(`demo: ${err.message}`);
  process.exit(1);
}
console.log(`\nReview it: npm start -- --workspace ${workspace}   (or: npx screenalytics serve --workspace ${workspace} --media-root ${dirname(resolve(video))})`);
