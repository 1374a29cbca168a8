// End to end on a real clip with the real eval models: artifacts, numpy as the .npy client, resume
// (unchanged stages skipped), cancel through the worker (no torn files) and a resuming re-run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { EVAL_DIR, loadEvalPack } from '../models/eval-pack';
import type { LoadedPack } from '../models/types';
import { isTempFile } from '../store/atomic';
import { validateEpisode } from '../store/validate';
import { Workspace } from '../store/workspace';
import { EARLY_CROPS } from './early-harvest';
import { runPipeline, type RunOptions } from './orchestrator';
import { sidePaths } from './sidefiles';
import { reads as detectReads } from './detect';
import { reads as trackReads } from './track';
import { reads as harvestReads } from './harvest';
import { reads as poolReads } from './pool';
import { reads as clusterReads } from './cluster';
import { startJob } from '../jobs/host';
import { isJobError } from '../jobs/protocol';
import { pipelineSettingsSchema } from '../../shared/schema/settings';

const VIDEO = join(EVAL_DIR, 'videos', 'interview_two_people.mp4');
const EP = 'interview-s01e01';
const SETTINGS = { stride: 4, packId: 'eval' } as const;
let root = '';
let pack: LoadedPack;
const ws = () => new Workspace(root);
const abs = (rel: string) => join(root, rel);
const P = {
  detections: `data/manifests/${EP}/detections.jsonl`,
  tracks: `data/manifests/${EP}/tracks.jsonl`,
  metrics: `data/manifests/${EP}/track_metrics.json`,
  faces: `data/manifests/${EP}/faces.jsonl`,
  identities: `data/manifests/${EP}/identities.json`,
  facesNpy: `data/embeds/${EP}/faces.npy`,
};
const lines = (rel: string) => readFileSync(abs(rel), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const sha = (rel: string) => createHash('sha256').update(readFileSync(abs(rel))).digest('hex');
const run = (extra: Partial<RunOptions> = {}) =>
  runPipeline({ videoPath: VIDEO, workspace: root, epId: EP, settings: SETTINGS, loadPack: async () => pack, ...extra });

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-pipeline-'));
  pack = await loadEvalPack();
});
after(async () => {
  await Promise.allSettled([pack?.detector.dispose(), pack?.embedder.dispose()]);
  await rm(root, { recursive: true, force: true });
});

