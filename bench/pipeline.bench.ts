// Pipeline throughput, measured in one run: the default pipeline (default pack, default analysis
// rate) on the 82-s 720p TV scene and the 15-s sitcom clip, each in its own process, with
// end-to-end seconds, × real time, per-stage seconds, CPU seconds (the pipeline's threads and ffmpeg:
// above ≈ 2 × the end-to-end time the run is CPU-bound on two cores), time inside the models, peak RSS, the decode
// floor (ffmpeg decoding the whole file to nothing, measured in the same run), end-to-end ÷ floor,
// the same pipeline with the SCRFD eval pack as the peer row, onnxruntime at 1 and 2 threads, and the
// projection for a 44-min 720p episode. SCREENALYTICS_BENCH_CLIPS (comma list) narrows the clips.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EVAL_DIR } from '../electron/models/eval-pack';
import { probeVideo } from '../electron/pipeline/decode';
import { locateFfmpeg } from '../electron/pipeline/ffmpeg';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const EPISODE_SEC = 44 * 60;

interface Once { identities: number; e2eSec: number; cpuSec: number; ffmpegCpuSec: number; frames: number; faces: number; detMs: number; embMs: number; stages: Record<string, number>; rssMb: number }

async function once(video: string, pack: string, threads: number): Promise<Once> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/support/pipeline-once.ts'), video, pack], {
    cwd: ROOT, env: { ...process.env, SCREENALYTICS_ORT_THREADS: String(threads) }, maxBuffer: 16 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Once;
}

async function decodeFloor(video: string): Promise<number> {
  const t = performance.now();
  await run(locateFfmpeg().ffmpeg, ['-v', 'error', '-nostdin', '-i', video, '-map', '0:v:0', '-f', 'null', '-']);
  return (performance.now() - t) / 1000;
}


export async function runBench(): Promise<void> {
  const clips = (process.env.SCREENALYTICS_BENCH_CLIPS ?? 'tv_dinner_scene,sitcom_friends_group').split(',');
  const rows: string[] = [];
  for (const clip of clips) {
    const video = join(EVAL_DIR, 'videos', `${clip}.mp4`);
    const info = await probeVideo(video);
    const floor = await decodeFloor(video);
    for (const [pack, threads] of [['default', 1], ['default', 2], ['eval', 1]] as const) {
      const r = await once(video, pack, threads);
      const stages = Object.entries(r.stages).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
      rows.push(
        `| ${clip} (${info.durationSec.toFixed(1)} s, ${info.width}×${info.height}) | ${pack}${pack === 'eval' ? ' (SCRFD peer)' : ''} | ${threads} ` +
          `| ${r.e2eSec.toFixed(2)} | ${(info.durationSec / r.e2eSec).toFixed(2)}× | ${stages} | ${r.cpuSec.toFixed(1)} / ${r.ffmpegCpuSec.toFixed(1)} | ${(r.detMs / 1000).toFixed(1)} / ${(r.embMs / 1000).toFixed(1)} ` +
          `| ${floor.toFixed(2)} | ${(r.e2eSec / floor).toFixed(2)} | ${r.rssMb.toFixed(0)} | ${r.identities} | ${((r.e2eSec / info.durationSec) * EPISODE_SEC / 60).toFixed(1)} min |`,
      );
      console.error(rows[rows.length - 1]);
    }
  }
  console.log('| clip | pack | ort threads | end to end (s) | × real time | stages (s) | CPU s: pipeline / ffmpeg | in detector / embedder (s) | decode floor (s) | e2e ÷ floor | peak RSS (MB) | identities | 44-min episode |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
}

export { runBench as run };
