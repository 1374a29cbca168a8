// Pipeline figures, in one run on one video: decode-only time, model inference time (detector +
// embedder calls inside the end-to-end run), end-to-end time, analysed fps, the ratio
// end-to-end ÷ (decode + inference), per-stage times, the harvest's selective re-decode, peak RSS.
// Runs what a user runs: the default pack at the default analysis rate. SCREENALYTICS_BENCH_VIDEO,
// SCREENALYTICS_BENCH_STRIDE and SCREENALYTICS_BENCH_PACK override the clip (default: the sitcom clip),
// the stride (default 1) and the pack (default "default"; "eval" = SCRFD-500M + MobileFaceNet).
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVAL_DIR, loadEvalPack } from '../electron/models/testing';
import { loadPack } from '../electron/models/pack';
import { pipelineSettingsSchema } from '../shared/schema/settings';
import type { FaceDetector, FaceEmbedder, LoadedPack } from '../electron/models/types';
import { decodeFrames } from '../electron/pipeline/decode';
import { runPipeline } from '../electron/pipeline/orchestrator';
import { sidePaths } from '../electron/pipeline/sidefiles';

function timed(pack: LoadedPack, clock: { det: number; emb: number; detCalls: number; embCalls: number }): LoadedPack {
  const d = pack.detector;
  const e = pack.embedder;
  const detector: FaceDetector = {
    modelId: d.modelId,
    family: d.family,
    async detect(images, opts) {
      const t = performance.now();
      try {
        return await d.detect(images, opts);
      } finally {
        clock.det += performance.now() - t;
        clock.detCalls += images.length;
      }
    },
    dispose: () => d.dispose(),
  };
  const embedder: FaceEmbedder = {
    modelId: e.modelId,
    dim: e.dim,
    inputSize: e.inputSize,
    async embed(imgs) {
      const t = performance.now();
      try {
        return await e.embed(imgs);
      } finally {
        clock.emb += performance.now() - t;
        clock.embCalls += imgs.length;
      }
    },
    dispose: () => e.dispose(),
  };
  return { ...pack, detector, embedder };
}

export async function run(): Promise<void> {
  const video = process.env.SCREENALYTICS_BENCH_VIDEO ?? join(EVAL_DIR, 'videos', 'sitcom_friends_group.mp4');
  const packId = process.env.SCREENALYTICS_BENCH_PACK ?? 'default';
  const settings = pipelineSettingsSchema.parse({ stride: Number(process.env.SCREENALYTICS_BENCH_STRIDE ?? 1), packId });
  const { stride, analyzeFps } = settings;
  const root = await mkdtemp(join(tmpdir(), 'sa-bench-'));
  const epId = 'bench-s01e01';
  const pack = packId === 'eval' ? await loadEvalPack() : await loadPack({ packId, device: settings.device });
  try {
    let t = performance.now();
    let frames = 0;
    // The same frames the detect stage analyses (stride, then the analysis-rate cap).
    for await (const _f of decodeFrames(video, { stride, analyzeFps })) frames++;
    const decodeSec = (performance.now() - t) / 1000;

    const clock = { det: 0, emb: 0, detCalls: 0, embCalls: 0 };
    t = performance.now();
    const result = await runPipeline({
      videoPath: video,
      workspace: root,
      epId,
      settings,
      loadPack: async () => timed(pack, clock),
    });
    const e2eSec = (performance.now() - t) / 1000;
    if (!result.report.ok) throw new Error('bench run produced invalid artifacts');

    // The harvest's second pass on its own: decode only the frames it samples.
    const samples = JSON.parse(await readFile(join(root, sidePaths(epId).trackSamples), 'utf8')) as { samples: Array<{ frame_idx: number }> };
    const wanted = new Set(samples.samples.map((s) => s.frame_idx));
    t = performance.now();
    for await (const _f of decodeFrames(video, { stride, onlyFrames: wanted }));
    const redecodeSec = (performance.now() - t) / 1000;

    const inferSec = (clock.det + clock.emb) / 1000;
    const rssMb = process.resourceUsage().maxRSS / 1024;
    const rows: Array<[string, string]> = [
      ['video', `${video} (pack ${pack.id}, device ${pack.device}, stride ${stride}, analyzeFps ${analyzeFps || 'all'}: ${frames} frames analysed)`],
      ['decode only', `${decodeSec.toFixed(2)} s (${(frames / decodeSec).toFixed(1)} frames/s)`],
      ['inference: detector', `${(clock.det / 1000).toFixed(2)} s for ${clock.detCalls} frames (${(clock.det / clock.detCalls).toFixed(1)} ms/frame)`],
      ['inference: embedder', `${(clock.emb / 1000).toFixed(2)} s for ${clock.embCalls} faces`],
      ['inference total', `${inferSec.toFixed(2)} s`],
      ['end to end', `${e2eSec.toFixed(2)} s`],
      ['analysed fps', `${(frames / e2eSec).toFixed(2)}`],
      ['end-to-end ÷ (decode + inference)', `${(e2eSec / (decodeSec + inferSec)).toFixed(2)}`],
      ...result.stages.map((s): [string, string] => [`stage ${s.stage}`, `${s.elapsedSec.toFixed(2)} s`]),
      ['harvest re-decode (sampled frames only)', `${redecodeSec.toFixed(2)} s for ${wanted.size} frames`],
      ['peak RSS', `${rssMb.toFixed(0)} MB`],
    ];
    const w = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  } finally {
    await Promise.allSettled([pack.detector.dispose(), pack.embedder.dispose()]);
    await rm(root, { recursive: true, force: true });
  }
}