test('end to end on interview_two_people (stride 4): faces, tracks, identities, numpy-readable faces.npy', async () => {
  const logs: string[] = [];
  const progress: string[] = [];
  const result = await run({ onLog: (_l, m) => logs.push(m), onProgress: (p) => progress.push(p.stage) });
  assert.ok(result.report.ok, JSON.stringify(result.report.artifacts.filter((a) => a.status !== 'ok' && a.status !== 'not present')));
  assert.deepEqual(result.stages.map((s) => `${s.stage}:${s.status}`), ['detect:ran', 'track:ran', 'harvest:ran', 'pool:ran', 'cluster:ran']);
  assert.ok(logs.some((l) => /^ffmpeg: /.test(l)), 'which ffmpeg ran is logged');
  assert.ok(logs.some((l) => /^device: cpu/.test(l)), 'which device ran is logged');
  assert.deepEqual([...new Set(progress)], ['detect', 'track', 'harvest', 'pool', 'cluster']);
  // Each stage's fingerprint holds exactly the settings its file declares it reads.
  const state = JSON.parse(readFileSync(abs(sidePaths(EP).runState), 'utf8'));
  const declared = { detect: detectReads, track: trackReads, harvest: harvestReads, pool: poolReads, cluster: clusterReads };
  for (const [stage, reads] of Object.entries(declared)) assert.deepEqual(Object.keys(state.stages[stage].settings), [...reads], stage);

  // By default the detector runs on every analysed frame (static-shot thinning is opt-in).
  const meta = JSON.parse(readFileSync(abs(sidePaths(EP).detectMeta), 'utf8'));
  assert.deepEqual([meta.frames.length, meta.static_skipped], [75, 0]);
  const dets = lines(P.detections);
  assert.ok(dets.length >= 120, `${dets.length} detections`);
  assert.ok(dets.every((d) => d.frame_idx % 4 === 0 && d.model_id.length > 0));
  // Two men side by side for the whole clip: two long tracks spanning most of its 300 frames.
  const tracks = lines(P.tracks);
  const long = tracks.filter((t) => t.frame_span[1] - t.frame_span[0] >= 200);
  assert.ok(long.length >= 2, `long tracks: ${tracks.map((t) => t.frame_span.join('-')).join(', ')}`);
  const [a, b] = long;
  assert.ok(a.start_s < 1 && a.end_s > 9, `track spans ${a.start_s}–${a.end_s} s`);
  assert.ok(Math.abs((a.frame_span[0] + a.frame_span[1]) - (b.frame_span[0] + b.frame_span[1])) < 100);

  const faces = lines(P.faces);
  assert.ok(faces.length >= 20);
  const thumbs = tracks.flatMap((t) => t.sample_thumbs as string[]);
  assert.ok(thumbs.length === faces.length, 'one sample thumb per harvested face');
  for (const f of faces.slice(0, 10)) {
    const jpg = readFileSync(ws().resolveManifestRef(EP, f.crop_path));
    assert.deepEqual([...jpg.subarray(0, 3)], [0xff, 0xd8, 0xff], `${f.crop_path} is a JPEG`);
  }
  assert.ok(faces.some((f) => !f.rejection_reason), 'some faces pass the quality gate');
  assert.ok(!existsSync(abs(`artifacts/frames`)), 'full frames are off by default');

  const py = execFileSync('python3', ['-c', `
import json, numpy as np
a = np.load(${JSON.stringify(abs(P.facesNpy))})
rows = [json.loads(l) for l in open(${JSON.stringify(abs(P.faces))})]
e = np.array([r["embedding"] for r in rows], dtype=np.float32)
print(json.dumps({"shape": list(a.shape), "dtype": str(a.dtype), "min_norm": float(np.linalg.norm(a, axis=1).min()),
  "max_norm": float(np.linalg.norm(a, axis=1).max()), "max_diff": float(np.abs(a - e).max())}))
`]).toString();
  const npy = JSON.parse(py);
  assert.deepEqual(npy.shape, [faces.length, pack.embedder.dim]);
  assert.equal(npy.dtype, 'float32');
  assert.ok(npy.min_norm > 0.99 && npy.max_norm < 1.01);
  assert.ok(npy.max_diff < 1e-5, 'faces.npy rows equal faces.jsonl embeddings');

  const metrics = JSON.parse(readFileSync(abs(P.metrics), 'utf8'));
  assert.equal(metrics.total_frames, 75);
  assert.equal(metrics.scene_cuts, 0);
  assert.equal(metrics.tracker, 'bytetrack');
  assert.equal(metrics.device, 'cpu');
  assert.equal(metrics.tracks_born, tracks.length);
  assert.ok(metrics.analyzed_fps > 0 && metrics.elapsed_sec > 0);

  const embMeta = JSON.parse(readFileSync(abs(`data/embeds/${EP}/embeddings_meta.json`), 'utf8'));
  assert.equal(embMeta.model_id, pack.embedder.modelId, 'the embedder model id is recorded');

  const ids = JSON.parse(readFileSync(abs(P.identities), 'utf8'));
  assert.ok(ids.identities.length >= 2, 'the two men are (at least) two identities');
  const covered = new Set(ids.identities.flatMap((i: { track_ids: string[] }) => i.track_ids));
  for (const t of long) assert.ok(covered.has(t.track_id));
  const owner = (id: string) => ids.identities.find((i: { track_ids: string[] }) => i.track_ids.includes(id)).identity_id;
  assert.notEqual(owner(a.track_id), owner(b.track_id), 'two different people, two identities');
});

