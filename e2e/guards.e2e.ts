// The safety rails around editing: locked identities ask before a manual change, an edit made
// elsewhere (a second window / host) yields a clear conflict message and a reload instead of a silent
// overwrite, and settings (frame exports toggle, device, thresholds) persist across reloads.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { makeFixtureEpisode, type FixtureEpisode } from '../scripts/fixture-episode';
import { ReviewService } from '../electron/service/review-service';
import { episodeArtifacts } from '../electron/store/artifacts';
import { Workspace } from '../electron/store/workspace';
import type { IdentitiesDoc } from '../shared/schema';
import { ensureRendererBuilt, launchBrowser, makeTempWorkspace, openPage, snapshot, withFailureShot, type PageHandle } from './fixtures';
import { startHost, type Host } from './host';
import { ReviewApp } from './pages';

const EP = 'guard-s01e01';
const EP_OTHER = 'guard-s01e02';
let workspace: string;
let fx: FixtureEpisode;
let host: Host;
let browser: Browser;
let handle: PageHandle;
let app: ReviewApp;

const readDoc = (): Promise<IdentitiesDoc> => episodeArtifacts(new Workspace(workspace), EP).readIdentities();
const ident = (doc: IdentitiesDoc, id: string) => doc.identities.find((i) => i.identity_id === id)!;

before(async () => {
  workspace = makeTempWorkspace();
  [fx] = await Promise.all([
    makeFixtureEpisode({ workspace, epId: EP, identities: 6, tracksPerIdentity: 2, facesPerTrack: 3, withImages: true, names: ['Dana Locked'], locked: [0] }),
    // Another episode of the same show, where someone was already named: the cast for autocomplete.
    makeFixtureEpisode({ workspace, epId: EP_OTHER, identities: 2, tracksPerIdentity: 1, facesPerTrack: 2, withImages: false, names: ['Erin Earlier'] }),
    ensureRendererBuilt(),
  ]);
  host = await startHost(workspace);
  browser = await launchBrowser();
  handle = await openPage(browser);
  app = new ReviewApp(handle.page);
  await app.goto(host.url);
  await app.openEpisode(EP);
});

