// The safety rails around editing: locked identities ask before a manual change, an edit made
// elsewhere (a second window / host) yields a clear conflict message and a reload instead of a silent
// overwrite, and settings (frame exports toggle, device, thresholds) persist across reloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixtureEpisode } from '../scripts/fixture-episode';
import { ReviewService } from '../electron/service/review-service';
import { episodeArtifacts } from '../electron/store/artifacts';
import { Workspace } from '../electron/store/workspace';
import type { IdentitiesDoc } from '../shared/schema';
import { snapshot, withFailureShot } from './fixtures';
import { useReviewApp } from './harness';

const EP = 'guard-s01e01';
const EP_OTHER = 'guard-s01e02';
const e2e = useReviewApp({
  setup: async (workspace) => {
    const [fx] = await Promise.all([
      makeFixtureEpisode({ workspace, epId: EP, identities: 6, tracksPerIdentity: 2, facesPerTrack: 3, withImages: true, names: ['Dana Locked'], locked: [0] }),
      // Another episode of the same show, where someone was already named: the cast for autocomplete.
      makeFixtureEpisode({ workspace, epId: EP_OTHER, identities: 2, tracksPerIdentity: 1, facesPerTrack: 2, withImages: false, names: ['Erin Earlier'] }),
    ]);
    return fx;
  },
  ready: async ({ app, host }) => {
    await app.goto(host.url);
    await app.openEpisode(EP);
  },
});

const readDoc = (): Promise<IdentitiesDoc> => episodeArtifacts(new Workspace(e2e.workspace), EP).readIdentities();
const ident = (doc: IdentitiesDoc, id: string) => doc.identities.find((i) => i.identity_id === id)!;

test('a locked identity asks before a manual change; cancel leaves the file alone', async () => {
  await withFailureShot(e2e.handle, 'guards-locked', async () => {
    const id = e2e.fixture.identityIds[0];
    await e2e.app.focusCard(id);
    await e2e.app.label('Dana Renamed');
    const confirm = e2e.app.page.getByTestId('confirm-dialog');
    await confirm.waitFor();
    assert.match((await confirm.textContent()) ?? '', /locked/i);
    await snapshot(e2e.app.page, 'guards-locked-confirm');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(ident(await readDoc(), id).labels.name, 'Dana Locked', 'cancel changed nothing');

    await e2e.app.label('Dana Renamed');
    await e2e.app.step(() => e2e.app.page.getByTestId('confirm-yes').click());
    const after = ident(await readDoc(), id);
    assert.equal(after.labels.name, 'Dana Renamed');
    assert.equal(after.locked, true, 'confirming the change keeps the lock');
  });
});

test('merging identities whose tracks share frames asks first; cancelling changes nothing', async () => {
  await withFailureShot(e2e.handle, 'guards-overlap', async () => {
    // The fixture puts identities 5 and 6 on screen together (tracks in the same frames).
    const [, , , , five, six] = e2e.fixture.identityIds;
    const before = await readDoc();
    await e2e.app.focusCard(six);
    await e2e.app.press('Space');
    await e2e.app.focusCard(five);
    await e2e.app.press('Space');
    await e2e.app.press('m');
    await e2e.app.page.getByTestId('merge-confirm').click();
    const confirm = e2e.app.page.getByTestId('confirm-dialog');
    await confirm.waitFor();
    assert.match((await confirm.textContent()) ?? '', /share frames|overlap/i);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await e2e.app.settled();
    assert.deepEqual(await readDoc(), before, 'identities.json untouched');
    assert.equal(await e2e.app.card(six).count(), 1, 'the UI rolled nothing forward');
    await e2e.app.press('Escape');
  });
});

test('the label dialog completes names seen in other episodes of the show and reuses their person_id', async () => {
  await withFailureShot(e2e.handle, 'guards-cast', async () => {
    const id = e2e.fixture.identityIds[3];
    await e2e.app.focusCard(id);
    await e2e.app.press('e');
    const dialog = e2e.app.page.getByTestId('label-dialog');
    const options = await dialog.locator('datalist option').evaluateAll((els) => els.map((e) => e.getAttribute('value')));
    assert.deepEqual(options, ['Erin Earlier']);
    await dialog.getByTestId('label-input').fill('erin earlier');
    assert.equal(await dialog.getByTestId('person-id').textContent(), 'erin-earlier');
    await e2e.app.step(() => dialog.getByTestId('label-save').click());
    // Typed in lower case, saved with the cast's spelling and person_id.
    assert.deepEqual(ident(await readDoc(), id).labels, { name: 'Erin Earlier', person_id: 'erin-earlier' });
  });
});

