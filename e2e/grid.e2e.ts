// The identity grid a reviewer decides on, on a real episode (the Friends clip through the pipeline):
// face size S / M / L kept across a reload, a face shown large (keys and hover), "Set as cover" on disk
// and undone, the focus staying on the identity the reviewer worked on, Home/End, one Tab stop with
// arrows inside, aria labels and plurals, Tab kept inside dialogs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snapshot, withFailureShot } from './fixtures';
import { useReviewApp } from './harness';
import { FRIENDS_EP, runFriendsPipeline } from './friends';
import { readIdentities } from './real-episode';

const EP = FRIENDS_EP;
const e2e = useReviewApp({
  prefix: 'sa-grid-',
  setup: (workspace) => runFriendsPipeline(workspace),
  ready: async ({ app, host }) => {
    await app.goto(host.url);
    await app.openEpisode(EP);
  },
});

const page = () => e2e.app.page;
const doc = () => readIdentities(e2e.workspace, EP);
const cardOrder = () => page().getByTestId('identity-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-identity-id') ?? ''));
/** The rendered side of the focused card's face, in CSS px. */
const faceWidth = async () => (await page().locator('[data-testid="identity-card"] .card-face').first().boundingBox())!.width;
const activeCardId = () =>
  page().evaluate('document.activeElement && document.activeElement.getAttribute("data-testid") === "identity-card" ? document.activeElement.getAttribute("data-identity-id") : null') as Promise<string | null>;
/** "1 track" / "n tracks": the number and the noun agree. */
const agrees = (text: string, noun: string) =>
  [...text.matchAll(new RegExp(`([\\d,]+) ${noun}(s?)\\b`, 'g'))].every((m) => (Number(m[1].replace(/,/g, '')) === 1) === (m[2] === ''));

async function openFresh(): Promise<void> {
  await e2e.app.goto(e2e.host.url);
  await e2e.app.openEpisode(EP);
}

test('face size S / M / L changes the card faces in px, survives a reload, and the track strips follow', async () => {
  await withFailureShot(e2e.handle, 'grid-size', async () => {
    const widths: Record<string, number> = {};
    for (const [size, min] of [['S', 96], ['M', 160], ['L', 240]] as const) {
      await page().getByTestId(`face-size-${size}`).click();
      widths[size] = await faceWidth();
      // Cards stretch to fill the window edge to edge, never below the size and less than a column more.
      assert.ok(widths[size] >= min && widths[size] < min * 1.5, `${size}: face ${widths[size]} px`);
      await snapshot(page(), `grid-size-${size}`);
    }
    assert.ok(widths.S < widths.M && widths.M < widths.L, JSON.stringify(widths));
    // The grid uses the window: the rightmost card ends near the window's right edge.
    const right = await page().getByTestId('identity-card').evaluateAll((els) => Math.max(...els.map((e) => e.getBoundingClientRect().right)));
    assert.ok(right > 1280 - 40, `cards reach ${right} px of 1280`);

    await openFresh();
    assert.equal(await page().getByTestId('face-size-L').getAttribute('aria-pressed'), 'true');
    assert.equal(Math.round(await faceWidth()), Math.round(widths.L));

    // Keys: - and = step the size; the open identity's track crops follow it.
    await e2e.app.press('-');
    assert.equal(await page().getByTestId('face-size-M').getAttribute('aria-pressed'), 'true');
    await e2e.app.press('=');
    assert.equal(await page().getByTestId('face-size-L').getAttribute('aria-pressed'), 'true');
    await e2e.app.openIdentity((await cardOrder())[0]);
    const cropL = (await page().locator('[data-testid="track-row"] img').first().boundingBox())!.width;
    await e2e.app.press('-');
    const cropM = (await page().locator('[data-testid="track-row"] img').first().boundingBox())!.width;
    assert.deepEqual([cropL, cropM], [144, 96]);
    await e2e.app.press('=');
    await e2e.app.press('Escape');
    await page().getByTestId('identity-grid').waitFor();
    assert.deepEqual(e2e.handle.errors, []);
  });
});

