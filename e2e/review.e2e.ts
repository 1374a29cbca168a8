// The review flow end to end, in Chromium against the web host on a fixture episode made from real
// face crops: label, lock, merge, split, remove, move, undo, redo, reload. After every step the test reads
// identities.json back from disk through the validating store reader and checks the change landed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { makeFixtureEpisode, type FixtureEpisode } from '../scripts/fixture-episode';
import { episodeArtifacts } from '../electron/store/artifacts';
import { Workspace } from '../electron/store/workspace';
import type { IdentitiesDoc } from '../shared/schema';
import { ensureRendererBuilt, launchBrowser, makeTempWorkspace, openPage, withFailureShot, snapshot, type PageHandle } from './fixtures';
import { startHost, type Host } from './host';
import { ReviewApp } from './pages';

const EP = 'e2e-s01e01';
let workspace: string;
let fx: FixtureEpisode;
let host: Host;
let browser: Browser;
let handle: PageHandle;
let app: ReviewApp;

const readDoc = (): Promise<IdentitiesDoc> => episodeArtifacts(new Workspace(workspace), EP).readIdentities();
const ident = (doc: IdentitiesDoc, id: string) => doc.identities.find((i) => i.identity_id === id);
const owner = (doc: IdentitiesDoc, trackId: string) => doc.identities.find((i) => i.track_ids.includes(trackId))?.identity_id;

before(async () => {
  workspace = makeTempWorkspace();
  [fx] = await Promise.all([
    makeFixtureEpisode({ workspace, epId: EP, identities: 10, tracksPerIdentity: 3, facesPerTrack: 4, withImages: true }),
    ensureRendererBuilt(),
  ]);
  host = await startHost(workspace);
  browser = await launchBrowser();
  handle = await openPage(browser);
  app = new ReviewApp(handle.page);
});

after(async () => {
  await browser?.close();
  await host?.close();
  if (workspace) rmSync(workspace, { recursive: true, force: true });
});

