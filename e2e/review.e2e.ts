// The review flow end to end, in Chromium against the web host on a fixture episode made from real
// face crops: label, lock, merge, split, remove, move, undo, redo, reload. After every step the test reads
// identities.json back from disk through the validating store reader and checks the change landed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixtureEpisode } from '../scripts/fixture-episode';
import { episodeArtifacts } from '../electron/store/artifacts';
import { Workspace } from '../electron/store/workspace';
import type { IdentitiesDoc } from '../shared/schema';
import { withFailureShot, snapshot } from './fixtures';
import { useReviewApp } from './harness';

const EP = 'e2e-s01e01';
const e2e = useReviewApp({
  setup: (workspace) => makeFixtureEpisode({ workspace, epId: EP, identities: 10, tracksPerIdentity: 3, facesPerTrack: 4, withImages: true }),
});

const readDoc = (): Promise<IdentitiesDoc> => episodeArtifacts(new Workspace(e2e.workspace), EP).readIdentities();
const ident = (doc: IdentitiesDoc, id: string) => doc.identities.find((i) => i.identity_id === id);
const owner = (doc: IdentitiesDoc, trackId: string) => doc.identities.find((i) => i.track_ids.includes(trackId))?.identity_id;

// One test: the steps build on each other (each one's effect is the next one's input).
test('label, lock, merge, split, remove, move, undo, redo: each lands in identities.json and survives a reload', async () => {
  await withFailureShot(e2e.handle, 'review-flow', async () => {
    const [, id2, , id4, , id6, id7] = e2e.fixture.identityIds;

    await e2e.app.goto(e2e.host.url);
    await e2e.app.openEpisode(EP);
    assert.equal(await e2e.app.page.getByTestId('identity-card').count(), e2e.fixture.identityIds.length);

    // Label (e): name → person_id slug, shown on the card.
    await e2e.app.focusCard(id2);
    await e2e.app.step(() => e2e.app.label('Carol Tester'));
    let doc = await readDoc();
    assert.deepEqual(ident(doc, id2)?.labels, { name: 'Carol Tester', person_id: 'carol-tester' });
    assert.equal(await e2e.app.card(id2).getByTestId('card-name').textContent(), 'Carol Tester');

    // Lock (l).
    await e2e.app.step(() => e2e.app.press('l'));
    doc = await readDoc();
    assert.equal(ident(doc, id2)?.locked, true);
    await e2e.app.card(id2).getByTestId('locked-badge').waitFor();

    // Merge (m): select id4 and id6 (no tracks share frames) → kept id4 ← id6 (same size: the lower id).
    // The swap button reverses the direction; swapping twice returns to id4 as the kept one.
    await e2e.app.focusCard(id6);
    await e2e.app.press('Space');
    await e2e.app.focusCard(id4);
    await e2e.app.press('Space');
    await e2e.app.press('m');
    const target = e2e.app.page.getByTestId('merge-target');
    assert.match(await target.textContent() ?? '', new RegExp(id4));
    await e2e.app.page.getByTestId('merge-swap').click();
    assert.match(await target.textContent() ?? '', new RegExp(id6));
    await e2e.app.page.getByTestId('merge-swap').click();
    assert.match(await target.textContent() ?? '', new RegExp(id4));
    await e2e.app.step(() => e2e.app.confirmMerge());
    doc = await readDoc();
    assert.equal(ident(doc, id6), undefined, 'source identity is gone');
    assert.deepEqual(new Set(ident(doc, id4)?.track_ids), new Set([...e2e.fixture.tracksOf[3], ...e2e.fixture.tracksOf[5]]));
    assert.equal(await e2e.app.card(id6).count(), 0);
    assert.match(await e2e.app.card(id4).textContent() ?? '', /6 tracks/);
    assert.equal(await e2e.app.page.locator('[data-testid="identity-card"][aria-selected="true"]').count(), 0, 'selection cleared after the merge');

    // Split (s): in id4's detail, select the two tracks that came from id6 → a new identity.
    await e2e.app.openIdentity(id4);
    const [splitA, splitB] = e2e.fixture.tracksOf[5];
    await e2e.app.selectTrackByKeyboard(splitA);
    await e2e.app.selectTrackByKeyboard(splitB);
    await e2e.app.step(() => e2e.app.press('s'));
    doc = await readDoc();
    const created = owner(doc, splitA)!;
    assert.ok(!e2e.fixture.identityIds.includes(created), `split made a new identity (got ${created})`);
    assert.deepEqual(new Set(ident(doc, created)?.track_ids), new Set([splitA, splitB]));
    assert.equal(owner(doc, e2e.fixture.tracksOf[5][2]), id4, 'the unselected track stays');
    assert.deepEqual(new Set(await e2e.app.trackIdsShown()), new Set(ident(doc, id4)!.track_ids));

    // Remove (r): the remaining ex-id6 track leaves id4 as a singleton (cluster_id null).
    const removed = e2e.fixture.tracksOf[5][2];
    await e2e.app.selectTrackByKeyboard(removed);
    await e2e.app.step(() => e2e.app.press('r'));
    doc = await readDoc();
    const single = ident(doc, owner(doc, removed)!)!;
    assert.notEqual(single.identity_id, id4);
    assert.deepEqual(single.track_ids, [removed]);
    assert.equal(single.cluster_id, null);
    assert.deepEqual(new Set(await e2e.app.trackIdsShown()), new Set(e2e.fixture.tracksOf[3]));

    // Move (v): one of id4's own tracks → id7, chosen in the dialog's identity picker.
    const moved = e2e.fixture.tracksOf[3][0];
    await e2e.app.selectTrackByKeyboard(moved);
    await e2e.app.press('v');
    await e2e.app.page.getByTestId('move-dialog').locator(`[data-testid="picker-candidate"][data-identity-id="${id7}"]`).click();
    await e2e.app.step(() => e2e.app.page.getByTestId('move-confirm').click());
    doc = await readDoc();
    assert.equal(owner(doc, moved), id7);
    assert.ok(!(await e2e.app.trackIdsShown()).includes(moved));

    // Undo (z) puts the track back; redo (shift+z) moves it again.
    await e2e.app.step(() => e2e.app.press('z'));
    doc = await readDoc();
    assert.equal(owner(doc, moved), id4, 'undo restored the move');
    await e2e.app.trackRow(moved).waitFor();
    await e2e.app.step(() => e2e.app.press('Shift+Z'));
    doc = await readDoc();
    assert.equal(owner(doc, moved), id7, 'redo re-applied the move');
    await e2e.app.trackRow(moved).waitFor({ state: 'detached' });
    await snapshot(e2e.app.page, 'review-detail-after-edits');

    // Reload: the grid shows what is on disk, and the undo history survived (service persists it).
    const onDisk = await readDoc();
    // The address names the identity on screen, so the reload comes back to it; Escape goes to the grid.
    await e2e.app.page.reload();
    await e2e.app.page.waitForSelector('[data-testid="track-row"]');
    assert.match(e2e.app.page.url(), new RegExp(`#/ep/${EP}/identity/identity-\\d+$`));
    await e2e.app.press('Escape');
    await e2e.app.page.waitForSelector('[data-testid="identity-card"]');
    await e2e.app.settled();
    assert.equal(await e2e.app.page.getByTestId('identity-card').count(), onDisk.identities.length);
    assert.equal(await e2e.app.card(id2).getByTestId('card-name').textContent(), 'Carol Tester');
    await e2e.app.card(id2).getByTestId('locked-badge').waitFor();
    assert.equal(await e2e.app.card(id6).count(), 0);
    assert.match(await e2e.app.card(id7).textContent() ?? '', /4 tracks/);
    await snapshot(e2e.app.page, 'review-grid-after-reload');
    await e2e.app.step(() => e2e.app.press('z'));
    doc = await readDoc();
    assert.equal(owner(doc, moved), id4, 'undo after a reload still works');
    assert.match(await e2e.app.card(id7).textContent() ?? '', /3 tracks/);

    // Nothing above should have logged a console error or CSP violation.
    assert.deepEqual(e2e.handle.errors, []);
  });
});
