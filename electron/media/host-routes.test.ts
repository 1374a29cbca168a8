// An episode's video and source frames as both hosts serve them: the web host's GET /media/<ep>/video
// and /media/<ep>/frame?t= (behind its token) and Electron's media://episode/…, the video with range
// requests and confined to the workspace and the host's media roots.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { episodeVideoUrl, frameUrl } from '../../shared/ipc';
import { mediaHandler } from '../main/protocols';
import { EVAL_DIR } from '../models/eval-pack';
import { sidePaths } from '../pipeline/sidefiles';
import { ReviewService } from '../service/review-service';
import { Workspace } from '../store/workspace';
import { startWebHost, type WebHost } from '../web/server';

const VIDEOS = join(EVAL_DIR, 'videos');
const CLIP = join(VIDEOS, 'sitcom_friends_group.mp4');
const EP = 'friends-s01e01';
let root: string;
let service: ReviewService;
const hosts: WebHost[] = [];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-host-video-'));
  const p = join(root, sidePaths(EP).detectMeta);
  await mkdir(dirname(p), { recursive: true });
  await writeFile(p, JSON.stringify({
    ep_id: EP, video: { path: CLIP, width: 640, height: 360, duration_sec: 14.93, fps: 30 }, stride: 1, frames: [], scene_cuts: [],
    model_id: 'm', detector: 'd', device: 'cpu', detections: 0, decode_detect_sec: 0,
  }));
  service = new ReviewService({ workspace: root, host: 'web' });
});
after(async () => {
  for (const h of hosts) await h.close();
  await service.close();
  await rm(root, { recursive: true, force: true });
});

async function host(mediaRoots?: string[]): Promise<WebHost> {
  const h = await startWebHost({ service, mediaRoots });
  hosts.push(h);
  return h;
}

test('web host: /media/<ep>/video answers range requests from a media root, behind the token; outside the roots 403', async () => {
  const bytes = await readFile(CLIP);
  const h = await host([VIDEOS]);
  const auth = { Authorization: `Bearer ${h.token}` };
  const r = await fetch(`${h.origin}${episodeVideoUrl('web', EP)}`, { headers: { ...auth, Range: 'bytes=100-199' } });
  assert.equal(r.status, 206);
  assert.equal(r.headers.get('content-type'), 'video/mp4');
  assert.equal(r.headers.get('content-range'), `bytes 100-199/${bytes.length}`);
  assert.ok(Buffer.from(await r.arrayBuffer()).equals(bytes.subarray(100, 200)));
  assert.match(r.headers.get('content-security-policy') ?? '', /media-src 'self'/);
  assert.equal((await fetch(`${h.origin}/media/${EP}/video`)).status, 401, 'no token, no video');
  assert.equal((await fetch(`${h.origin}/media/nope-s01e01/video`, { headers: auth })).status, 404);
  assert.equal((await fetch(`${h.origin}/media/%E0%A4%A/video`, { headers: auth })).status, 400, 'malformed encoding');
  const closed = await host();
  assert.equal((await fetch(`${closed.origin}/media/${EP}/video`, { headers: { Authorization: `Bearer ${closed.token}` } })).status, 403);
});

test('media://episode/<ep>/video answers the same way in Electron', async () => {
  const ws = new Workspace(root);
  const handler = mediaHandler(() => ws, () => [VIDEOS]);
  const r = await handler(new Request(episodeVideoUrl('electron', EP), { headers: { Range: 'bytes=-10' } }));
  assert.equal(r.status, 206);
  assert.equal((await r.arrayBuffer()).byteLength, 10);
  assert.equal((await mediaHandler(() => ws)(new Request(`media://episode/${EP}/video`))).status, 403);
});

test('the source frame at a time: /media/<ep>/frame?t= and media://…/frame?t= return the JPEG of that frame, bad times 400', async () => {
  const h = await host([VIDEOS]);
  const auth = { Authorization: `Bearer ${h.token}` };
  const r = await fetch(`${h.origin}${frameUrl('web', EP, 2)}`, { headers: auth });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'image/jpeg');
  assert.equal(r.headers.get('x-frame-index'), '60');
  const meta = await sharp(Buffer.from(await r.arrayBuffer())).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 640, 360]);
  for (const q of ['', '?t=-1', '?t=abc', '?t=99']) assert.equal((await fetch(`${h.origin}/media/${EP}/frame${q}`, { headers: auth })).status, 400, q);
  assert.equal((await fetch(`${h.origin}/media/nope-s01e01/frame?t=1`, { headers: auth })).status, 404);
  assert.equal((await fetch(`${h.origin}/media/..%2F..%2Fetc/frame?t=1`, { headers: auth })).status, 404);
  const ws = new Workspace(root);
  const e = await mediaHandler(() => ws)(new Request(frameUrl('electron', EP, 2)));
  assert.equal(e.status, 200);
  assert.equal(e.headers.get('x-frame-index'), '60');
  assert.ok((await e.arrayBuffer()).byteLength > 1000);
});
