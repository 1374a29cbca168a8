// Default pack speed on this CPU (onnxruntime-node, CPU provider, threads per providers.ts):
// UltraFace per frame at each detection size, the 68-point landmark net per face, embedder per face
// (with and without the flip test), and the whole detector on real 640×360 and 1280×720 video frames.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import * as ort from 'onnxruntime-node';
import { alignFace } from '../electron/models/align';
import { openDefaultPack } from '../electron/models/default/index';
import { EVAL_DIR, readRgb } from '../electron/models/default/eval-data';
import { createSession } from '../electron/models/providers';
import type { RgbImage } from '../electron/models/types';

const ROOT = join(import.meta.dirname, '..');

function frame(video: string, seconds: number, w: number, h: number): RgbImage {
  const data = execFileSync(ffmpeg.path, ['-v', 'error', '-ss', String(seconds), '-i', join(EVAL_DIR, 'videos', video), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 << 20 });
  return { data: new Uint8Array(data), width: w, height: h };
}

async function time(label: string, n: number, per: string, fn: () => Promise<unknown>): Promise<void> {
  await fn();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(`${label.padEnd(48)} ${((performance.now() - t0) / n).toFixed(2).padStart(8)} ms/${per}`);
}

export async function run(): Promise<void> {
  const gen = join(ROOT, 'models/generated/default');
  const ultra = (await createSession(join(gen, 'ultraface.onnx'), 'cpu')).session;
  for (const [w, h] of [[320, 192], [448, 256], [640, 384]]) {
    const x = new ort.Tensor('float32', new Float32Array(w * h * 3).fill(0.1), [1, 3, h, w]);
    await time(`UltraFace ${w}×${h}`, 20, 'frame', () => ultra.run({ input: x }));
  }
  await ultra.release();
  const lmk = (await createSession(join(gen, 'landmark68.onnx'), 'cpu')).session;
  const x = new ort.Tensor('float32', new Float32Array(64 * 64).fill(0.5), [1, 1, 64, 64]);
  await time('68-point landmarks 64×64', 20, 'face', () => lmk.run({ input: x }));
  await lmk.release();

  const pack = await openDefaultPack();
  const packNoFlip = await openDefaultPack({ embedderParams: { flip: false } });
  const sitcom = frame('sitcom_friends_group.mp4', 3, 640, 360);
  const dinner = frame('tv_dinner_scene.mp4', 2, 1280, 720);
  for (const [name, img] of [['sitcom 640×360', sitcom], ['dinner 1280×720', dinner]] as const) {
    const [dets] = await pack.detector.detect([img]);
    await time(`detector (resize + UltraFace + landmarks), ${name}, ${dets.length} faces`, 10, 'frame', () => pack.detector.detect([img]));
  }
  const photo = await readRgb(join(EVAL_DIR, 'faces/celeb-madonna/2.jpg'));
  const [[d]] = await pack.detector.detect([photo]);
  const crop = alignFace(photo, d.landmarks, 112);
  await time('5-point alignment to 112×112', 50, 'face', async () => alignFace(photo, d.landmarks, 112));
  await time('fr_feature 512-d', 20, 'face', () => packNoFlip.embedder.embed([crop]));
  await time('fr_feature 512-d + flip test', 20, 'face', () => pack.embedder.embed([crop]));
  for (const p of [pack, packNoFlip]) {
    await p.detector.dispose();
    await p.embedder.dispose();
  }
}

if (process.argv[1] === import.meta.filename) await run();