test('a face shown large: v / Shift+Space on the focused card, Escape closes; hover opens it, leaving closes it', async () => {
  await withFailureShot(e2e.handle, 'grid-zoom', async () => {
    const [first, second] = await cardOrder();
    await e2e.app.focusCard(second);
    await e2e.app.press('v');
    const zoom = page().getByTestId('face-zoom');
    await zoom.waitFor();
    assert.match((await zoom.textContent()) ?? '', new RegExp(second));
    const img = zoom.locator('img');
    await page().waitForFunction('document.querySelector(\'[data-testid="face-zoom"] img\')?.complete');
    const [w, h, shown] = await img.evaluate((el) => {
      const i = el as unknown as { naturalWidth: number; naturalHeight: number; getBoundingClientRect(): { width: number } };
      return [i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width];
    });
    // The crop at its natural size (its larger side saved at 160–320 px), not blown up or squeezed.
    assert.ok(Math.max(w, h) >= 160 && Math.max(w, h) <= 320, `crop ${w}×${h} px`);
    assert.equal(Math.round(shown), w);
    await snapshot(page(), 'grid-zoom');
    await e2e.app.press('Escape');
    await zoom.waitFor({ state: 'detached' });
    assert.equal(await e2e.app.focusedCardId(), second, 'Escape closed the zoom only');

    await e2e.app.press('Shift+Space');
    await zoom.waitFor();
    assert.equal(await page().locator('[data-testid="identity-card"][aria-selected="true"]').count(), 0, 'Shift+Space does not select');
    await e2e.app.press('Shift+Space');
    await zoom.waitFor({ state: 'detached' });

    await page().mouse.move(5, 5);
    await e2e.app.card(first).locator('.card-face').hover();
    await zoom.waitFor();
    assert.match((await zoom.textContent()) ?? '', new RegExp(first));
    await page().mouse.move(5, 5);
    await zoom.waitFor({ state: 'detached' });
  });
});

test('Set as cover: the picked face becomes the cover on disk, on the card at once and after a reload; z restores it', async () => {
  await withFailureShot(e2e.handle, 'grid-cover', async () => {
    const id = (await cardOrder())[0];
    const before = doc().identities.find((i) => i.identity_id === id)!.canonical_face_path;
    await e2e.app.openIdentity(id);
    const face = page().locator('[data-testid="face"]:not([data-cover])').nth(2);
    const faceId = await face.getAttribute('data-face-id');
    await face.click();
    const src = decodeURIComponent((await face.locator('img').getAttribute('src')) ?? '');
    const crop = /(crops\/track-\d{5}\/[^?]+\.jpg)/.exec(src)?.[1];
    assert.ok(crop, src);

    // Shown large from the strip too, with its track, frame and time.
    await e2e.app.press('Shift+Space');
    const zoom = page().getByTestId('face-zoom');
    await zoom.waitFor();
    assert.match((await zoom.textContent()) ?? '', new RegExp(`${faceId}.*track-\\d{5}, frame \\d+.*at [\\d.]+ s`));
    await e2e.app.press('Escape');
    await zoom.waitFor({ state: 'detached' });

    await e2e.app.step(() => page().getByTestId('set-cover').click());
    assert.equal(doc().identities.find((i) => i.identity_id === id)!.canonical_face_path, crop);
    assert.equal(await page().locator(`[data-testid="face"][data-face-id="${faceId}"]`).getAttribute('data-cover'), 'true');
    await snapshot(page(), 'grid-cover-strip');
    await e2e.app.press('Escape');
    const cardImg = () => e2e.app.card(id).locator('.card-face img').getAttribute('src').then((s) => decodeURIComponent(s ?? ''));
    assert.ok((await cardImg()).includes(crop), 'the card shows the new cover');
    await snapshot(page(), 'grid-cover-set');

    await openFresh();
    assert.ok((await cardImg()).includes(crop), 'and after a reload');

    await e2e.app.step(() => e2e.app.press('z'));
    assert.equal(doc().identities.find((i) => i.identity_id === id)!.canonical_face_path, before, 'undo restores the cover');
    assert.ok(!(await cardImg()).includes(crop));
  });
});

