// Frames on demand, on the real Friends clip run through the pipeline with frame exports off: the
// frame extracted for a detection's timestamp is that very frame (pixels equal the pipeline decoder's,
// the detector finds the recorded face in it), the cache stays within its byte budget evicting the
// least recently used frames, and concurrent requests for one frame run ffmpeg once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { frameCacheRef, frameRef } from '../../shared/layout';
import type { Detection } from '../../shared/schema';
import { EVAL_DIR, loadEvalPack, readRgb } from '../models/eval-pack';
import type { LoadedPack, RgbImage } from '../models/types';
import { decodeFrames } from '../pipeline/decode';
import { runPipeline } from '../pipeline/orchestrator';
import { episodeArtifacts } from '../store/artifacts';
import { Workspace } from '../store/workspace';
import { FrameCache } from './frames';

const EP = 'friends-s01e01';
const VIDEO = join(EVAL_DIR, 'videos', 'sitcom_friends_group.mp4');
let root: string;
let ws: Workspace;
let pack: LoadedPack;
let dets: Detection[];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-frames-'));
  pack = await loadEvalPack();
  await runPipeline({ videoPath: VIDEO, workspace: root, epId: EP, settings: { stride: 3, saveFrames: false }, loadPack: async () => pack });
  ws = new Workspace(root);
  dets = await episodeArtifacts(ws, EP).readDetections();
});
after(async () => {
  await Promise.allSettled([pack?.detector.dispose(), pack?.embedder.dispose()]);
  await rm(root, { recursive: true, force: true });
});

const iou = (a: readonly number[], b: readonly number[]) => {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const i = w * h;
  return i / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - i);
};
const meanAbsDiff = (a: RgbImage, b: RgbImage) => {
  assert.deepEqual([a.width, a.height], [b.width, b.height]);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i] - b.data[i]);
  return s / a.data.length;
};

test('the frame at a detection’s timestamp is that frame: decoder pixels match and the detector finds the recorded face', async () => {
  const cache = new FrameCache(ws);
  // Large, confident faces spread over the clip, and their frame's neighbour three frames on.
  const picks = [...dets].filter((d) => d.conf > 0.7 && d.bbox[2] - d.bbox[0] > 0.07).sort((a, b) => a.frame_idx - b.frame_idx);
  const chosen = [picks[0], picks[Math.floor(picks.length / 2)], picks.at(-1)!];
  const want = new Set(chosen.flatMap((d) => [d.frame_idx, d.frame_idx + 3]));
  const decoded = new Map<number, RgbImage>();
  for await (const f of decodeFrames(VIDEO, { onlyFrames: want })) decoded.set(f.frameIdx, f.image);
  for (const d of chosen) {
    const got = await cache.frameAt(EP, d.ts_s);
    assert.equal(got.frame_idx, d.frame_idx, `ts ${d.ts_s}`);
    assert.equal(got.source, 'extracted');
    assert.equal(got.ref, frameCacheRef(d.frame_idx));
    const img = await readRgb(ws.resolveManifestRef(EP, got.ref));
    const same = meanAbsDiff(img, decoded.get(d.frame_idx)!);
    const next = meanAbsDiff(img, decoded.get(d.frame_idx + 3)!);
    assert.ok(same < 2.5 && same < next / 2, `frame ${d.frame_idx}: differs by ${same.toFixed(2)} from the decoder's frame, ${next.toFixed(2)} from 3 frames on`);
    const [found] = await pack.detector.detect([img], { minConfidence: 0.5 });
    const best = Math.max(...found.map((f) => iou([f.bbox[0] / img.width, f.bbox[1] / img.height, f.bbox[2] / img.width, f.bbox[3] / img.height], d.bbox)));
    assert.ok(best > 0.8, `frame ${d.frame_idx}: best IoU with the recorded box ${best.toFixed(2)}`);
  }
  // Served as a manifest reference of the episode, confined like every crop.
  assert.equal((await cache.frameAt(EP, chosen[0].ts_s)).source, 'cache');
});

test('the cache stays within its byte budget, evicting the least recently used frame', async () => {
  const probe = new FrameCache(ws, { budgetBytes: 1 });
  const one = (await stat(ws.resolveManifestRef(EP, (await probe.frameAt(EP, 1)).ref))).size;
  await rm(dirname(ws.resolveManifestRef(EP, frameCacheRef(0))), { recursive: true, force: true });
  const budget = Math.round(one * 3.5);
  const cache = new FrameCache(ws, { budgetBytes: budget });
  const dir = dirname(ws.resolveManifestRef(EP, frameCacheRef(0)));
  const onDisk = async () => {
    const names = await readdir(dir);
    const sizes = await Promise.all(names.map(async (n) => (await stat(join(dir, n))).size));
    return { names: names.sort(), bytes: sizes.reduce((a, b) => a + b, 0) };
  };
  const times = [1, 3, 5, 7, 9, 11];
  for (const [i, t] of times.entries()) {
    await cache.frameAt(EP, t);
    if (i === 2) assert.equal((await cache.frameAt(EP, 1)).source, 'cache', 'a hit makes frame 1 the most recently used');
    const d = await onDisk();
    assert.ok(d.bytes <= budget, `${d.bytes} bytes on disk after ${t} s, budget ${budget}`);
    assert.equal(await cache.cachedBytes(EP), d.bytes);
  }
  const { names } = await onDisk();
  assert.ok(names.length >= 2 && names.length <= 3, names.join(' '));
  assert.ok(names.includes('frame_000330.jpg'), 'the newest frame is kept');
  assert.ok(!names.includes('frame_000090.jpg'), 'the least recently used frame went first');
  assert.equal((await cache.frameAt(EP, 3)).source, 'extracted', 'an evicted frame is extracted again');
  // A new cache (a restarted host) picks up the folder and keeps counting within the budget.
  const again = new FrameCache(ws, { budgetBytes: budget });
  assert.equal(await again.cachedBytes(EP), (await onDisk()).bytes);
});

test('concurrent requests for the same frame extract it once; exports are used when present; bad times are refused', async () => {
  const cache = new FrameCache(ws);
  const all = await Promise.all(Array.from({ length: 5 }, () => cache.frameAt(EP, 13.4)));
  assert.equal(cache.extractions, 1);
  assert.deepEqual(new Set(all.map((r) => r.ref)).size, 1);
  // With frame exports on, the exported frame is the answer (no extraction).
  const exported = ws.resolveManifestRef(EP, frameRef(60));
  await mkdir(dirname(exported), { recursive: true });
  await writeFile(exported, 'jpeg');
  const ex = await cache.frameAt(EP, 2);
  assert.deepEqual([ex.source, ex.ref, cache.extractions], ['export', frameRef(60), 1]);
  await assert.rejects(cache.frameAt(EP, -1), RangeError);
  await assert.rejects(cache.frameAt(EP, 3600), /past the end/);
  await assert.rejects(cache.frameAt(EP, Number.NaN), RangeError);
});
