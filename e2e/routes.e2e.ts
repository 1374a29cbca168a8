// Navigation that keeps the reviewer's place, in Chromium on the Friends demo run: every view has a
// URL (#/ep/<id>, #/ep/<id>/identity/<id>, #/ep/<id>/timeline), a reload shows the same view, back and
// forward walk the views, an address typed by hand is followed, and an error (said in plain words)
// goes when the reviewer moves on.
import { test } from 'node:test';
import { join } from 'node:path';
import { EVAL_DIR } from '../electron/models/eval-pack';
import assert from 'node:assert/strict';
import { withFailureShot } from './fixtures';
import { useReviewApp } from './harness';
import { friendsDemo, readIdentities } from './real-episode';

const EP = 'friends-s01e01';
// The timeline shows the episode's video, which the host serves from a folder it was started with.
const e2e = useReviewApp({ prefix: 'sa-routes-', setup: (workspace) => friendsDemo(workspace, [EP]), mediaRoots: [join(EVAL_DIR, 'videos')] });

const hash = () => e2e.app.page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);
const view = async () => (await e2e.app.probe()).view;
const identityShown = (id: string) => e2e.app.page.locator(`[data-testid="identity-detail"][data-identity-id="${id}"] [data-testid="track-row"]`).first().waitFor();
const gridShown = () => e2e.app.page.locator('[data-testid="identity-card"]').first().waitFor();

test('an open identity survives a reload; back goes to the grid, forward to the identity; the timeline too', async () => {
  await withFailureShot(e2e.handle, 'routes-reload', async () => {
    const { app } = e2e;
    const id = readIdentities(e2e.workspace, EP).identities.sort((a, b) => b.track_ids.length - a.track_ids.length)[0].identity_id;
    await app.goto(e2e.host.url);
    assert.equal(await hash(), '#/');
    await app.openEpisode(EP);
    assert.equal(await hash(), `#/ep/${EP}`);
    await app.openIdentity(id);
    assert.equal(await hash(), `#/ep/${EP}/identity/${id}`);

    await app.page.reload();
    await identityShown(id);
    await app.settled();
    assert.equal(await view(), 'identity');
    assert.equal(await hash(), `#/ep/${EP}/identity/${id}`);

    await app.page.goBack();
    await gridShown();
    await app.settled();
    assert.equal(await view(), 'people');
    assert.equal(await hash(), `#/ep/${EP}`);
    await app.page.goForward();
    await identityShown(id);
    assert.equal(await view(), 'identity');

    await app.page.getByTestId('open-timeline').click();
    await app.page.getByTestId('timeline').waitFor();
    assert.equal(await hash(), `#/ep/${EP}/timeline`);
    await app.page.reload();
    await app.page.getByTestId('timeline').waitFor();
    await app.settled();
    assert.equal(await view(), 'timeline');
    await app.page.goBack();
    await identityShown(id);
    assert.equal(await hash(), `#/ep/${EP}/identity/${id}`);

    // Leaving the episode for the list is a step back too.
    await app.toEpisodes();
    assert.equal(await hash(), '#/');
    await app.page.goBack();
    await identityShown(id);
    assert.deepEqual(e2e.handle.errors, []);
  });
});

test('an address typed by hand is followed; its error is said in plain words and goes when the reviewer navigates', async () => {
  await withFailureShot(e2e.handle, 'routes-errors', async () => {
    const { app, host } = e2e;
    await app.goto(host.url);
    // A hash change on the loaded page (as typing it in the address bar).
    await app.page.goto(`${host.origin}/#/ep/${EP}/identity/identity-09999`);
    const error = app.page.getByTestId('toast-error');
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /^Opening identity-09999 failed: it is not there any more .*identity-09999 not found in friends-s01e01/);
    assert.equal(await view(), 'identity');
    // Back to the grid (a click): the error is about the view it happened on, and goes with it.
    await app.page.getByRole('button', { name: 'Back', exact: true }).click();
    await gridShown();
    assert.equal(await error.count(), 0);
    assert.equal(await hash(), `#/ep/${EP}`);

    // An episode that is not there: the list, with the error, until the reviewer opens another.
    await app.page.goto(`${host.origin}/#/ep/nope-s01e01`);
    await error.waitFor();
    assert.match((await error.textContent()) ?? '', /^Opening nope-s01e01 failed: /);
    await app.page.waitForSelector('[data-testid="episode-row"]');
    assert.equal(await hash(), '#/');
    await app.openEpisode(EP);
    assert.equal(await error.count(), 0);
    assert.equal(await hash(), `#/ep/${EP}`);
  });
});
