// Keyboard-first review: arrows / j k move the focus ring across the grid and track list, Space and
// Shift extend the selection, Enter/Escape move between views, "/" searches, "?" lists the shortcuts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixtureEpisode } from '../scripts/fixture-episode';
import { ACTIONS } from '../renderer/src/actions/registry';
import { snapshot, withFailureShot } from './fixtures';
import { useReviewApp } from './harness';

const EP = 'keys-s01e01';
const e2e = useReviewApp({
  setup: (workspace) =>
    makeFixtureEpisode({
      workspace,
      epId: EP,
      identities: 16,
      tracksPerIdentity: 2,
      facesPerTrack: 3,
      withImages: true,
      names: ['Alice Example', null, 'Bob Sample'],
      locked: [2],
    }),
  ready: async ({ app, host }) => {
    await app.goto(host.url);
    await app.openEpisode(EP);
  },
});

const cardOrder = () =>
  e2e.app.page.getByTestId('identity-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-identity-id') ?? ''));

test('arrows and j/k move a visible focus ring through the grid; Space/Shift select', async () => {
  await withFailureShot(e2e.handle, 'keyboard-grid', async () => {
    const order = await cardOrder();
    assert.equal(order.length, e2e.fixture.identityIds.length);
    const cols = Number(await e2e.app.page.getByTestId('identity-grid').getAttribute('aria-colcount'));
    assert.ok(cols >= 4 && cols < order.length, `a multi-row grid at 1280×800 (cols=${cols})`);

    assert.equal(await e2e.app.focusedCardId(), order[0]);
    await e2e.app.press('ArrowRight');
    assert.equal(await e2e.app.focusedCardId(), order[1]);
    await e2e.app.press('j');
    assert.equal(await e2e.app.focusedCardId(), order[2]);
    await e2e.app.press('k');
    assert.equal(await e2e.app.focusedCardId(), order[1]);
    await e2e.app.press('ArrowDown');
    assert.equal(await e2e.app.focusedCardId(), order[1 + cols], 'down moves one row');
    await e2e.app.press('ArrowUp');
    assert.equal(await e2e.app.focusedCardId(), order[1]);

    // The focus ring is really drawn (a box-shadow), not just a class name.
    // (browser-side code as strings: this file is type-checked without the DOM library)
    const ring = await e2e.app.page.locator('[data-testid="identity-card"].focused').evaluate('(el) => getComputedStyle(el).boxShadow');
    assert.notEqual(ring, 'none');

    await e2e.app.press('Space');
    await e2e.app.press('Shift+ArrowRight');
    const selected = await e2e.app.page.locator('[data-testid="identity-card"][aria-selected="true"]').evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-identity-id')),
    );
    assert.deepEqual(selected.sort(), [order[1], order[2]].sort());
    assert.match((await e2e.app.page.getByRole('toolbar').textContent()) ?? '', /2 selected/);
    await e2e.app.press('Escape');
    assert.equal(await e2e.app.page.locator('[data-testid="identity-card"][aria-selected="true"]').count(), 0);

    // Nothing scrolls sideways at 1280×800.
    const overflow = await e2e.app.page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(overflow, 0);
    await snapshot(e2e.app.page, 'keyboard-grid');
  });
});

test('"/" searches by name and the filter chips narrow the grid', async () => {
  await withFailureShot(e2e.handle, 'keyboard-search', async () => {
    await e2e.app.press('/');
    await e2e.app.page.keyboard.type('bob');
    assert.deepEqual(await cardOrder(), [e2e.fixture.identityIds[2]]);
    await e2e.app.page.getByTestId('search').fill('');
    await e2e.app.press('Escape');
    await e2e.app.page.getByTestId('filter-unlabeled').click();
    assert.equal((await cardOrder()).length, e2e.fixture.identityIds.length - 2);
    await e2e.app.page.getByTestId('filter-unlabeled').click();
    await e2e.app.page.getByTestId('filter-locked').click();
    assert.deepEqual(await cardOrder(), [e2e.fixture.identityIds[2]]);
    await e2e.app.page.getByTestId('filter-locked').click();
    assert.equal((await cardOrder()).length, e2e.fixture.identityIds.length);
  });
});

