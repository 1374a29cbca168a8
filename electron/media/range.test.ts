// Range requests over a real HTTP server serving the real Friends clip through the confined open: the
// byte-level rules (206 / multipart / 416 / If-Range / HEAD), the same answers from the fetch-style
// handler Electron's media:// uses, the episode-video confinement, and Chromium's <video> playing and
// seeking the clip through it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { EVAL_DIR } from '../models/eval-pack';
import { sidePaths } from '../pipeline/sidefiles';
import { openConfined } from '../store/confined';
import { Workspace } from '../store/workspace';
import { parseRangeHeader, rangeResponse, sendRange, type RangeSource } from './range';
import { openEpisodeVideo } from './video';

const VIDEOS = join(EVAL_DIR, 'videos');
const CLIP = join(VIDEOS, 'sitcom_friends_group.mp4');
const EP = 'friends-s01e01';
let root: string;
let ws: Workspace;
let server: Server;
let base: string;
let bytes: Buffer;
/** Status and Range header of every video request the server answered. */
const seen: Array<{ status: number; range: string | undefined }> = [];

async function writeDetectMeta(epId: string, videoPath: string): Promise<void> {
  const p = ws.abs(sidePaths(epId).detectMeta);
  await mkdir(dirname(p), { recursive: true });
  const meta = {
    ep_id: epId, video: { path: videoPath, width: 640, height: 360, duration_sec: 14.93, fps: 30 }, stride: 1, frames: [], scene_cuts: [],
    model_id: 'm', detector: 'd', device: 'cpu', detections: 0, decode_detect_sec: 0,
  };
  await writeFile(p, JSON.stringify(meta));
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-range-'));
  ws = new Workspace(root);
  bytes = await readFile(CLIP);
  await writeDetectMeta(EP, CLIP);
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      return res.end(`<!doctype html><video id="v" muted preload="auto" src="/media/${EP}/video"></video>`);
    }
    const ep = /^\/media\/([^/]+)\/video$/.exec(url.pathname)?.[1];
    if (!ep) return res.writeHead(404).end();
    const v = await openEpisodeVideo(ws, ep, [VIDEOS]);
    if (!v.ok) return res.writeHead(v.status).end(v.message);
    res.on('finish', () => seen.push({ status: res.statusCode, range: req.headers.range }));
    sendRange(req, res, v);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
  await rm(root, { recursive: true, force: true });
});

const video = (init?: RequestInit) => fetch(`${base}/media/${EP}/video`, init);
const range = (r: string, extra: Record<string, string> = {}) => video({ headers: { Range: r, ...extra } });

test('Range header parsing: single, open-ended, suffix, several; unsatisfiable and malformed', () => {
  assert.deepEqual(parseRangeHeader(undefined, 1000), { kind: 'full' });
  assert.deepEqual(parseRangeHeader('bytes=0-99', 1000), { kind: 'partial', ranges: [[0, 99]] });
  assert.deepEqual(parseRangeHeader('bytes=900-', 1000), { kind: 'partial', ranges: [[900, 999]] });
  assert.deepEqual(parseRangeHeader('bytes=-100', 1000), { kind: 'partial', ranges: [[900, 999]] });
  assert.deepEqual(parseRangeHeader('bytes=-5000', 1000), { kind: 'partial', ranges: [[0, 999]] });
  assert.deepEqual(parseRangeHeader('bytes=990-2000', 1000), { kind: 'partial', ranges: [[990, 999]] });
  assert.deepEqual(parseRangeHeader('bytes=0-0, 10-19,2000-3000', 1000), { kind: 'partial', ranges: [[0, 0], [10, 19]] });
  assert.deepEqual(parseRangeHeader('bytes=1000-', 1000), { kind: 'unsatisfiable' });
  assert.deepEqual(parseRangeHeader('bytes=-0', 1000), { kind: 'unsatisfiable' });
  for (const bad of ['items=0-1', 'bytes=5-1', 'bytes=a-b', 'bytes=-', 'bytes=', `bytes=${Array.from({ length: 17 }, (_, i) => `${i}-${i}`).join(',')}`]) {
    assert.deepEqual(parseRangeHeader(bad, 1000), { kind: 'full' }, bad);
  }
});

