// Scene cuts on the real eval clips against the shot changes listed in ../shared/eval/SOURCES.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EVAL_DIR } from '../models/eval-pack';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { decodeFrames } from './decode';
import { SceneCutDetector, contentValue, hsvThumb } from './scenecut';

const s = defaultPipelineSettings();

async function cuts(name: string, stride: number): Promise<number[]> {
  const d = new SceneCutDetector({ threshold: s.sceneCutThreshold, adaptiveRatio: s.sceneCutAdaptiveRatio, minSceneLenSec: s.minSceneLenSec });
  for await (const f of decodeFrames(join(EVAL_DIR, 'videos', `${name}.mp4`), { stride })) d.push(f.image, f.tsS, f.frameIdx);
  return d.finish().map((c) => c.ts_s);
}

/** Every expected cut is found within `tol` seconds, and nothing else is. */
function assertCuts(found: number[], expected: number[], tol: number) {
  assert.equal(found.length, expected.length, `found ${found.map((t) => t.toFixed(2)).join(', ')}; expected about ${expected.join(', ')}`);
  found.forEach((t, i) => assert.ok(Math.abs(t - expected[i]) <= tol, `cut ${t.toFixed(2)} s vs expected ${expected[i]} s`));
}

for (const stride of [1, 3]) {
  const tol = 0.15 + stride / 30;
  test(`sitcom_friends_group, stride ${stride}: cuts at 2.2, 4.9, 7.7`, async () => {
    assertCuts(await cuts('sitcom_friends_group', stride), [2.2, 4.9, 7.7], tol);
  });
  test(`movie_avengers_three (letterboxed, blended cuts), stride ${stride}: cuts at 2.6, 4.7, 5.8`, async () => {
    assertCuts(await cuts('movie_avengers_three', stride), [2.6, 4.7, 5.8], tol);
  });
  test(`interview_two_people (static two-shot), stride ${stride}: no cut`, async () => {
    assertCuts(await cuts('interview_two_people', stride), [], tol);
  });
}

test('content value: identical frames 0, black vs white large', () => {
  const mk = (v: number) => ({ data: new Uint8Array(320 * 180 * 3).fill(v), width: 320, height: 180 });
  const black = hsvThumb(mk(0)).hsv;
  const white = hsvThumb(mk(255)).hsv;
  assert.equal(contentValue(black, black), 0);
  assert.equal(contentValue(black, white), 255 / 3); // only V changes, by 255
});

test('settle() while frames arrive decides exactly what finish() does, each frame once it has its look-ahead', async () => {
  const opts = { threshold: s.sceneCutThreshold, adaptiveRatio: s.sceneCutAdaptiveRatio, minSceneLenSec: s.minSceneLenSec };
  const streamed = new SceneCutDetector(opts);
  const whole = new SceneCutDetector(opts);
  let pushed = 0;
  let lastDecided = 0;
  for await (const f of decodeFrames(join(EVAL_DIR, 'videos', 'tv_dinner_scene.mp4'), { analyzeFps: 10, fit: [448, 256] })) {
    streamed.push(f.image, f.tsS, f.frameIdx);
    whole.push(f.image, f.tsS, f.frameIdx);
    pushed++;
    const { decided, cuts } = streamed.settle();
    assert.ok(decided >= lastDecided && decided <= pushed);
    assert.ok(cuts.every((c) => c.frame_idx <= f.frameIdx));
    lastDecided = decided;
  }
  assert.ok(lastDecided < pushed, 'the last frames wait for finish()');
  const all = whole.finish();
  assert.ok(all.length > 20, `${all.length} cuts in the TV scene`);
  assert.deepEqual(streamed.finish(), all);
});