after(async () => {
  await browser?.close();
  await host?.close();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

test('a locked identity asks before a manual change; cancel leaves the file alone', async () => {
  await withFailureShot(handle, 'guards-locked', async () => {
    const id = fx.identityIds[0];
    await app.focusCard(id);
    await app.label('Dana Renamed');
    const confirm = app.page.getByTestId('confirm-dialog');
    await confirm.waitFor();
    assert.match((await confirm.textContent()) ?? '', /locked/i);
    await snapshot(app.page, 'guards-locked-confirm');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(ident(await readDoc(), id).labels.name, 'Dana Locked', 'cancel changed nothing');

    await app.label('Dana Renamed');
    await app.step(() => app.page.getByTestId('confirm-yes').click());
    const after = ident(await readDoc(), id);
    assert.equal(after.labels.name, 'Dana Renamed');
    assert.equal(after.locked, true, 'confirming the change keeps the lock');
  });
});

test('merging identities whose tracks share frames asks first; cancelling changes nothing', async () => {
  await withFailureShot(handle, 'guards-overlap', async () => {
    // The fixture puts identities 5 and 6 on screen together (tracks in the same frames).
    const [, , , , five, six] = fx.identityIds;
    const before = await readDoc();
    await app.focusCard(six);
    await app.press('Space');
    await app.focusCard(five);
    await app.press('Space');
    await app.press('m');
    await app.page.getByTestId('merge-confirm').click();
    const confirm = app.page.getByTestId('confirm-dialog');
    await confirm.waitFor();
    assert.match((await confirm.textContent()) ?? '', /share frames|overlap/i);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await app.settled();
    assert.deepEqual(await readDoc(), before, 'identities.json untouched');
    assert.equal(await app.card(six).count(), 1, 'the UI rolled nothing forward');
    await app.press('Escape');
  });
});

test('the label dialog completes names seen in other episodes of the show and reuses their person_id', async () => {
  await withFailureShot(handle, 'guards-cast', async () => {
    const id = fx.identityIds[3];
    await app.focusCard(id);
    await app.press('e');
    const dialog = app.page.getByTestId('label-dialog');
    const options = await dialog.locator('datalist option').evaluateAll((els) => els.map((e) => e.getAttribute('value')));
    assert.deepEqual(options, ['Erin Earlier']);
    await dialog.getByTestId('label-input').fill('erin earlier');
    assert.equal(await dialog.getByTestId('person-id').textContent(), 'erin-earlier');
    await app.step(() => dialog.getByTestId('label-save').click());
    // Typed in lower case, saved with the cast's spelling and person_id.
    assert.deepEqual(ident(await readDoc(), id).labels, { name: 'Erin Earlier', person_id: 'erin-earlier' });
  });
});

test('an edit made elsewhere → conflict message, reload, no silent overwrite', async () => {
  await withFailureShot(handle, 'guards-conflict', async () => {
    const [, a, b] = fx.identityIds;
    // A second editor (another window/host on the same workspace) names identity a.
    const other = new ReviewService({ workspace, host: 'test' });
    const opened = await other.openEpisode({ ep_id: EP });
    await other.applyReview({ ep_id: EP, revision: opened.revision, command: { op: 'label', identity_id: a, name: 'From Elsewhere' } });

    // This window, still on the old revision, locks identity b.
    await app.focusCard(b);
    await app.press('l');
    const warn = app.page.getByTestId('toast-warn');
    await warn.waitFor();
    assert.match((await warn.textContent()) ?? '', /changed elsewhere/);
    await app.settled();
    const doc = await readDoc();
    assert.equal(ident(doc, a).labels.name, 'From Elsewhere', 'the other editor’s change is kept');
    assert.equal(ident(doc, b).locked, false, 'the stale edit was not written');
    // The grid reloaded: it shows the other editor's name and b unlocked.
    assert.equal(await app.card(a).getByTestId('card-name').textContent(), 'From Elsewhere');
    assert.equal(await app.card(b).getByTestId('locked-badge').count(), 0);

    // After the reload, the same edit goes through.
    await app.focusCard(b);
    await app.step(() => app.press('l'));
    assert.equal(ident(await readDoc(), b).locked, true);
    // Chromium logs the refused request (HTTP 409); that one is expected, anything else is not.
    assert.deepEqual(handle.errors.filter((e) => !/status of 409/.test(e)), []);
    handle.errors.length = 0;
  });
});

test('undo reaches back 50 steps after a reload (the service keeps the history)', async () => {
  await withFailureShot(handle, 'guards-undo-depth', async () => {
    const id = fx.identityIds[4];
    // 55 recorded steps through the same service the page talks to (fast), then a fresh page load.
    let { revision } = await host.service.openEpisode({ ep_id: EP });
    for (let n = 1; n <= 55; n++) {
      ({ revision } = await host.service.applyReview({ ep_id: EP, revision, command: { op: 'label', identity_id: id, name: `Step ${n}` } }));
    }
    await app.page.reload();
    await app.page.waitForSelector('[data-testid="episode-row"]');
    await app.openEpisode(EP);
    assert.equal(await app.card(id).getByTestId('card-name').textContent(), 'Step 55');
    for (let i = 0; i < 50; i++) await app.step(() => app.press('z'));
    assert.equal(ident(await readDoc(), id).labels.name, 'Step 5');
    assert.equal(await app.card(id).getByTestId('card-name').textContent(), 'Step 5');
    await app.step(() => app.press('Shift+Z'));
    assert.equal(ident(await readDoc(), id).labels.name, 'Step 6');
  });
});

test('settings (frame exports toggle, device, cluster threshold) persist across a reload', async () => {
  await withFailureShot(handle, 'guards-settings', async () => {
    await app.page.getByTestId('open-settings').click();
    const dialog = app.page.getByTestId('settings-dialog');
    const frames = dialog.getByTestId('toggle-frame-exports');
    assert.equal(await frames.isChecked(), false, 'frame exports default off (low-disk)');
    await frames.check();
    await dialog.getByTestId('device').selectOption('cpu');
    await dialog.getByTestId('cluster-threshold').fill('0.62');
    await dialog.getByTestId('settings-save').click();
    await dialog.waitFor({ state: 'detached' });
    await app.settled();
    const saved = await host.service.getSettings({});
    assert.equal(saved.saveFrames, true);
    assert.equal(saved.device, 'cpu');
    assert.equal(saved.clusterThresh, 0.62);

    await app.page.reload();
    await app.page.waitForSelector('[data-testid="episode-row"]');
    await app.settled();
    // The run dialog starts from the saved settings, with the same visible toggle.
    await app.page.getByTestId('new-run').click();
    const run = app.page.getByTestId('run-dialog');
    assert.equal(await run.getByTestId('toggle-frame-exports').isChecked(), true);
    assert.equal(await run.getByTestId('device').inputValue(), 'cpu');
    assert.equal(await run.getByTestId('cluster-threshold').inputValue(), '0.62');
    await snapshot(app.page, 'guards-run-dialog');
    await app.press('Escape');
    assert.deepEqual(handle.errors, []);
  });
});