test('sort by similarity to the selection follows the service’s centroid similarities', async () => {
  await withFailureShot(e2e.handle, 'keyboard-similarity', async () => {
    const ref = (await cardOrder())[5];
    await e2e.app.focusCard(ref);
    await e2e.app.press('Space');
    await e2e.app.page.getByTestId('sort').selectOption('similarity');
    const detail = await e2e.host.service.getIdentityDetail({ ep_id: EP, identity_id: ref });
    const expected = [ref, ...detail.suggestions.map((s) => s.identity_id)];
    await e2e.app.settled();
    assert.deepEqual((await cardOrder()).slice(0, 4), expected.slice(0, 4));
    await e2e.app.page.getByTestId('sort').selectOption('size');
    await e2e.app.press('Escape');
  });
});

test('"?" shows every action that has keys; Escape closes it', async () => {
  await withFailureShot(e2e.handle, 'keyboard-overlay', async () => {
    await e2e.app.page.locator('body').click({ position: { x: 640, y: 790 } });
    await e2e.app.press('?');
    const overlay = e2e.app.page.getByTestId('shortcuts-overlay');
    await overlay.waitFor();
    assert.equal(await overlay.getAttribute('role'), 'dialog');
    const text = (await overlay.textContent()) ?? '';
    for (const a of ACTIONS.filter((x) => x.keys.length > 0)) assert.ok(text.includes(a.label), `overlay lists "${a.label}"`);
    await snapshot(e2e.app.page, 'keyboard-overlay');
    await e2e.app.press('Escape');
    await overlay.waitFor({ state: 'detached' });
  });
});

test('Enter opens the focused identity; j/k and Space work on tracks; Escape goes back', async () => {
  await withFailureShot(e2e.handle, 'keyboard-detail', async () => {
    const order = await cardOrder();
    await e2e.app.focusCard(order[3]);
    await e2e.app.press('Enter');
    const detail = e2e.app.page.locator(`[data-testid="identity-detail"][data-identity-id="${order[3]}"]`);
    await detail.locator('[data-testid="track-row"]').first().waitFor();
    const tracks = await e2e.app.trackIdsShown();
    assert.equal(tracks.length, 2);
    const focusedTrack = () => e2e.app.page.locator('[data-testid="track-row"].focused').getAttribute('data-track-id');
    assert.equal(await focusedTrack(), tracks[0]);
    await e2e.app.press('j');
    assert.equal(await focusedTrack(), tracks[1]);
    await e2e.app.press('Space');
    assert.equal(await e2e.app.trackRow(tracks[1]).getAttribute('aria-selected'), 'true');
    assert.equal(await e2e.app.page.getByTestId('split').isEnabled(), true);
    // A ticked checkbox keeps the focus; the reviewer's keys still work from it (v opens Move…).
    const tick = e2e.app.trackRow(tracks[0]).locator('input[type="checkbox"]');
    await tick.click();
    await e2e.app.press('v');
    await e2e.app.page.getByTestId('move-dialog').waitFor();
    await e2e.app.press('Escape');
    await e2e.app.page.getByTestId('move-dialog').waitFor({ state: 'detached' });
    await tick.click();
    await e2e.app.press('k');
    assert.equal(await focusedTrack(), tracks[0]);
    await e2e.app.press('Escape'); // first Escape clears the track selection
    assert.equal(await e2e.app.trackRow(tracks[1]).getAttribute('aria-selected'), 'false');
    // Merge suggestions: most similar first. "Outliers first": least similar to the centroid on top.
    const sims = async (sel: string) =>
      (await e2e.app.page.locator(sel).allTextContents()).map((t) => Number(/sim (-?[\d.]+)/.exec(t)?.[1]));
    const suggestionSims = await sims('[data-testid="suggestion"]');
    assert.ok(suggestionSims.length > 0);
    assert.deepEqual(suggestionSims, [...suggestionSims].sort((x, y) => y - x));
    await e2e.app.page.getByTestId('order-outliers').click();
    const trackSims = await sims('[data-testid="track-row"]');
    assert.equal(trackSims.length, 2);
    assert.deepEqual(trackSims, [...trackSims].sort((x, y) => x - y));
    await e2e.app.press('Escape'); // second goes back to the grid
    await e2e.app.page.getByTestId('identity-grid').waitFor();
    assert.deepEqual(e2e.handle.errors, []);
  });
});
