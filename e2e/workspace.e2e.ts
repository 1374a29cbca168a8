// Picking a workspace from the Episodes screen, in Chromium against the real web host: refused (button
// disabled, tooltip says why) on a default host; on a host started with --allow-workspace-switch, a
// typed folder becomes the workspace, its episodes are listed and open with their crops, and a second
// tab follows the switch through the event stream.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { makeFixtureEpisode } from '../scripts/fixture-episode';
import { ReviewService } from '../electron/service/review-service';
import { startWebHost, type WebHost } from '../electron/web/server';
import { WorkspaceSwitcher } from '../electron/host/workspace-switch';
import { ensureRendererBuilt, launchBrowser, makeTempWorkspace, openPage, rendererDist, snapshot, withFailureShot, type PageHandle } from './fixtures';
import { startHost, type Host } from './host';
import { ReviewApp } from './pages';

let tmp: string;
let wsA: string;
let wsB: string;
let plain: Host;
let switcher: WorkspaceSwitcher;
let web: WebHost;
let browser: Browser;
const handles: PageHandle[] = [];

const rows = (app: ReviewApp) => app.page.locator('[data-testid="episode-row"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-ep-id')));
/** Console errors other than the HTTP status of a refused API call (Chromium logs those too). */
const realErrors = (h: PageHandle) => h.errors.filter((e) => !/Failed to load resource: the server responded with a status of 40\d/.test(e));

before(async () => {
  tmp = makeTempWorkspace('sa-e2e-ws-');
  wsA = join(tmp, 'first');
  wsB = join(tmp, 'second');
  mkdirSync(wsA);
  await makeFixtureEpisode({ workspace: wsA, epId: 'alpha-s01e01', identities: 3, tracksPerIdentity: 1, facesPerTrack: 2 });
  await makeFixtureEpisode({ workspace: wsB, epId: 'beta-s02e03', identities: 4, tracksPerIdentity: 2, facesPerTrack: 2 });
  await makeFixtureEpisode({ workspace: wsB, epId: 'beta-s02e04', identities: 2, tracksPerIdentity: 1, facesPerTrack: 1 });
  await ensureRendererBuilt();
  plain = await startHost(wsA);
  // What `screenalytics serve --allow-workspace-switch` builds.
  switcher = new WorkspaceSwitcher({ initial: wsA, create: (root) => new ReviewService({ workspace: root, host: 'web' }), mode: 'path' });
  web = await startWebHost({ service: switcher, rendererDir: rendererDist });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await plain?.close();
  await web?.close();
  await switcher?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('a default web host cannot switch: the button is disabled and its tooltip explains', async () => {
  const h = await openPage(browser);
  handles.push(h);
  const app = new ReviewApp(h.page);
  await withFailureShot(h, 'workspace-refused', async () => {
    await app.goto(plain.url);
    // The list arrives after the page: wait for it before reading it.
    await app.page.locator('[data-testid="episode-row"]').first().waitFor();
    assert.deepEqual(await rows(app), ['alpha-s01e01']);
    const button = app.page.getByTestId('change-workspace');
    assert.equal(await button.isDisabled(), true);
    const tip = (await app.page.getByTestId('change-workspace-wrap').getAttribute('title')) ?? '';
    assert.match(tip, /cannot pick a folder on the server/);
    assert.match(tip, /--allow-workspace-switch/);
    assert.deepEqual(realErrors(h), []);
  });
  await h.context.close();
});

test('with switching allowed, a typed folder becomes the workspace; its episodes are listed and open', async () => {
  const h = await openPage(browser);
  handles.push(h);
  const app = new ReviewApp(h.page);
  await withFailureShot(h, 'workspace-switch', async () => {
    await app.goto(web.url);
    await app.page.locator('[data-testid="episode-row"]').first().waitFor();
    assert.deepEqual(await rows(app), ['alpha-s01e01']);
    // A second tab of the same session, to see the switch arrive by the event stream.
    const other = new ReviewApp(await h.context.newPage());
    await other.goto(web.origin + '/');
    await other.settled();

    // A path that is not a folder is refused and nothing changes.
    await app.page.getByTestId('change-workspace').click();
    await app.page.getByTestId('workspace-path').fill(join(tmp, 'missing'));
    await app.page.getByTestId('workspace-open').click();
    await app.page.getByText(/Could not switch workspace: .*does not exist/).waitFor();
    assert.deepEqual(await rows(app), ['alpha-s01e01']);

    await app.page.getByTestId('workspace-path').fill(wsB);
    await app.page.getByTestId('workspace-open').click();
    await app.page.locator('[data-testid="episode-row"][data-ep-id="beta-s02e03"]').waitFor();
    await app.settled();
    assert.deepEqual(await rows(app), ['beta-s02e03', 'beta-s02e04']);
    assert.equal(await app.page.getByTestId('workspace-dialog').count(), 0, 'the dialog closed');
    assert.match((await app.page.getByRole('region', { name: 'Episodes' }).textContent()) ?? '', new RegExp(`in ${wsB.replace(/[/.]/g, '\\$&')}`));
    await other.page.locator('[data-testid="episode-row"][data-ep-id="beta-s02e04"]').waitFor();
    assert.deepEqual(await rows(other), ['beta-s02e03', 'beta-s02e04']);
    await snapshot(app.page, 'workspace-switched');

    // The new workspace's episode opens and its crops come from the new root.
    await app.openEpisode('beta-s02e03');
    assert.equal(await app.page.locator('[data-testid="identity-card"]').count(), 4);
    const img = app.page.locator('[data-testid="identity-card"] img').first();
    await img.waitFor();
    // (tsconfig for e2e has no DOM lib: the image is typed by the two fields read.)
    type Img = { complete: boolean; naturalWidth: number };
    await app.page.waitForFunction((el) => (el as unknown as Img).complete && (el as unknown as Img).naturalWidth > 0, await img.elementHandle());
    assert.deepEqual(realErrors(h), []);
  });
  await h.context.close();
});