test('the focus stays on the edited identity after a label, a merge (on the target) and Escape from its page; the order holds', async () => {
  await withFailureShot(e2e.handle, 'grid-focus', async () => {
    await openFresh();
    const order = await cardOrder();
    assert.ok(order.length >= 4, `${order.length} identities`);
    // Label a card whose new name would sort it elsewhere under "Unlabeled first".
    await page().getByTestId('sort').selectOption('unlabeled');
    const sorted = await cardOrder();
    const labeled = sorted[1];
    await e2e.app.focusCard(labeled);
    await e2e.app.step(() => e2e.app.label('Kept In Place'));
    assert.equal(await e2e.app.focusedCardId(), labeled);
    assert.deepEqual(await cardOrder(), sorted, 'no re-sort under the cursor');
    assert.equal(await activeCardId(), labeled, 'the keyboard focus is back on the card');

    // Merge: the focus lands on the identity kept.
    const [a, b] = sorted.slice(2, 4);
    await e2e.app.focusCard(a);
    await e2e.app.press('Space');
    await e2e.app.focusCard(b);
    await e2e.app.press('Space');
    await e2e.app.press('m');
    const kept = (await page().getByTestId('merge-target').getAttribute('data-identity-id'))!;
    // Tracks of the two may share frames: the app then asks first.
    const rev = (await e2e.app.probe()).revision;
    await e2e.app.confirmMerge();
    await e2e.app.confirmIfAsked();
    await e2e.app.settled(rev);
    const gone = kept === a ? b : a;
    assert.equal(await e2e.app.card(gone).count(), 0);
    assert.equal(await e2e.app.focusedCardId(), kept);
    assert.deepEqual(await cardOrder(), sorted.filter((x) => x !== gone), 'the others keep their places');

    // Escape back from an identity's page: the focus is on that identity.
    const visited = sorted.at(-1)!;
    await e2e.app.card(visited).scrollIntoViewIfNeeded();
    await e2e.app.openIdentity(visited);
    await e2e.app.press('Escape');
    await page().getByTestId('identity-grid').waitFor();
    assert.equal(await e2e.app.focusedCardId(), visited);

    // A new sort is the reviewer's choice: then the order is computed afresh.
    await page().getByTestId('sort').selectOption('size');
    const bySize = await cardOrder();
    assert.notDeepEqual(bySize, sorted.filter((x) => x !== gone));
  });
});

test('Home / End go to the first / last card; Tab reaches the grid in one stop and arrows move inside it', async () => {
  await withFailureShot(e2e.handle, 'grid-tab', async () => {
    await openFresh();
    const order = await cardOrder();
    await e2e.app.press('End');
    assert.equal(await e2e.app.focusedCardId(), order.at(-1));
    await e2e.app.press('Home');
    assert.equal(await e2e.app.focusedCardId(), order[0]);

    // From the toolbar's last control, one Tab lands on the focused card; the next leaves the grid.
    await page().getByTestId('face-size-L').focus();
    await e2e.app.press('Tab');
    assert.equal(await activeCardId(), order[0]);
    assert.equal(await page().locator('[data-testid="identity-card"][tabindex="0"]').count(), 1, 'one tab stop');
    await e2e.app.press('ArrowRight');
    assert.equal(await activeCardId(), order[1], 'arrows move the keyboard focus');
    assert.equal(await e2e.app.card(order[1]).getAttribute('tabindex'), '0');
    await e2e.app.press('Tab');
    assert.equal(await activeCardId(), null, 'Tab leaves the grid');
    await e2e.app.press('Shift+Tab');
    assert.equal(await activeCardId(), order[1]);
  });
});

test('aria labels read name, id, counts and lock; plurals agree everywhere; Tab stays inside a dialog', async () => {
  await withFailureShot(e2e.handle, 'grid-aria', async () => {
    await openFresh();
    const d = doc();
    const labels = await page().getByTestId('identity-card').evaluateAll((els) => els.map((e) => [e.getAttribute('data-identity-id') ?? '', e.getAttribute('aria-label') ?? ''] as const));
    for (const [id, label] of labels) {
      const ident = d.identities.find((i) => i.identity_id === id)!;
      const n = ident.track_ids.length;
      const head = `${ident.labels.name ?? 'Unnamed'}, ${id}, ${n} ${n === 1 ? 'track' : 'tracks'}, `;
      assert.ok(label.startsWith(head), `"${label}" starts with "${head}"`);
      assert.match(label, /, \d+ faces?(, locked)?$/);
      assert.ok(agrees(label, 'face'), label);
    }
    assert.ok(d.identities.some((i) => i.track_ids.length === 1), 'the episode has a one-track identity (the singular is seen)');
    const texts = [
      ...(await page().getByTestId('card-counts').allTextContents()),
      (await page().getByTestId('grid-count').textContent()) ?? '',
      (await page().getByTestId('status-counts').textContent()) ?? '',
    ];
    for (const t of texts) assert.ok(agrees(t, 'track') && agrees(t, 'face') && !/\b1 identities\b/.test(t), t);
    assert.match(texts.at(-1)!, new RegExp(`^${d.identities.length} identit(y|ies) · \\d+ tracks?$`));

    await e2e.app.press('e');
    const dialog = page().getByRole('dialog');
    await dialog.waitFor();
    for (let i = 0; i < 8; i++) {
      await e2e.app.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab');
      assert.equal(await page().evaluate('!!document.activeElement.closest(\'[role="dialog"]\')'), true, `Tab ${i + 1} stays in the dialog`);
    }
    await e2e.app.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});