test('resume: a second run skips every unchanged stage; a cluster-only change re-runs only cluster', async () => {
  const before = Object.fromEntries(Object.values(P).map((p) => [p, statSync(abs(p)).mtimeMs]));
  const again = await run();
  assert.deepEqual(again.stages.map((s) => s.status), ['skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
  assert.equal(again.device, null, 'no model was even loaded');
  for (const [p, m] of Object.entries(before)) assert.equal(statSync(abs(p)).mtimeMs, m, `${p} untouched`);
  const recluster = await run({ settings: { ...SETTINGS, clusterThresh: 0.95 } });
  assert.deepEqual(recluster.stages.map((s) => s.status), ['skipped', 'skipped', 'skipped', 'skipped', 'ran']);
  assert.ok(recluster.report.ok);
});

test('cancel mid-harvest, then a re-run resumes from harvest', async () => {
  const controller = new AbortController();
  const settings = { ...SETTINGS, qualityGate: 0.6 };
  await assert.rejects(
    run({
      settings,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.stage === 'harvest' && p.done > 0) controller.abort();
      },
    }),
    (e: Error) => e.name === 'AbortError',
  );
  assert.deepEqual(walk(root).filter((f) => isTempFile(f.split('/').pop()!)), []);
  assert.ok((await validateEpisode(ws(), EP)).ok, 'previous artifacts still valid');
  const resumed = await run({ settings });
  assert.deepEqual(resumed.stages.map((s) => `${s.stage}:${s.status}`), ['detect:skipped', 'track:skipped', 'harvest:ran', 'pool:ran', 'cluster:ran']);
  assert.ok(resumed.report.ok);
  const faces = lines(P.faces);
  assert.ok(faces.every((f) => f.rejection_reason || f.quality_score >= 0.6), 'the new quality gate applied');
});

test('the low-disk toggle: saveFrames exports the sampled frames, switching it off removes them', async () => {
  const framesDir = abs('artifacts/frames/interview/s01/e01/frames');
  const settings = { ...SETTINGS, qualityGate: 0.6 };
  const on = await run({ settings: { ...settings, saveFrames: true } });
  assert.deepEqual(on.stages.slice(0, 3).map((s) => s.status), ['skipped', 'skipped', 'ran']);
  assert.ok(on.report.ok);
  const wanted = new Set(lines(P.faces).map((f) => `frame_${String(f.frame_idx).padStart(6, '0')}.jpg`));
  const files = readdirSync(framesDir).filter((f) => f.endsWith('.jpg'));
  assert.deepEqual(files.sort(), [...wanted].sort());
  const jpg = readFileSync(join(framesDir, files[0]));
  assert.deepEqual([...jpg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  const off = await run({ settings });
  assert.equal(off.stages[2].status, 'ran');
  assert.deepEqual(existsSync(framesDir) ? readdirSync(framesDir) : [], []);
});

test('cancel mid-detect (in the worker): the old artifacts stay whole, no temp files, no stale claim', async () => {
  const detBefore = sha(P.detections);
  const job = startJob('pipeline', { videoPath: VIDEO, workspace: root, epId: EP, settings: pipelineSettingsSchema.parse({ ...SETTINGS, minConfidence: 0.6 }) });
  for await (const e of job.events) {
    if (e.type === 'progress' && e.progress.stage === 'detect' && e.progress.done > 0) {
      job.cancel();
      break;
    }
  }
  await assert.rejects(job.done, (e: Error) => isJobError(e, 'cancelled') && e.name === 'AbortError');
  assert.equal(sha(P.detections), detBefore, 'detections.jsonl is the previous complete file');
  assert.deepEqual(walk(root).filter((f) => isTempFile(f.split('/').pop()!)), []);
  assert.deepEqual(walk(root).filter((f) => f.includes(`/${EARLY_CROPS}/`)), [], 'no crop the detection pass staged is left');
  const state = JSON.parse(readFileSync(abs(sidePaths(EP).runState), 'utf8'));
  assert.equal(state.stages.detect, undefined, 'the cancelled stage is no longer marked done');
  assert.ok((await validateEpisode(ws(), EP)).ok);
});

test('audio-only input fails fast with a clear error and writes nothing', async () => {
  const { locateFfmpeg } = await import('./ffmpeg');
  const dir = await mkdtemp(join(tmpdir(), 'sa-audio-'));
  try {
    const audio = join(dir, 'talk.m4a');
    execFileSync(locateFfmpeg().ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=300:d=1', '-c:a', 'aac', audio]);
    let loaded = false;
    await assert.rejects(
      runPipeline({ videoPath: audio, workspace: join(dir, 'ws'), epId: EP, settings: SETTINGS, loadPack: async () => ((loaded = true), pack) }),
      (e: Error) => e.message.includes(audio) && /no video stream/.test(e.message),
    );
    assert.equal(loaded, false, 'no model loaded');
    assert.equal(existsSync(join(dir, 'ws')), false, 'no workspace files');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
