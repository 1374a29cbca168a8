// One decode instead of two: the faces the detection pass harvests while it tracks (early-harvest.ts)
// are exactly the ones the harvest's own decoding pass would give — same faces.jsonl rows (landmarks,
// quality, embeddings), the same tracks, byte-identical crops — and the harvest then decodes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { EVAL_DIR } from '../models/eval-pack';
import { loadPack } from '../models/pack';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { episodePaths } from '../../shared/layout';
import { runPipeline } from './orchestrator';

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  return out.sort();
}

test('single pass (the detection pass harvests) = two passes, on the real Friends clip', async () => {
  const video = join(EVAL_DIR, 'videos', 'sitcom_friends_group.mp4');
  const pack = await loadPack({ packId: defaultPipelineSettings().packId, device: 'cpu' });
  const ep = 'friends-s01e01';
  const runs: Array<{ ws: string; logs: string[] }> = [];
  try {
    for (const singlePass of [true, false]) {
      const ws = await mkdtemp(join(tmpdir(), 'sa-early-'));
      const logs: string[] = [];
      await runPipeline({ videoPath: video, workspace: ws, epId: ep, singlePass, loadPack: async () => pack, onLog: (_l, m) => logs.push(m) });
      runs.push({ ws, logs });
    }
    const [one, two] = runs;
    assert.ok(one.logs.some((m) => /^harvest: \d+ faces from the detection pass, 0 frames decoded again$/.test(m)), one.logs.join('\n'));
    assert.ok(two.logs.some((m) => /^harvest: 0 faces from the detection pass, [1-9]\d* frames decoded again$/.test(m)), two.logs.join('\n'));
    const p = episodePaths(ep);
    for (const rel of [p.faces, p.tracks, p.detections, p.facesNpy, p.trackEmbeddingsNpy]) {
      assert.deepEqual(await readFile(join(one.ws, rel)), await readFile(join(two.ws, rel)), rel);
    }
    const faces = (await readFile(join(one.ws, p.faces), 'utf8')).trim().split('\n');
    assert.ok(faces.length > 80, `${faces.length} faces`);
    const crops = await files(join(one.ws, p.cropsDir));
    assert.ok(crops.every((c) => !c.startsWith('.')), 'no staged crop left behind');
    assert.deepEqual(crops, await files(join(two.ws, p.cropsDir)));
    assert.equal(crops.length, faces.filter((l) => JSON.parse(l).crop_path).length);
    for (const c of crops) assert.deepEqual(await readFile(join(one.ws, p.cropsDir, c)), await readFile(join(two.ws, p.cropsDir, c)), c);
  } finally {
    await Promise.allSettled([pack.detector.dispose(), pack.embedder.dispose()]);
    for (const r of runs) await rm(r.ws, { recursive: true, force: true });
  }
});

test('irregular steps (static-shot thinning on the 25-fps TV scene): the detection pass still holds every face the track stage samples', async () => {
  const pack = await loadPack({ packId: defaultPipelineSettings().packId, device: 'cpu' });
  const ws = await mkdtemp(join(tmpdir(), 'sa-early-'));
  const logs: string[] = [];
  try {
    const r = await runPipeline({ videoPath: join(EVAL_DIR, 'videos', 'tv_dinner_scene.mp4'), workspace: ws, epId: 'tv-s01e01', settings: { staticShotMotion: 2 }, loadPack: async () => pack, onLog: (_l, m) => logs.push(m) });
    assert.ok(r.report.ok);
    assert.ok(logs.some((m) => /static frames skipped/.test(m) && !/\(0 static frames skipped\)/.test(m)), logs.join('\n'));
    assert.ok(logs.some((m) => /^harvest: [1-9]\d+ faces from the detection pass, 0 frames decoded again$/.test(m)), logs.join('\n'));
  } finally {
    await Promise.allSettled([pack.detector.dispose(), pack.embedder.dispose()]);
    await rm(ws, { recursive: true, force: true });
  }
});
