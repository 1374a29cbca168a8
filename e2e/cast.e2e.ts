// Cast-library suggestions in Chromium: two episodes of one show from the fixture generator (same
// seed → the same people), two people named in episode 1; episode 2's grid shows the suggested names,
// `y` accepts one, and a rejected suggestion stays gone after a reload.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { makeFixtureEpisode, type FixtureEpisode } from '../scripts/fixture-episode';
import { ensureRendererBuilt, launchBrowser, makeTempWorkspace, openPage, snapshot, withFailureShot, type PageHandle } from './fixtures';
import { startHost, type Host } from './host';
import { ReviewApp } from './pages';

let workspace: string;
let ep1: FixtureEpisode;
let ep2: FixtureEpisode;
let host: Host;
let browser: Browser;
let handle: PageHandle;
let app: ReviewApp;

before(async () => {
  workspace = makeTempWorkspace('sa-cast-');
  const common = { workspace, identities: 6, tracksPerIdentity: 3, facesPerTrack: 3, withImages: true, seed: 11, dim: 128 };
  [ep1, ep2] = await Promise.all([
    makeFixtureEpisode({ ...common, epId: 'cast-s01e01' }),
    makeFixtureEpisode({ ...common, epId: 'cast-s01e02' }),
    ensureRendererBuilt(),
  ]);
  host = await startHost(workspace);
  let rev = (await host.service.openEpisode({ ep_id: 'cast-s01e01' })).revision;
  rev = (await host.service.applyReview({ ep_id: 'cast-s01e01', revision: rev, command: { op: 'label', identity_id: ep1.identityIds[0], name: 'Ada Lovelace' } })).revision;
  await host.service.applyReview({ ep_id: 'cast-s01e01', revision: rev, command: { op: 'label', identity_id: ep1.identityIds[1], name: 'Grace Hopper' } });
  browser = await launchBrowser();
  handle = await openPage(browser);
  app = new ReviewApp(handle.page);
});

after(async () => {
  await browser?.close();
  await host?.close();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

const readLabels = (id: string) =>
  JSON.parse(readFileSync(join(workspace, 'data/manifests/cast-s01e02/identities.json'), 'utf8')).identities.find((i: { identity_id: string }) => i.identity_id === id).labels;

test('suggestions from episode 1 rank first in episode 2; y accepts; a rejection survives a reload', async () => {
  await withFailureShot(handle, 'cast-suggestions', async () => {
    const [id0, id1] = ep2.identityIds;
    await app.goto(host.url);
    await app.openEpisode('cast-s01e02');
    await app.card(id0).getByTestId('cast-hint').waitFor();
    assert.match((await app.card(id0).getByTestId('cast-hint').textContent()) ?? '', /^Ada Lovelace — \d\.\d\d$/);
    assert.match((await app.card(id1).getByTestId('cast-hint').textContent()) ?? '', /^Grace Hopper — /);
    // People the library has never seen get no hint on their card (their best match is noise).
    for (const other of ep2.identityIds.slice(2)) assert.equal(await app.card(other).getByTestId('cast-hint').count(), 0);
    await snapshot(app.page, 'cast-grid');

    // One key accepts the focused card's best suggestion (a journalled label, like typing it).
    await app.focusCard(id0);
    await app.step(() => app.press('y'));
    assert.deepEqual(readLabels(id0), { name: 'Ada Lovelace', person_id: 'ada-lovelace' });
    assert.equal(await app.card(id0).getByTestId('card-name').textContent(), 'Ada Lovelace');

    // Detail view: the ranked list; reject the best one.
    await app.openIdentity(id1);
    const first = app.page.getByTestId('cast-suggestion').first();
    await first.waitFor();
    assert.equal(await first.getAttribute('data-person-id'), 'grace-hopper');
    await first.getByTestId('cast-reject').click();
    await app.page.locator('[data-testid="cast-suggestion"][data-person-id="grace-hopper"]').waitFor({ state: 'detached' });
    const cast = JSON.parse(readFileSync(join(workspace, 'data/cast/cast/cast.json'), 'utf8'));
    assert.deepEqual(cast.rejections.map((r: { identity_id: string; person_id: string }) => [r.identity_id, r.person_id]), [[id1, 'grace-hopper']]);

    // Reload: still not offered for that identity.
    await app.goto(host.url);
    await app.openEpisode('cast-s01e02');
    await app.openIdentity(id1);
    await app.page.getByTestId('cast-suggestions').waitFor();
    await app.settled();
    assert.equal(await app.page.locator('[data-testid="cast-suggestion"][data-person-id="grace-hopper"]').count(), 0);
    assert.deepEqual(readLabels(id1), {}, 'rejecting never labels');
    assert.deepEqual(handle.errors, []);
  });
});
