// One pipeline run in its own process (so peak RSS is this run's): `node --import tsx
// bench/support/pipeline-once.ts <video> <packId>` prints one JSON line {e2eSec, cpuSec (this
// process, all threads), ffmpegCpuSec, stages, frames, rssMb, detMs, embMs, faces}. Used by bench/pipeline.bench.ts.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEvalPack } from '../../electron/models/eval-pack';
import { loadPack } from '../../electron/models/pack';
import { pipelineSettingsSchema } from '../../shared/schema/settings';
import type { LoadedPack } from '../../electron/models/types';
import { runPipeline } from '../../electron/pipeline/orchestrator';
import { sidePaths } from '../../electron/pipeline/sidefiles';
import { episodeArtifacts } from '../../electron/store/artifacts';
import { Workspace } from '../../electron/store/workspace';

/** Wraps the pack's models to add up the time spent inside them (everything else passes through). */
function timed(pack: LoadedPack, clock: { det: number; emb: number }): LoadedPack {
  const d = pack.detector, e = pack.embedder;
  const time = async <T>(key: 'det' | 'emb', f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await f();
    } finally {
      clock[key] += performance.now() - t;
    }
  };
  return {
    ...pack,
    detector: {
      modelId: d.modelId, family: d.family, inputSize: d.inputSize,
      detect: (images, opts) => time('det', () => d.detect(images, opts)),
      ...(d.refineLandmarks ? { refineLandmarks: (img, boxes) => time('det', () => d.refineLandmarks!(img, boxes)) } : {}),
      dispose: () => d.dispose(),
    },
    embedder: { modelId: e.modelId, dim: e.dim, inputSize: e.inputSize, alignTemplate: e.alignTemplate, embed: (imgs) => time('emb', () => e.embed(imgs)), dispose: () => e.dispose() },
  };
}

/** CPU seconds of the finished child processes (ffmpeg), from /proc/self/stat (Linux; 0 elsewhere). */
function childCpuSec(): number {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return 0;
  }
}

const [video, packId = 'default'] = process.argv.slice(2);
// SCREENALYTICS_BENCH_SETTINGS: a JSON object of settings over the defaults (e.g. {"staticShotMotion":0}).
const settings = pipelineSettingsSchema.parse({ ...JSON.parse(process.env.SCREENALYTICS_BENCH_SETTINGS || '{}'), packId });
const root = await mkdtemp(join(tmpdir(), 'sa-bench-'));
const pack = packId === 'eval' ? await loadEvalPack() : await loadPack({ packId, device: settings.device });
const clock = { det: 0, emb: 0 };
try {
  const t = performance.now();
  const cpu0 = process.cpuUsage(), kids0 = childCpuSec();
  const result = await runPipeline({ videoPath: video, workspace: root, epId: 'bench-s01e01', settings, loadPack: async () => timed(pack, clock) });
  const e2eSec = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6, ffmpegCpuSec = childCpuSec() - kids0;
  if (!result.report.ok) throw new Error('bench run produced invalid artifacts');
  const meta = JSON.parse(await readFile(join(root, sidePaths('bench-s01e01').detectMeta), 'utf8')) as { frames: unknown[] };
  const identities = (await episodeArtifacts(new Workspace(root), 'bench-s01e01').readIdentities()).identities.length;
  const samples = JSON.parse(await readFile(join(root, sidePaths('bench-s01e01').trackSamples), 'utf8')) as { samples: unknown[] };
  console.log(JSON.stringify({
    e2eSec, cpuSec, ffmpegCpuSec, frames: meta.frames.length, faces: samples.samples.length, identities, detMs: clock.det, embMs: clock.emb,
    stages: Object.fromEntries(result.stages.map((s) => [s.stage, s.elapsedSec])),
    rssMb: process.resourceUsage().maxRSS / 1024,
  }));
} finally {
  await Promise.allSettled([pack.detector.dispose(), pack.embedder.dispose()]);
  await rm(root, { recursive: true, force: true });
}
