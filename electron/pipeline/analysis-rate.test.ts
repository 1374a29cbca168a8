// The default analysis rate (settings stride + analyzeFps) still finds the real clips' shot changes
// (../shared/eval/SOURCES.md) and analyses about analyzeFps frames per second. scenecut.test.ts covers
// explicit strides; this follows whatever the defaults are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EVAL_DIR } from '../models/eval-pack';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { decodeFrames } from './decode';
import { SceneCutDetector } from './scenecut';
import { analysedRate } from './track';

const s = defaultPipelineSettings();

async function analyse(name: string): Promise<{ cuts: number[]; frames: Array<[number, number]> }> {
  const d = new SceneCutDetector({ threshold: s.sceneCutThreshold, adaptiveRatio: s.sceneCutAdaptiveRatio, minSceneLenSec: s.minSceneLenSec });
  const frames: Array<[number, number]> = [];
  for await (const f of decodeFrames(join(EVAL_DIR, 'videos', `${name}.mp4`), { stride: s.stride, analyzeFps: s.analyzeFps })) {
    d.push(f.image, f.tsS, f.frameIdx);
    frames.push([f.frameIdx, f.tsS]);
  }
  return { cuts: d.finish().map((c) => c.ts_s), frames };
}

const cases: Array<[string, number, number[]]> = [
  ['sitcom_friends_group', 30, [2.2, 4.9, 7.7]],
  ['movie_avengers_three', 29.97, [2.6, 4.7, 5.8]],
  ['interview_two_people', 29.97, []],
];

for (const [name, fps, expected] of cases) {
  test(`${name} at the default analysis rate: cuts at ${expected.join(', ') || 'none'}`, async () => {
    const { cuts, frames } = await analyse(name);
    const rate = Math.min(fps / s.stride, s.analyzeFps || Infinity);
    // A cut is reported at the first analysed frame of the new shot: up to one analysed step late.
    const tol = 0.15 + 1 / rate;
    assert.equal(cuts.length, expected.length, `found ${cuts.map((t) => t.toFixed(2)).join(', ')}; expected about ${expected.join(', ')}`);
    cuts.forEach((t, i) => assert.ok(Math.abs(t - expected[i]) <= tol, `cut ${t.toFixed(2)} s vs expected ${expected[i]} s`));
    assert.ok(Math.abs(analysedRate(frames) - rate) / rate < 0.2, `analysed ${analysedRate(frames).toFixed(2)} fps, expected about ${rate.toFixed(2)}`);
  });
}
