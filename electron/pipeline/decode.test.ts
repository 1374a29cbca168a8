// Decoding real files: stride, variable-frame-rate timestamps (checked against ffprobe's packet
// timestamps), and clear errors for audio-only, truncated and non-video input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVAL_DIR } from '../models/eval-pack';
import { decodeAll, decodeFrames, decodeYuvFrames, DecodeError, probeVideo } from './decode';
import { yuvToRgb, type YuvImage } from './yuv';
import { describeFfmpeg, locateFfmpeg } from './ffmpeg';

const run = promisify(execFile);
const VIDEOS = join(EVAL_DIR, 'videos');
let dir = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sa-decode-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('ffmpeg is located and named', () => {
  const loc = locateFfmpeg();
  assert.match(describeFfmpeg(loc), /^ffmpeg: (ffmpeg-static|@ffmpeg-installer|PATH) \(/);
});

test('stride keeps every Nth frame with its original index and timestamp', async () => {
  const file = join(VIDEOS, 'sitcom_friends_group.mp4');
  const info = await probeVideo(file);
  assert.deepEqual([info.width, info.height, info.nbFrames], [640, 360, 448]);
  const all = await decodeAll(file, { stride: 1 });
  const every4 = await decodeAll(file, { stride: 4 });
  assert.equal(all.length, 448);
  assert.equal(every4.length, Math.ceil(448 / 4));
  for (const f of every4) {
    assert.equal(f.frameIdx % 4, 0);
    const same = all[f.frameIdx];
    assert.equal(f.tsS, same.tsS);
    assert.deepEqual(f.image.data.subarray(0, 3000), same.image.data.subarray(0, 3000), `pixels of frame ${f.frameIdx}`);
  }
  assert.ok(Math.abs(all[447].tsS - 447 / 30) < 1e-3);
  assert.equal(all[0].image.data.length, 640 * 360 * 3);
});

test('analyzeFps keeps about that many frames per second', async () => {
  const frames = await decodeAll(join(VIDEOS, 'interview_two_people.mp4'), { analyzeFps: 2 });
  assert.ok(frames.length >= 19 && frames.length <= 21, `${frames.length} frames for 10 s at 2 fps`);
  for (let i = 1; i < frames.length; i++) assert.ok(frames[i].tsS - frames[i - 1].tsS > 0.4);
});

test('variable frame rate: timestamps are the real presentation times', async () => {
  const { ffmpeg, ffprobe } = locateFfmpeg();
  const file = join(dir, 'vfr.mp4');
  // 10 frames at 25 fps, then the rest 10 fps apart: non-uniform pts in one file.
  await run(ffmpeg, [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25', '-t', '2',
    '-vf', "setpts='if(lt(N,10),N*0.04,0.4+(N-10)*0.1)/TB'", '-vsync', '0',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file,
  ]);
  const { stdout } = await run(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file]);
  // Packets flagged D (discard: outside the edit list) are never presented.
  const expected = stdout
    .trim()
    .split('\n')
    .map((l) => l.split(','))
    .filter(([, flags]) => !flags.includes('D'))
    .map(([pts]) => Number(pts))
    .sort((a, b) => a - b);
  assert.ok(expected.length >= 20);
  const frames = await decodeAll(file);
  assert.equal(frames.length, expected.length);
  frames.forEach((f, i) => assert.ok(Math.abs(f.tsS - expected[i]) < 1e-3, `frame ${i}: ${f.tsS} vs ffprobe ${expected[i]}`));
  const gaps = frames.slice(1).map((f, i) => f.tsS - frames[i].tsS);
  assert.ok(Math.min(...gaps) < 0.05 && Math.max(...gaps) > 0.07, `gaps should differ: ${gaps.map((g) => g.toFixed(2)).join(' ')}`);
  // A constant-rate assumption (index / avg fps) would be off by more than a frame somewhere.
  const info = await probeVideo(file);
  assert.ok(frames.some((f) => Math.abs(f.tsS - f.frameIdx / info.fps) > 1 / info.fps));
});

