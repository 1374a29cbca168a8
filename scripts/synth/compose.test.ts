// The composer's ground truth must describe the video it wrote: frame count from ffprobe, and the
// real detector (SCRFD, eval pack) finds each truth face where the truth says, in decoded frames.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEvalPack } from '../../electron/models/eval-pack';
import type { LoadedPack } from '../../electron/models/types';
import { locateFfmpeg } from '../../electron/pipeline/ffmpeg';
import { composeEpisode, type ComposeResult, type Truth } from './compose';
import { loadFaceLibrary, type FaceCutout } from './faces';
import { iou } from '../../shared/geometry';

const PEOPLE = ['celeb-elton-john', 'celeb-madonna', 'celeb-mindy-kaling'];
let pack: LoadedPack;
let dir: string;
let lib: Map<string, FaceCutout[]>;
let result: ComposeResult;

before(async () => {
  pack = await loadEvalPack();
  dir = mkdtempSync(join(tmpdir(), 'h5-compose-'));
  lib = await loadFaceLibrary(pack.detector, PEOPLE, 6);
  result = await composeEpisode({ outDir: dir, seed: 5, durationSec: 14, fps: 10, people: PEOPLE, library: lib, forceSwap: true });
});

after(async () => {
  await pack?.detector.dispose();
  await pack?.embedder.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function decodeFrame(video: string, n: number, w: number, h: number): Uint8Array {
  const buf = execFileSync(locateFfmpeg().ffmpeg, ['-loglevel', 'error', '-i', video, '-vf', `select=eq(n\\,${n})`, '-vsync', '0', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
  assert.equal(buf.length, w * h * 3);
  return new Uint8Array(buf);
}

test('video and truth agree: frame count, shots cover every frame, a swap without a cut', () => {
  const { truth, videoPath, truthPath } = result;
  const onDisk = JSON.parse(readFileSync(truthPath, 'utf8')) as Truth;
  assert.equal(onDisk.num_frames, 140);
  assert.equal(onDisk.frames.length, 140);
  const frames = execFileSync(locateFfmpeg().ffprobe, ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width,height', '-of', 'json', videoPath]).toString();
  const s = JSON.parse(frames).streams[0];
  assert.deepEqual([Number(s.nb_read_frames), s.width, s.height], [140, 640, 360]);
  let next = 0;
  for (const shot of truth.shots) {
    assert.equal(shot.start_frame, next);
    next = shot.end_frame + 1;
  }
  assert.equal(next, 140);
  assert.equal(truth.swaps.length, 1);
  const { frame, from, to } = truth.swaps[0];
  assert.notEqual(from, to);
  assert.ok(truth.frames[frame - 1].some((f) => f.person === from) && truth.frames[frame].some((f) => f.person === to));
  assert.ok(!truth.shots.some((sh) => sh.start_frame === frame), 'the swap is not at a cut');
});

test('the detector finds every truth face where the truth puts it', async () => {
  const { truth, videoPath } = result;
  // One frame from the middle of every shot.
  for (const shot of truth.shots) {
    const n = Math.floor((shot.start_frame + shot.end_frame) / 2);
    const data = decodeFrame(videoPath, n, truth.width, truth.height);
    const [dets] = await pack.detector.detect([{ data, width: truth.width, height: truth.height }], { minConfidence: 0.5 });
    const boxes = dets.map((d) => [d.bbox[0] / truth.width, d.bbox[1] / truth.height, d.bbox[2] / truth.width, d.bbox[3] / truth.height] as const);
    for (const face of truth.frames[n]) {
      const best = Math.max(0, ...boxes.map((b) => iou(b, face.bbox)));
      assert.ok(best >= 0.5, `frame ${n}: ${face.person} at ${face.bbox.map((v) => v.toFixed(2))} best IoU ${best.toFixed(2)}`);
    }
  }
});

test('deterministic: the same seed and library give the same truth', async () => {
  const again = await composeEpisode({ outDir: join(dir, 'again'), seed: 5, durationSec: 14, fps: 10, people: PEOPLE, library: lib, forceSwap: true });
  assert.deepEqual(again.truth, result.truth);
  const other = await composeEpisode({ outDir: join(dir, 'other'), seed: 6, durationSec: 6, fps: 10, people: PEOPLE, library: lib });
  assert.notDeepEqual(other.truth.frames.slice(0, 10), result.truth.frames.slice(0, 10));
});