test('an edit made elsewhere → conflict message, reload, no silent overwrite', async () => {
  await withFailureShot(e2e.handle, 'guards-conflict', async () => {
    const [, a, b] = e2e.fixture.identityIds;
    // A second editor (another window/host on the same e2e.workspace) names identity a.
    const other = new ReviewService({ workspace: e2e.workspace, host: 'test' });
    const opened = await other.openEpisode({ ep_id: EP });
    await other.applyReview({ ep_id: EP, revision: opened.revision, command: { op: 'label', identity_id: a, name: 'From Elsewhere' } });

    // This window, still on the old revision, locks identity b.
    await e2e.app.focusCard(b);
    await e2e.app.press('l');
    const warn = e2e.app.page.getByTestId('toast-warn');
    await warn.waitFor();
    assert.match((await warn.textContent()) ?? '', /changed elsewhere/);
    await e2e.app.settled();
    const doc = await readDoc();
    assert.equal(ident(doc, a).labels.name, 'From Elsewhere', 'the other editor’s change is kept');
    assert.equal(ident(doc, b).locked, false, 'the stale edit was not written');
    // The grid reloaded: it shows the other editor's name and b unlocked.
    assert.equal(await e2e.app.card(a).getByTestId('card-name').textContent(), 'From Elsewhere');
    assert.equal(await e2e.app.card(b).getByTestId('locked-badge').count(), 0);

    // After the reload, the same edit goes through.
    await e2e.app.focusCard(b);
    await e2e.app.step(() => e2e.app.press('l'));
    assert.equal(ident(await readDoc(), b).locked, true);
    // Chromium logs the refused request (HTTP 409); that one is expected, anything else is not.
    assert.deepEqual(e2e.handle.errors.filter((e) => !/status of 409/.test(e)), []);
    e2e.handle.errors.length = 0;
  });
});

test('undo reaches back 50 steps after a reload (the service keeps the history)', async () => {
  await withFailureShot(e2e.handle, 'guards-undo-depth', async () => {
    const id = e2e.fixture.identityIds[4];
    // 55 recorded steps through the same service the page talks to (fast), then a fresh page load.
    let { revision } = await e2e.host.service.openEpisode({ ep_id: EP });
    for (let n = 1; n <= 55; n++) {
      ({ revision } = await e2e.host.service.applyReview({ ep_id: EP, revision, command: { op: 'label', identity_id: id, name: `Step ${n}` } }));
    }
    // The address names the episode, so the reload comes back to its grid.
    await e2e.app.page.reload();
    await e2e.app.page.waitForSelector('[data-testid="identity-card"]');
    await e2e.app.settled();
    assert.match(e2e.app.page.url(), new RegExp(`#/ep/${EP}$`));
    assert.equal(await e2e.app.card(id).getByTestId('card-name').textContent(), 'Step 55');
    for (let i = 0; i < 50; i++) await e2e.app.step(() => e2e.app.press('z'));
    assert.equal(ident(await readDoc(), id).labels.name, 'Step 5');
    assert.equal(await e2e.app.card(id).getByTestId('card-name').textContent(), 'Step 5');
    await e2e.app.step(() => e2e.app.press('Shift+Z'));
    assert.equal(ident(await readDoc(), id).labels.name, 'Step 6');
  });
});

test('settings (frame exports toggle, device, cluster threshold) persist across a reload', async () => {
  await withFailureShot(e2e.handle, 'guards-settings', async () => {
    await e2e.app.page.getByTestId('open-settings').click();
    const dialog = e2e.app.page.getByTestId('settings-dialog');
    const frames = dialog.getByTestId('toggle-frame-exports');
    assert.equal(await frames.isChecked(), false, 'frame exports default off (low-disk)');
    await frames.check();
    await dialog.getByTestId('device').selectOption('cpu');
    await dialog.getByTestId('cluster-threshold').fill('0.62');
    await dialog.getByTestId('settings-save').click();
    await dialog.waitFor({ state: 'detached' });
    await e2e.app.settled();
    const saved = await e2e.host.service.getSettings({});
    assert.equal(saved.saveFrames, true);
    assert.equal(saved.device, 'cpu');
    assert.equal(saved.clusterThresh, 0.62);

    // To the Episodes list by its address first, so the reload lands there and not on the episode
    // (browser-side code as a string: this file is type-checked without the DOM library).
    await e2e.app.page.evaluate("location.hash = '#/'");
    await e2e.app.page.waitForSelector('[data-testid="episode-row"]');
    await e2e.app.page.reload();
    await e2e.app.page.waitForSelector('[data-testid="episode-row"]');
    await e2e.app.settled();
    // The run dialog starts from the saved settings, with the same visible toggle.
    await e2e.app.page.getByTestId('new-run').click();
    const run = e2e.app.page.getByTestId('run-dialog');
    assert.equal(await run.getByTestId('toggle-frame-exports').isChecked(), true);
    assert.equal(await run.getByTestId('device').inputValue(), 'cpu');
    assert.equal(await run.getByTestId('cluster-threshold').inputValue(), '0.62');
    await snapshot(e2e.app.page, 'guards-run-dialog');
    await e2e.app.press('Escape');
    assert.deepEqual(e2e.handle.errors, []);
  });
});
