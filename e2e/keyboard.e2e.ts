// Keyboard-first review: arrows / j k move the focus ring across the grid and track list, Space and
// Shift extend the selection, Enter/Escape move between views, "/" searches, "?" lists the shortcuts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { makeFixtureEpisode, type FixtureEpisode } from '../scripts/fixture-episode';
import { SHORTCUTS } from '../renderer/src/shortcuts';
import { ensureRendererBuilt, launchBrowser, makeTempWorkspace, openPage, snapshot, withFailureShot, type PageHandle } from './fixtures';
import { startHost, type Host } from './host';
import { ReviewApp } from './pages';

const EP = 'keys-s01e01';
let workspace: string;
let fx: FixtureEpisode;
let host: Host;
let browser: Browser;
let handle: PageHandle;
let app: ReviewApp;

before(async () => {
  workspace = makeTempWorkspace();
  [fx] = await Promise.all([
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

const cardOrder = () =>
  app.page.getByTestId('identity-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-identity-id') ?? ''));

test('arrows and j/k move a visible focus ring through the grid; Space/Shift select', async () => {
  await withFailureShot(handle, 'keyboard-grid', async () => {
    const order = await cardOrder();
    assert.equal(order.length, fx.identityIds.length);
    const cols = Number(await app.page.getByTestId('identity-grid').getAttribute('aria-colcount'));
    assert.ok(cols >= 4 && cols < order.length, `a multi-row grid at 1280×800 (cols=${cols})`);

    assert.equal(await app.focusedCardId(), order[0]);
    await app.press('ArrowRight');
    assert.equal(await app.focusedCardId(), order[1]);
    await app.press('j');
    assert.equal(await app.focusedCardId(), order[2]);
    await app.press('k');
    assert.equal(await app.focusedCardId(), order[1]);
    await app.press('ArrowDown');
    assert.equal(await app.focusedCardId(), order[1 + cols], 'down moves one row');
    await app.press('ArrowUp');
    assert.equal(await app.focusedCardId(), order[1]);

    // The focus ring is really drawn (a box-shadow), not just a class name.
    // (browser-side code as strings: this file is type-checked without the DOM library)
    const ring = await app.page.locator('[data-testid="identity-card"].focused').evaluate('(el) => getComputedStyle(el).boxShadow');
    assert.notEqual(ring, 'none');

    await app.press('Space');
    await app.press('Shift+ArrowRight');
    const selected = await app.page.locator('[data-testid="identity-card"][aria-selected="true"]').evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-identity-id')),
    );
    assert.deepEqual(selected.sort(), [order[1], order[2]].sort());
    assert.match((await app.page.getByRole('toolbar').textContent()) ?? '', /2 selected/);
    await app.press('Escape');
    assert.equal(await app.page.locator('[data-testid="identity-card"][aria-selected="true"]').count(), 0);

    // Nothing scrolls sideways at 1280×800.
    const overflow = await app.page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    assert.equal(overflow, 0);
    await snapshot(app.page, 'keyboard-grid');
  });
});

test('"/" searches by name and the filter chips narrow the grid', async () => {
  await withFailureShot(handle, 'keyboard-search', async () => {
    await app.press('/');
    await app.page.keyboard.type('bob');
    assert.deepEqual(await cardOrder(), [fx.identityIds[2]]);
    await app.page.getByTestId('search').fill('');
    await app.press('Escape');
    await app.page.getByTestId('filter-unlabeled').click();
    assert.equal((await cardOrder()).length, fx.identityIds.length - 2);
    await app.page.getByTestId('filter-unlabeled').click();
    await app.page.getByTestId('filter-locked').click();
    assert.deepEqual(await cardOrder(), [fx.identityIds[2]]);
    await app.page.getByTestId('filter-locked').click();
    assert.equal((await cardOrder()).length, fx.identityIds.length);
  });
});

test('sort by similarity to the selection follows the service’s centroid similarities', async () => {
  await withFailureShot(handle, 'keyboard-similarity', async () => {
    const ref = (await cardOrder())[5];
    await app.focusCard(ref);
    await app.press('Space');
    await app.page.getByTestId('sort').selectOption('similarity');
    const detail = await host.service.getIdentityDetail({ ep_id: EP, identity_id: ref });
    const expected = [ref, ...detail.suggestions.map((s) => s.identity_id)];
    await app.settled();
    assert.deepEqual((await cardOrder()).slice(0, 4), expected.slice(0, 4));
    await app.page.getByTestId('sort').selectOption('size');
    await app.press('Escape');
  });
});

test('"?" shows every shortcut; Escape closes it', async () => {
  await withFailureShot(handle, 'keyboard-overlay', async () => {
    await app.page.locator('body').click({ position: { x: 640, y: 790 } });
    await app.press('?');
    const overlay = app.page.getByTestId('shortcuts-overlay');
    await overlay.waitFor();
    assert.equal(await overlay.getAttribute('role'), 'dialog');
    const text = (await overlay.textContent()) ?? '';
    for (const s of SHORTCUTS) assert.ok(text.includes(s.label), `overlay lists "${s.label}"`);
    await snapshot(app.page, 'keyboard-overlay');
    await app.press('Escape');
    await overlay.waitFor({ state: 'detached' });
  });
});

test('Enter opens the focused identity; j/k and Space work on tracks; Escape goes back', async () => {
  await withFailureShot(handle, 'keyboard-detail', async () => {
    const order = await cardOrder();
    await app.focusCard(order[3]);
    await app.press('Enter');
    const detail = app.page.locator(`[data-testid="identity-detail"][data-identity-id="${order[3]}"]`);
    await detail.locator('[data-testid="track-row"]').first().waitFor();
    const tracks = await app.trackIdsShown();
    assert.equal(tracks.length, 2);
    const focusedTrack = () => app.page.locator('[data-testid="track-row"].focused').getAttribute('data-track-id');
    assert.equal(await focusedTrack(), tracks[0]);
    await app.press('j');
    assert.equal(await focusedTrack(), tracks[1]);
    await app.press('Space');
    assert.equal(await app.trackRow(tracks[1]).getAttribute('aria-selected'), 'true');
    assert.equal(await app.page.getByTestId('split').isEnabled(), true);
    await app.press('k');
    assert.equal(await focusedTrack(), tracks[0]);
    await app.press('Escape'); // first Escape clears the track selection
    assert.equal(await app.trackRow(tracks[1]).getAttribute('aria-selected'), 'false');
    // Merge suggestions: most similar first. "Outliers first": least similar to the centroid on top.
    const sims = async (sel: string) =>
      (await app.page.locator(sel).allTextContents()).map((t) => Number(/sim (-?[\d.]+)/.exec(t)?.[1]));
    const suggestionSims = await sims('[data-testid="suggestion"]');
    assert.ok(suggestionSims.length > 0);
    assert.deepEqual(suggestionSims, [...suggestionSims].sort((x, y) => y - x));
    await app.page.getByTestId('order-outliers').click();
    const trackSims = await sims('[data-testid="track-row"]');
    assert.equal(trackSims.length, 2);
    assert.deepEqual(trackSims, [...trackSims].sort((x, y) => x - y));
    await app.press('Escape'); // second goes back to the grid
    await app.page.getByTestId('identity-grid').waitFor();
    assert.deepEqual(handle.errors, []);
  });
});
