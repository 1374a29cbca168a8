// Detection recall of the default pack on TV/film frames and the multi-face scenes, measured against
// SCRFD-500M (the test-only eval pack, ../shared/eval/models) as the reference: a reference face
// (score ≥ 0.5, ≥ 24 px wide) counts as found when one of ours overlaps it (IoU ≥ 0.3; the two
// detectors draw boxes differently). Part of `npm run eval:models`.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import ffmpeg from '@ffmpeg-installer/ffmpeg';
import ffprobe from '@ffprobe-installer/ffprobe';
import { openDefaultPack } from '../electron/models/default/index';
import { EVAL_DIR, readRgb } from '../electron/models/default/eval-data';
import { iou } from '../shared/geometry';
import { loadEvalPack } from '../electron/models/eval-pack';
import type { RawDetection, RgbImage } from '../electron/models/types';

const EVERY_S = 4;

function frames(video: string): RgbImage[] {
  const file = join(EVAL_DIR, 'videos', video);
  const [width, height] = execFileSync(ffprobe.path, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', file], { encoding: 'utf8' })
    .trim().split(',').map(Number);
  const raw = execFileSync(ffmpeg.path, ['-v', 'error', '-i', file, '-vf', `fps=1/${EVERY_S}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 30 });
  const size = width * height * 3;
  return Array.from({ length: Math.floor(raw.length / size) }, (_, i) => ({ data: new Uint8Array(raw.subarray(i * size, (i + 1) * size)), width, height }));
}

function matched(ref: RawDetection[], ours: RawDetection[]): number {
  return ref.filter((r) => ours.some((o) => iou(r.bbox, o.bbox) >= 0.3)).length;
}

export async function evalDetection(): Promise<void> {
  const sets: [string, RgbImage[]][] = readdirSync(join(EVAL_DIR, 'videos')).sort().map((v) => [v, frames(v)]);
  sets.push(['scenes/*.jpg', await Promise.all(readdirSync(join(EVAL_DIR, 'scenes')).sort().map((f) => readRgb(join(EVAL_DIR, 'scenes', f))))]);
  const ref = await loadEvalPack('cpu');
  const refDets = new Map<string, RawDetection[][]>();
  for (const [name, imgs] of sets) {
    const all: RawDetection[][] = [];
    for (const img of imgs) all.push((await ref.detector.detect([img]))[0].filter((d) => d.conf >= 0.5 && d.bbox[2] - d.bbox[0] >= 24));
    refDets.set(name, all);
  }
  await ref.detector.dispose();
  await ref.embedder.dispose();
  const configs: [string, [number, number][]][] = [
    ['256×256 only', [[256, 256]]],
    ['640×384 + 256×256 (default)', [[640, 384], [256, 256]]],
    ['960×544 + 256×256', [[960, 544], [256, 256]]],
  ];
  console.log(`\n## Detection recall vs SCRFD-500M (frames every ${EVERY_S} s; reference faces ≥ 24 px, score ≥ 0.5)\n`);
  console.log(`| set | frames | reference faces | ${configs.map((c) => `${c[0]}: found / extra / ms per frame`).join(' | ')} |`);
  console.log(`|---|---|---|${configs.map(() => '---').join('|')}|`);
  const rows = new Map<string, string[]>();
  for (const [, scales] of configs) {
    const pack = await openDefaultPack({ detectorParams: { scales } });
    for (const [name, imgs] of sets) {
      const refs = refDets.get(name)!;
      let found = 0, extra = 0;
      const t0 = performance.now();
      for (const [i, img] of imgs.entries()) {
        const [ours] = await pack.detector.detect([img]);
        found += matched(refs[i], ours);
        extra += ours.filter((o) => !refs[i].some((r) => iou(r.bbox, o.bbox) >= 0.3)).length;
      }
      const ms = (performance.now() - t0) / imgs.length;
      const total = refs.reduce((a, r) => a + r.length, 0);
      rows.set(name, [...(rows.get(name) ?? [String(imgs.length), String(total)]), `${found} (${((100 * found) / Math.max(1, total)).toFixed(0)} %) / ${extra} / ${ms.toFixed(0)}`]);
    }
    await pack.detector.dispose();
    await pack.embedder.dispose();
  }
  for (const [name, cells] of rows) console.log(`| ${name} | ${cells.join(' | ')} |`);
  console.log('\n"extra" = our detections with no reference face: missed faces of the reference, profiles, or false positives.');
}

if (process.argv[1] === import.meta.filename) await evalDetection();
