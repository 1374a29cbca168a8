// The app:// and media:// handlers with real Requests: the renderer build with the app's CSP, crops of
// the current workspace (following a switch), and the privileges main registers before 'ready'.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode } from '../../scripts/fixture-episode';
import { mediaUrl } from '../../shared/ipc';
import { ReviewService } from '../service/review-service';
import { Workspace } from '../store/workspace';
import { ELECTRON_CSP } from '../host/csp';
import { APP_URL } from './ipc';
import { PRIVILEGED_SCHEMES, appHandler, mediaHandler } from './protocols';

const EP = 'demo-s01e01';
let tmp: string;
let dist: string;
let wsA: string;
let wsB: string;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sa-proto-'));
  dist = join(tmp, 'dist');
  wsA = join(tmp, 'a');
  wsB = join(tmp, 'b');
  await mkdir(join(dist, 'assets'), { recursive: true });
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>Screenalytics</title><script type="module" crossorigin src="./assets/app.js"></script>');
  await writeFile(join(dist, 'assets', 'app.js'), 'console.log(1)');
  await makeFixtureEpisode({ workspace: wsA, epId: EP, identities: 2, tracksPerIdentity: 1, facesPerTrack: 2 });
});
after(() => rm(tmp, { recursive: true, force: true }));

test('app:// is a standard, secure, fetch- and CORS-enabled scheme; neither scheme bypasses CSP', () => {
  const app = PRIVILEGED_SCHEMES.find((s) => s.scheme === 'app')!;
  const media = PRIVILEGED_SCHEMES.find((s) => s.scheme === 'media')!;
  assert.deepEqual(app.privileges, { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true });
  assert.deepEqual(media.privileges, { standard: true, secure: true, stream: true });
  for (const s of PRIVILEGED_SCHEMES) assert.notEqual(s.privileges?.bypassCSP, true, s.scheme);
  assert.equal(PRIVILEGED_SCHEMES.length, 2);
});

test('app://bundle serves the build with the app CSP; other hosts and escapes are refused', async () => {
  const handle = appHandler(dist);
  const index = await handle(new Request(APP_URL));
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type')!, /text\/html/);
  assert.equal(index.headers.get('content-security-policy'), ELECTRON_CSP);
  assert.match(await index.text(), /crossorigin/);
  const js = await handle(new Request('app://bundle/assets/app.js'));
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type')!, /javascript/);
  assert.equal((await handle(new Request('app://bundle/people/identity-00001'))).status, 200, 'client routes get the shell');
  assert.equal((await handle(new Request('app://evil/index.html'))).status, 404);
  assert.equal((await handle(new Request('app://bundle/assets/..%2F..%2F..%2Fetc%2Fpasswd'))).status, 403);
});

test('media://episode serves crops of the current workspace, confined, and follows a workspace switch', async () => {
  let ws = new Workspace(wsA);
  const handle = mediaHandler(() => ws);
  const open = await new ReviewService({ workspace: wsA }).openEpisode({ ep_id: EP });
  const ref = open.tracks[0].sample_crops[0];
  const url = mediaUrl('electron', EP, ref);
  const r = await handle(new Request(url));
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual(Buffer.from(await r.arrayBuffer()), await readFile(ws.resolveManifestRef(EP, ref)));
  assert.equal((await handle(new Request(`media://episode/${EP}/crops/..%2F..%2F..%2F..%2Fetc%2Fpasswd`))).status, 403);
  assert.equal((await handle(new Request(`media://other/${EP}/${ref}`))).status, 404);
  ws = new Workspace(wsB);
  assert.equal((await handle(new Request(url))).status, 404, 'the old workspace is no longer served');
});