test('HTTP: 200 with Accept-Ranges, 206 slices equal the file, multipart for several ranges, 416, If-Range, HEAD', async () => {
  const size = bytes.length;
  const full = await video();
  assert.equal(full.status, 200);
  assert.equal(full.headers.get('accept-ranges'), 'bytes');
  assert.equal(full.headers.get('content-type'), 'video/mp4');
  assert.ok(Buffer.from(await full.arrayBuffer()).equals(bytes));

  const one = await range('bytes=1000-1999');
  assert.equal(one.status, 206);
  assert.equal(one.headers.get('content-range'), `bytes 1000-1999/${size}`);
  assert.ok(Buffer.from(await one.arrayBuffer()).equals(bytes.subarray(1000, 2000)));
  const tail = await range('bytes=-500');
  assert.equal(tail.headers.get('content-range'), `bytes ${size - 500}-${size - 1}/${size}`);
  assert.ok(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(size - 500)));

  const multi = await range('bytes=0-9,100-199');
  assert.equal(multi.status, 206);
  const boundary = /boundary=(\w+)/.exec(multi.headers.get('content-type') ?? '')?.[1];
  assert.ok(boundary, multi.headers.get('content-type') ?? '');
  const body = Buffer.from(await multi.arrayBuffer());
  assert.equal(body.length, Number(multi.headers.get('content-length')));
  const parts = body.toString('latin1').split(`--${boundary}`).slice(1, -1);
  assert.equal(parts.length, 2);
  assert.match(parts[0], new RegExp(`Content-Range: bytes 0-9/${size}`));
  assert.equal(parts[1].split('\r\n\r\n')[1].replace(/\r\n$/, ''), bytes.subarray(100, 200).toString('latin1'));

  const bad = await range(`bytes=${size}-`);
  assert.equal(bad.status, 416);
  assert.equal(bad.headers.get('content-range'), `bytes */${size}`);
  await bad.arrayBuffer();

  // If-Range with the current ETag honours the range; a stale one gets the whole (new) file.
  const etag = full.headers.get('etag')!;
  assert.equal((await range('bytes=0-9', { 'If-Range': etag }).then(async (r) => [r.status, (await r.arrayBuffer()).byteLength]))[0], 206);
  const stale = await range('bytes=0-9', { 'If-Range': '"old"' });
  assert.equal(stale.status, 200);
  assert.equal((await stale.arrayBuffer()).byteLength, size);
  const head = await video({ method: 'HEAD', headers: { Range: 'bytes=0-9' } });
  assert.deepEqual([head.status, head.headers.get('content-length')], [206, '10']);

  // A player's sequential ranges reassemble the file exactly.
  const chunks: Buffer[] = [];
  for (let at = 0; at < size; at += 300_000) chunks.push(Buffer.from(await (await range(`bytes=${at}-${at + 299_999}`)).arrayBuffer()));
  assert.equal(createHash('sha256').update(Buffer.concat(chunks)).digest('hex'), createHash('sha256').update(bytes).digest('hex'));
});

test('the fetch-style handler (Electron media://) answers exactly as the HTTP one', async () => {
  const open = async (): Promise<RangeSource> => {
    const o = (await openConfined(VIDEOS, CLIP))!;
    return { fh: o.fh, size: o.stat.size, mtimeMs: o.stat.mtimeMs, contentType: 'video/mp4' };
  };
  for (const r of ['bytes=5000-5999', 'bytes=0-9,100-199', `bytes=${bytes.length}-`]) {
    const a = rangeResponse(new Request('media://episode/x', { headers: { Range: r } }), await open());
    const b = await range(r);
    assert.equal(a.status, b.status, r);
    assert.equal(a.headers.get('content-range'), b.headers.get('content-range'), r);
    assert.equal(a.headers.get('content-length'), b.headers.get('content-length'), r);
    const [x, y] = [Buffer.from(await a.arrayBuffer()), Buffer.from(await b.arrayBuffer())];
    if (r.includes(',')) assert.equal(x.length, y.length);
    else assert.ok(x.equals(y), r);
  }
});

test('the episode video is served only from the allowed folders: outside, or a symlink out, is refused', async () => {
  const r = await openEpisodeVideo(ws, EP, []);
  assert.ok(!r.ok && r.status === 403);
  // A link inside the workspace pointing out of it does not make the file servable.
  const link = join(root, 'videos', 'friends.mp4');
  await mkdir(dirname(link), { recursive: true });
  await symlink(CLIP, link);
  await writeDetectMeta('linked-s01e01', link);
  const l = await openEpisodeVideo(ws, 'linked-s01e01', []);
  assert.ok(!l.ok && l.status === 403, JSON.stringify(l));
  await writeDetectMeta('gone-s01e01', join(VIDEOS, 'missing.mp4'));
  const g = await openEpisodeVideo(ws, 'gone-s01e01', [VIDEOS]);
  assert.ok(!g.ok && g.status === 404);
  const n = await openEpisodeVideo(ws, 'nothing-s01e01', [VIDEOS]);
  assert.ok(!n.ok && n.status === 404);
  // Inside an allowed folder once the link is resolved: served.
  const ok = await openEpisodeVideo(ws, 'linked-s01e01', [VIDEOS]);
  assert.ok(ok.ok);
  await ok.fh.close();
});

test('Chromium’s <video> plays the clip and seeks through range requests', async () => {
  const browser: Browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(base);
    // Page code as strings: this project's Node tsconfig has no DOM types.
    const V = 'document.getElementById("v")';
    await page.evaluate(`${V}.play()`);
    await page.waitForFunction(`${V}.currentTime > 0.5`);
    const seekedTo = await page.evaluate<number>(`new Promise((ok) => { const v = ${V}; v.addEventListener('seeked', () => ok(v.currentTime), { once: true }); v.currentTime = 11; })`);
    assert.ok(Math.abs(seekedTo - 11) < 0.5, `seeked to ${seekedTo}`);
    await page.waitForFunction(`${V}.currentTime > 11.5`);
    const state = await page.evaluate<{ error: number | null; duration: number }>(`({ error: ${V}.error ? ${V}.error.code : null, duration: ${V}.duration })`);
    assert.equal(state.error, null);
    assert.ok(Math.abs(state.duration - 14.93) < 0.2, `duration ${state.duration}`);
    assert.ok(seen.some((s) => s.status === 206 && s.range), `the player asked for ranges: ${JSON.stringify(seen.slice(-5))}`);
  } finally {
    await browser.close();
  }
});