// One test: the steps build on each other (each one's effect is the next one's input).
test('label, lock, merge, split, remove, move, undo, redo: each lands in identities.json and survives a reload', async () => {
  await withFailureShot(handle, 'review-flow', async () => {
    const [, id2, , id4, , id6, id7] = fx.identityIds;

    await app.goto(host.url);
    await app.openEpisode(EP);
    assert.equal(await app.page.getByTestId('identity-card').count(), fx.identityIds.length);

    // Label (e): name → person_id slug, shown on the card.
    await app.focusCard(id2);
    await app.step(() => app.label('Carol Tester'));
    let doc = await readDoc();
    assert.deepEqual(ident(doc, id2)?.labels, { name: 'Carol Tester', person_id: 'carol-tester' });
    assert.equal(await app.card(id2).getByTestId('card-name').textContent(), 'Carol Tester');

    // Lock (l).
    await app.step(() => app.press('l'));
    doc = await readDoc();
    assert.equal(ident(doc, id2)?.locked, true);
    await app.card(id2).getByTestId('locked-badge').waitFor();

    // Merge (m): select id4 and id6 (no tracks share frames), focus id4 → target id4 ← id6.
    // The swap button reverses the direction; swapping twice returns to id4 as the target.
    await app.focusCard(id6);
    await app.press('Space');
    await app.focusCard(id4);
    await app.press('Space');
    await app.press('m');
    const target = app.page.getByTestId('merge-target');
    assert.match(await target.textContent() ?? '', new RegExp(id4));
    await app.page.getByTestId('merge-swap').click();
    assert.match(await target.textContent() ?? '', new RegExp(id6));
    await app.page.getByTestId('merge-swap').click();
    assert.match(await target.textContent() ?? '', new RegExp(id4));
    await app.step(() => app.confirmMerge());
    doc = await readDoc();
    assert.equal(ident(doc, id6), undefined, 'source identity is gone');
    assert.deepEqual(new Set(ident(doc, id4)?.track_ids), new Set([...fx.tracksOf[3], ...fx.tracksOf[5]]));
    assert.equal(await app.card(id6).count(), 0);
    assert.match(await app.card(id4).textContent() ?? '', /6 tracks/);
    assert.equal(await app.page.locator('[data-testid="identity-card"][aria-selected="true"]').count(), 0, 'selection cleared after the merge');

    // Split (s): in id4's detail, select the two tracks that came from id6 → a new identity.
    await app.openIdentity(id4);
    const [splitA, splitB] = fx.tracksOf[5];
    await app.selectTrackByKeyboard(splitA);
    await app.selectTrackByKeyboard(splitB);
    await app.step(() => app.press('s'));
    doc = await readDoc();
    const created = owner(doc, splitA)!;
    assert.ok(!fx.identityIds.includes(created), `split made a new identity (got ${created})`);
    assert.deepEqual(new Set(ident(doc, created)?.track_ids), new Set([splitA, splitB]));
    assert.equal(owner(doc, fx.tracksOf[5][2]), id4, 'the unselected track stays');
    assert.deepEqual(new Set(await app.trackIdsShown()), new Set(ident(doc, id4)!.track_ids));

    // Remove (r): the remaining ex-id6 track leaves id4 as a singleton (cluster_id null).
    const removed = fx.tracksOf[5][2];
    await app.selectTrackByKeyboard(removed);
    await app.step(() => app.press('r'));
    doc = await readDoc();
    const single = ident(doc, owner(doc, removed)!)!;
    assert.notEqual(single.identity_id, id4);
    assert.deepEqual(single.track_ids, [removed]);
    assert.equal(single.cluster_id, null);
    assert.deepEqual(new Set(await app.trackIdsShown()), new Set(fx.tracksOf[3]));

    // Move (v): one of id4's own tracks → id7, chosen in the dialog's identity picker.
    const moved = fx.tracksOf[3][0];
    await app.selectTrackByKeyboard(moved);
    await app.press('v');
    await app.page.getByTestId('move-dialog').getByTestId('identity-picker').selectOption(id7);
    await app.step(() => app.page.getByTestId('move-confirm').click());
    doc = await readDoc();
    assert.equal(owner(doc, moved), id7);
    assert.ok(!(await app.trackIdsShown()).includes(moved));

    // Undo (z) puts the track back; redo (shift+z) moves it again.
    await app.step(() => app.press('z'));
    doc = await readDoc();
    assert.equal(owner(doc, moved), id4, 'undo restored the move');
    await app.trackRow(moved).waitFor();
    await app.step(() => app.press('Shift+Z'));
    doc = await readDoc();
    assert.equal(owner(doc, moved), id7, 'redo re-applied the move');
    await app.trackRow(moved).waitFor({ state: 'detached' });
    await snapshot(app.page, 'review-detail-after-edits');

    // Reload: the grid shows what is on disk, and the undo history survived (service persists it).
    const onDisk = await readDoc();
    await app.page.reload();
    await app.page.waitForSelector('[data-testid="episode-row"]');
    await app.openEpisode(EP);
    assert.equal(await app.page.getByTestId('identity-card').count(), onDisk.identities.length);
    assert.equal(await app.card(id2).getByTestId('card-name').textContent(), 'Carol Tester');
    await app.card(id2).getByTestId('locked-badge').waitFor();
    assert.equal(await app.card(id6).count(), 0);
    assert.match(await app.card(id7).textContent() ?? '', /4 tracks/);
    await snapshot(app.page, 'review-grid-after-reload');
    await app.step(() => app.press('z'));
    doc = await readDoc();
    assert.equal(owner(doc, moved), id4, 'undo after a reload still works');
    assert.match(await app.card(id7).textContent() ?? '', /3 tracks/);

    // Nothing above should have logged a console error or CSP violation.
    assert.deepEqual(handle.errors, []);
  });
});
