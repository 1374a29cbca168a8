// Cast-library suggestions in Chromium: two episodes of one show from the fixture generator (same
// seed → the same people), two people named in episode 1; episode 2's grid shows the suggested names,
// `y` accepts one, and a rejected suggestion stays gone after a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFixtureEpisode } from '../scripts/fixture-episode';
import { snapshot, withFailureShot } from './fixtures';
import { useReviewApp } from './harness';

const e2e = useReviewApp({
  prefix: 'sa-cast-',
  setup: (workspace) => {
    const common = { workspace, identities: 6, tracksPerIdentity: 3, facesPerTrack: 3, withImages: true, seed: 11, dim: 128 };
    return Promise.all([makeFixtureEpisode({ ...common, epId: 'cast-s01e01' }), makeFixtureEpisode({ ...common, epId: 'cast-s01e02' })]);
  },
  ready: async ({ host, fixture: [ep1] }) => {
    let rev = (await host.service.openEpisode({ ep_id: 'cast-s01e01' })).revision;
    rev = (await host.service.applyReview({ ep_id: 'cast-s01e01', revision: rev, command: { op: 'label', identity_id: ep1.identityIds[0], name: 'Ada Lovelace' } })).revision;
    rev = (await host.service.applyReview({ ep_id: 'cast-s01e01', revision: rev, command: { op: 'label', identity_id: ep1.identityIds[1], name: 'Grace Hopper' } })).revision;
    // Only locked (confirmed) identities teach the cast library.
    rev = (await host.service.applyReview({ ep_id: 'cast-s01e01', revision: rev, command: { op: 'lock', identity_id: ep1.identityIds[0], locked: true } })).revision;
    await host.service.applyReview({ ep_id: 'cast-s01e01', revision: rev, command: { op: 'lock', identity_id: ep1.identityIds[1], locked: true } });
  },
});

const readLabels = (id: string) =>
  JSON.parse(readFileSync(join(e2e.workspace, 'data/manifests/cast-s01e02/identities.json'), 'utf8')).identities.find((i: { identity_id: string }) => i.identity_id === id).labels;

test('suggestions from episode 1 rank first in episode 2; y accepts; a rejection survives a reload', async () => {
  await withFailureShot(e2e.handle, 'cast-suggestions', async () => {
    const ep2 = e2e.fixture[1];
    const [id0, id1] = ep2.identityIds;
    await e2e.app.goto(e2e.host.url);
    await e2e.app.openEpisode('cast-s01e02');
    await e2e.app.card(id0).getByTestId('cast-hint').waitFor();
    assert.match((await e2e.app.card(id0).getByTestId('cast-hint').textContent()) ?? '', /^Ada Lovelace — \d\.\d\d$/);
    assert.match((await e2e.app.card(id1).getByTestId('cast-hint').textContent()) ?? '', /^Grace Hopper — /);
    // People the library has never seen get no hint on their card (their best match is noise).
    for (const other of ep2.identityIds.slice(2)) assert.equal(await e2e.app.card(other).getByTestId('cast-hint').count(), 0);
    await snapshot(e2e.app.page, 'cast-grid');

    // One key accepts the focused card's best suggestion (a journalled label, like typing it).
    await e2e.app.focusCard(id0);
    await e2e.app.step(() => e2e.app.press('y'));
    assert.deepEqual(readLabels(id0), { name: 'Ada Lovelace', person_id: 'ada-lovelace' });
    assert.equal(await e2e.app.card(id0).getByTestId('card-name').textContent(), 'Ada Lovelace');

    // Detail view: the ranked list; reject the best one.
    await e2e.app.openIdentity(id1);
    const first = e2e.app.page.getByTestId('cast-suggestion').first();
    await first.waitFor();
    assert.equal(await first.getAttribute('data-person-id'), 'grace-hopper');
    await first.getByTestId('cast-reject').click();
    await e2e.app.page.locator('[data-testid="cast-suggestion"][data-person-id="grace-hopper"]').waitFor({ state: 'detached' });
    const cast = JSON.parse(readFileSync(join(e2e.workspace, 'data/cast/cast/cast.json'), 'utf8'));
    assert.deepEqual(cast.rejections.map((r: { identity_id: string; person_id: string }) => [r.identity_id, r.person_id]), [[id1, 'grace-hopper']]);

    // Reload: still not offered for that identity.
    await e2e.app.goto(e2e.host.url);
    await e2e.app.openEpisode('cast-s01e02');
    await e2e.app.openIdentity(id1);
    await e2e.app.page.getByTestId('cast-suggestions').waitFor();
    await e2e.app.settled();
    assert.equal(await e2e.app.page.locator('[data-testid="cast-suggestion"][data-person-id="grace-hopper"]').count(), 0);
    assert.deepEqual(readLabels(id1), {}, 'rejecting never labels');
    assert.deepEqual(e2e.handle.errors, []);
  });
});
