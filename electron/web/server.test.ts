import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode } from '../../scripts/fixture-episode';
import { channels, envelopeSchema, mediaUrl } from '../../shared/ipc';
import { ReviewService } from '../service/review-service';
import { ELECTRON_CSP } from '../host/csp';
import { startWebHost, type WebHost } from './server';

const EP = 'demo-s01e01';
let root: string;
let outside: string;
let host: WebHost;
let service: ReviewService;
let firstCrop: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-web-'));
  outside = await mkdtemp(join(tmpdir(), 'sa-outside-'));
  await makeFixtureEpisode({ workspace: root, epId: EP, identities: 4, tracksPerIdentity: 2, facesPerTrack: 3 });
  service = new ReviewService({ workspace: root, host: 'web' });
  const open = await service.openEpisode({ ep_id: EP });
  firstCrop = open.tracks[0].sample_crops[0];
  // A tiny stand-in renderer build.
  const dist = join(root, '..', `${root.split('/').pop()}-dist`);
  await mkdir(join(dist, 'assets'), { recursive: true });
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>Screenalytics</title><script type="module" src="./assets/app.js"></script>');
  await writeFile(join(dist, 'assets', 'app.js'), 'console.log(1)');
  // Secrets outside the workspace, and symlinks inside it that point at them.
  await writeFile(join(outside, 'secret.jpg'), 'not for you');
  const cropsDir = join(root, 'artifacts/crops/demo/s01/e01/tracks');
  await symlink(join(outside, 'secret.jpg'), join(cropsDir, 'track-00001', 'evil.jpg'));
  await symlink(outside, join(cropsDir, 'track-00099'));
  await copyFile(join(outside, 'secret.jpg'), join(outside, 'x.jpg'));
  host = await startWebHost({ service, rendererDir: dist, token: 'test-token-123' });
});
after(async () => {
  await host?.close();
  await rm(root, { recursive: true, force: true });
  await rm(`${root}-dist`, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const auth = { Authorization: 'Bearer test-token-123' };
const api = (channel: string, body: unknown, headers: Record<string, string> = auth) =>
  fetch(`${host.origin}/api/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** Raw request with a chosen Host header (fetch does not let us forge it). */
function rawGet(path: string, hostHeader: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers: { Host: hostHeader, ...headers } }, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    });
    req.on('error', fail);
    req.end();
  });
}

test('no token → 401 everywhere; wrong token → 401; bearer works', async () => {
  assert.equal((await api('episodes:list', {}, {})).status, 401);
  assert.equal((await api('episodes:list', {}, { Authorization: 'Bearer nope' })).status, 401);
  assert.equal((await fetch(`${host.origin}${mediaUrl('web', EP, firstCrop)}`)).status, 401);
  assert.equal((await fetch(`${host.origin}/`)).status, 401);
  assert.equal((await fetch(`${host.origin}/events`)).status, 401);
  assert.equal((await fetch(`${host.origin}/?token=wrong`, { redirect: 'manual' })).status, 401);
  const ok = await api('episodes:list', {});
  assert.equal(ok.status, 200);
  const body = envelopeSchema(channels['episodes:list'].response).parse(await ok.json());
  assert.ok(body.ok && body.data.episodes[0].ep_id === EP);
});

test('the one-time ?token= URL sets an HttpOnly SameSite=Strict cookie that media and the API accept', async () => {
  const r = await fetch(host.url, { redirect: 'manual' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/');
  const cookie = r.headers.get('set-cookie')!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const jar = { Cookie: cookie.split(';')[0] };
  const page = await fetch(`${host.origin}/`, { headers: jar });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Screenalytics/);
  const csp = page.headers.get('content-security-policy')!;
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
  assert.equal((await fetch(`${host.origin}/people/identity-00001`, { headers: jar })).status, 200, 'client routes get the app shell');
  const img = await fetch(`${host.origin}${mediaUrl('web', EP, firstCrop)}`, { headers: jar });
  assert.equal(img.status, 200);
  assert.equal(img.headers.get('content-type'), 'image/jpeg');
  const bytes = Buffer.from(await img.arrayBuffer());
  assert.deepEqual(bytes, await readFile(service.ws.resolveManifestRef(EP, firstCrop)));
  assert.equal(bytes[0], 0xff, 'a JPEG');
  assert.equal((await api('workspace:get', {}, jar)).status, 200);
  // One-time: the session is not the token, and the same URL opens nothing for anyone else afterwards.
  assert.ok(!cookie.includes('test-token-123'), 'the cookie is a session of its own, not the URL token');
  const again = await fetch(host.url, { redirect: 'manual' });
  assert.equal(again.status, 401);
  assert.match(await again.text(), /already used/);
  assert.equal((await fetch(host.url, { redirect: 'manual', headers: jar })).status, 303, 'the browser that used it is sent on');
  assert.equal((await fetch(`${host.origin}/`, { headers: { Cookie: 'sa_token=test-token-123' } })).status, 401, 'the URL token is no cookie');
});

test('Host header must be this loopback host (DNS rebinding) and API calls refuse foreign origins', async () => {
  assert.equal(await rawGet('/', 'evil.example:80', auth), 421);
  assert.equal(await rawGet('/', `evil.example:${host.port}`, auth), 421);
  assert.equal(await rawGet('/', `127.0.0.1:${host.port + 1}`, auth), 421);
  assert.equal(await rawGet('/', `localhost:${host.port}`, auth), 200);
  assert.equal(await rawGet('/', `127.0.0.1:${host.port}`, auth), 200);
  assert.equal((await api('episodes:list', {}, { ...auth, Origin: 'https://evil.example' })).status, 403);
  assert.equal((await api('episodes:list', {}, { ...auth, Origin: host.origin })).status, 200);
});

test('media paths outside the workspace are refused: .., absolute, encoded slashes, symlinks out', async () => {
  const get = (p: string) => fetch(`${host.origin}${p}`, { headers: auth });
  const codes = {
    dotdot: (await get(`/media/${EP}/crops/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd`)).status,
    // Sent raw: the server's URL parser folds %2e%2e segments before routing, so this lands on /media/x.jpg.
    dotdotSeg: await rawGet(`/media/${EP}/crops/track-00001/%2e%2e/%2e%2e/%2e%2e/x.jpg`, `127.0.0.1:${host.port}`, auth),
    absolute: (await get(`/media/${EP}/%2Fetc%2Fpasswd.jpg`)).status,
    backslash: (await get(`/media/${EP}/crops/..%5C..%5Cx.jpg`)).status,
    symlinkFile: (await get(`/media/${EP}/crops/track-00001/evil.jpg`)).status,
    symlinkDir: (await get(`/media/${EP}/crops/track-00099/x.jpg`)).status,
    badKind: (await get(`/media/${EP}/manifests/identities.jpg`)).status,
    notImage: (await get(`/media/${EP}/crops/track-00001/frame_000000.json`)).status,
    badEp: (await get(`/media/..%2F..%2Fetc/crops/x.jpg`)).status,
    missing: (await get(`/media/${EP}/crops/track-00001/nope.jpg`)).status,
  };
  assert.deepEqual(codes, { dotdot: 403, dotdotSeg: 404, absolute: 403, backslash: 403, symlinkFile: 403, symlinkDir: 403, badKind: 403, notImage: 404, badEp: 404, missing: 404 });
  // Plain ../ is folded by URL parsing before routing (to /etc/passwd): that is a client route, so it
  // gets the app shell, never the file.
  for (const p of [`/media/${EP}/crops/../../../../etc/passwd`, '/../../etc/passwd']) {
    const text = await (await get(p)).text();
    assert.doesNotMatch(text, /root:/);
    assert.match(text, /<title>Screenalytics/);
  }
  assert.equal(await rawGet('/assets/..%2F..%2F..%2Fetc%2Fpasswd', `127.0.0.1:${host.port}`, auth), 403);
});

test('malformed payloads → 400 with the zod message; unknown channel → 404; refusals keep their codes', async () => {
  const bad = await api('review:apply', { ep_id: EP, revision: 'x', command: { op: 'merge', target_id: 'identity-1', source_ids: [] } });
  assert.equal(bad.status, 400);
  const body = (await bad.json()) as { ok: boolean; error: { code: string; message: string } };
  assert.equal(body.ok, false);
  assert.equal(body.error.code, 'invalid_request');
  assert.match(body.error.message, /revision/);
  assert.match(body.error.message, /identity-\{N:05d\}/);
  const notJson = await api('episodes:list', '{oops');
  assert.equal(notJson.status, 400);
  assert.match(((await notJson.json()) as { error: { message: string } }).error.message, /not valid JSON/);
  assert.equal((await api('episodes:list', { extra: 1 })).status, 400, 'strict request objects');
  assert.equal((await api('fs:read', {})).status, 404);
  assert.equal((await api('__proto__', {})).status, 404);
  const conflict = await api('review:apply', { ep_id: EP, revision: 99, command: { op: 'lock', identity_id: 'identity-00001', locked: true } });
  assert.equal(conflict.status, 409);
  assert.equal(((await conflict.json()) as { error: { code: string } }).error.code, 'conflict');
  const wrongType = await fetch(`${host.origin}/api/episodes:list`, { method: 'POST', headers: { ...auth, 'Content-Type': 'text/plain' }, body: '{}' });
  assert.equal(wrongType.status, 415);
  assert.equal((await fetch(`${host.origin}/api/episodes:list`, { headers: auth })).status, 405);
});

test('percent-encoded channel names are decoded, and must still name a known channel', async () => {
  const enc = await api('workspace%3Aget', {});
  assert.equal(enc.status, 200);
  const body = envelopeSchema(channels['workspace:get'].response).parse(await enc.json());
  assert.ok(body.ok && body.data.root === root);
  assert.equal((await api('episodes%3alist', {})).status, 200, 'lower-case escapes too');
  assert.equal((await api('fs%3Aread', {})).status, 404);
  assert.equal((await api('%5F%5Fproto%5F%5F', {})).status, 404, 'encoded __proto__');
  assert.equal((await api('episodes%3list', {})).status, 400, 'malformed escape');
  assert.equal((await api('..%2Fepisodes:list', {})).status, 404);
});

test('CSP: no inline styles, images from this origin only (no data:/blob:)', async () => {
  const r = await fetch(`${host.origin}/`, { headers: auth });
  const csp = r.headers.get('content-security-policy')!;
  assert.match(csp, /style-src 'self'(;|$)/);
  assert.match(csp, /img-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|data:|blob:/);
  // The meta tag the renderer ships with allows no more than the header (the two are intersected).
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(await readFile(join(import.meta.dirname, '../../renderer/index.html'), 'utf8'))![1];
  assert.doesNotMatch(meta, /unsafe-inline|data:|blob:/);
  assert.match(ELECTRON_CSP, /img-src 'self' media:(;|$)/);
});

test('server-sent events deliver artifacts:changed after an edit', async () => {
  const ctrl = new AbortController();
  const res = await fetch(`${host.origin}/events`, { headers: auth, signal: ctrl.signal });
  assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = dec.decode((await reader.read()).value);
  assert.match(text, /connected/);
  const rev = (await service.openEpisode({ ep_id: EP })).revision;
  const applied = await api('review:apply', { ep_id: EP, revision: rev, command: { op: 'label', identity_id: 'identity-00002', name: 'Jerry Seinfeld' } });
  assert.equal(applied.status, 200);
  while (!/\n\n/.test(text.split('event: artifacts:changed')[1] ?? '')) text += dec.decode((await reader.read()).value);
  const data = JSON.parse(/event: artifacts:changed\ndata: (.*)\n/.exec(text)![1]);
  assert.deepEqual(data, { ep_id: EP, revision: rev + 1, reason: 'review' });
  ctrl.abort();
});
