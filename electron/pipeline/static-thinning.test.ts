import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EVAL_DIR } from '../models/eval-pack';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { decodeFrames } from './decode';
import { StaticThinning } from './detect';
import { SceneCutDetector } from './scenecut';

const run = (motion: number, values: number[]) => {
  const t = new StaticThinning(motion);
  return { skipped: values.map((v) => t.skip(v)), count: t.skipped };
};

test('inside a static shot every other analysed frame is skipped, never two in a row, never the first', () => {
  const r = run(4, [0, 1, 1, 1, 1, 1]);
  assert.deepEqual(r.skipped, [false, true, false, true, false, true]);
  assert.equal(r.count, 3);
});

test('movement or a cut (a high content value) is always detected; 0 turns thinning off', () => {
  assert.deepEqual(run(4, [0, 2, 30, 1, 9, 9, 1]).skipped, [false, true, false, true, false, false, true]);
  assert.deepEqual(run(0, [0, 0, 0, 0]).skipped, [false, false, false, false]);
});

test('on a real clip: thinning skips between a fifth and a half of the analysed frames, static ones only, never two in a row', async () => {
  const s = defaultPipelineSettings();
  const video = join(EVAL_DIR, 'videos', 'tv_dinner_scene.mp4');
  const scenes = new SceneCutDetector({ threshold: s.sceneCutThreshold, adaptiveRatio: s.sceneCutAdaptiveRatio, minSceneLenSec: s.minSceneLenSec });
  const thinning = new StaticThinning(4);
  const skipped: Array<{ value: number; skip: boolean }> = [];
  for await (const f of decodeFrames(video, { analyzeFps: s.analyzeFps, fit: [448, 256] })) {
    scenes.push(f.image, f.tsS, f.frameIdx);
    skipped.push({ value: scenes.lastValue, skip: thinning.skip(scenes.lastValue) });
  }
  const cuts = scenes.finish();
  assert.ok(cuts.length >= 30, `${cuts.length} cuts`);
  assert.ok(thinning.skipped > skipped.length / 5 && thinning.skipped < skipped.length / 2, `${thinning.skipped} of ${skipped.length} skipped`);
  skipped.forEach((x, i) => {
    if (!x.skip) return;
    assert.ok(x.value < 4, `frame ${i} skipped at content value ${x.value}`);
    assert.ok(i > 0 && !skipped[i - 1].skip, `frames ${i - 1} and ${i} both skipped`);
  });
});