test('audio-only file: a clear error naming the file', async () => {
  const { ffmpeg } = locateFfmpeg();
  const file = join(dir, 'audio.m4a');
  await run(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=440:d=1', '-c:a', 'aac', file]);
  await assert.rejects(decodeAll(file), (e: Error) => e instanceof DecodeError && e.message.includes(file) && /no video stream/.test(e.message));
});

test('truncated file: a clear error, not a short success', async () => {
  const file = join(dir, 'truncated.mp4');
  const bytes = await readFile(join(VIDEOS, 'sitcom_friends_group.mp4'));
  await writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
  let yielded = 0;
  await assert.rejects(
    (async () => {
      for await (const _f of decodeFrames(file, { stride: 8 })) yielded++;
    })(),
    (e: Error) => e instanceof DecodeError && e.message.includes(file) && /truncated|damaged/.test(e.message),
  );
  assert.ok(yielded < 448 / 8, 'fewer frames than the full file before the error');
});

test('not a video at all: a clear error', async () => {
  const file = join(dir, 'notes.mp4');
  await writeFile(file, 'this is not a video\n');
  await assert.rejects(probeVideo(file), (e: Error) => e instanceof DecodeError && e.message.startsWith(`cannot read video ${file}`));
});

test('analysis grid inside ffmpeg keeps the first frame of each 1/fps cell, with original indices', async () => {
  const file = join(VIDEOS, 'sitcom_friends_group.mp4');
  const all = await decodeAll(file);
  const grid = await decodeAll(file, { analyzeFps: 10 });
  // The rule, applied to every frame's timestamp: keep a frame whose cell is later than the last kept one's.
  const expected: number[] = [];
  let lastCell = -Infinity;
  for (const f of all) {
    const cell = Math.floor(f.tsS * 10 + 1e-6);
    if (cell > lastCell) {
      expected.push(f.frameIdx);
      lastCell = cell;
    }
  }
  assert.deepEqual(grid.map((f) => f.frameIdx), expected);
  for (const f of grid) assert.equal(f.tsS, all[f.frameIdx].tsS);
});

test('onlyFrames and fit: exactly the asked frames, shrunk inside ffmpeg with the aspect kept', async () => {
  const file = join(VIDEOS, 'tv_dinner_scene.mp4');
  const want = new Set([0, 7, 240, 1000, 1969]);
  const full = await decodeAll(file, { onlyFrames: want });
  const small = await decodeAll(file, { onlyFrames: want, fit: [448, 256] });
  assert.deepEqual(full.map((f) => f.frameIdx), [...want]);
  assert.deepEqual(small.map((f) => f.frameIdx), [...want]);
  for (let i = 0; i < full.length; i++) {
    assert.equal(small[i].tsS, full[i].tsS);
    assert.deepEqual([small[i].image.width, small[i].image.height], [448, 252]);
    assert.equal(small[i].image.data.length, 448 * 252 * 3);
    // Same picture: the mean brightness of the shrunk frame is the full frame's within a grey level.
    const mean = (d: Uint8Array) => d.reduce((a, v) => a + v, 0) / d.length;
    assert.ok(Math.abs(mean(small[i].image.data) - mean(full[i].image.data)) < 1, `frame ${full[i].frameIdx}`);
  }
});

test('yuv: the same decode hands over each kept frame at full size as YUV 4:2:0, and converted it matches ffmpeg\'s RGB', async () => {
  const file = join(VIDEOS, 'tv_dinner_scene.mp4');
  const info = await probeVideo(file);
  assert.equal(info.colorSpace, 'bt709');
  const want = new Set([0, 250, 1500]);
  const rgb = await decodeAll(file, { onlyFrames: want });
  const both = await decodeAll(file, { onlyFrames: want, fit: [448, 256], yuv: true });
  const small = await decodeAll(file, { onlyFrames: want, fit: [448, 256] });
  const yuvOnly: Array<{ frameIdx: number; yuv: YuvImage }> = [];
  for await (const f of decodeYuvFrames(file, { onlyFrames: want })) yuvOnly.push(f);
  assert.deepEqual(both.map((f) => f.frameIdx), [...want]);
  assert.deepEqual(yuvOnly.map((f) => f.frameIdx), [...want]);
  for (const [i, f] of both.entries()) {
    // The split does not change the shrunk RGB the detector gets.
    assert.deepEqual(f.image.data, small[i].image.data, `shrunk frame ${f.frameIdx}`);
    assert.equal(f.yuv!.data.length, 1280 * 720 * 1.5);
    assert.deepEqual(f.yuv!.data, yuvOnly[i].yuv.data, `yuv of frame ${f.frameIdx} from both runs`);
    const conv = yuvToRgb(f.yuv!).data;
    let sum = 0, max = 0;
    for (let k = 0; k < conv.length; k++) {
      const d = Math.abs(conv[k] - rgb[i].image.data[k]);
      sum += d;
      max = Math.max(max, d);
    }
    // swscale rounds in fixed point; a wrong matrix (BT.601 on this BT.709 file) is off by up to 15.
    assert.ok(sum / conv.length < 1.5 && max <= 4, `frame ${f.frameIdx}: mean |Δ| ${(sum / conv.length).toFixed(2)}, max ${max}`);
  }
});
