// The questions view in Chromium on the Friends demo run (exactly `npm run demo`), copied as a second
// episode of the show: "Same person?" shows a pair of identities, n records a cannot-link in
// review_constraints.json and the pair stays gone after a reload, z takes the answer back, y merges
// (identities.json) and z undoes the merge; in episode 2, after Joey and Ross were named and locked in
// episode 1, "Is this Joey?" shows the identity beside Joey's reference faces, y names it, z takes it
// back, and n on "Is this Ross?" is a rejection in the cast library that z takes back too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { episodePaths } from '../shared/layout';
import { snapshot, withFailureShot } from './fixtures';
import { useReviewApp } from './harness';
import { QuestionsPage } from './pages';
import { friendsCast, friendsDemo, readIdentities } from './real-episode';

const EP1 = 'friends-s01e01';
const EP2 = 'friends-s01e02';

const e2e = useReviewApp({
  prefix: 'sa-questions-',
  setup: async (workspace) => {
    await friendsDemo(workspace, [EP1, EP2]);
    const cast = await friendsCast(workspace, EP1);
    return { joey: cast.identityOfPerson('joey').identity_id, ross: cast.identityOfPerson('ross').identity_id };
  },
  ready: async ({ host, fixture }) => {
    // Named and locked in episode 1: locked identities teach the show's cast library.
    let rev = (await host.service.openEpisode({ ep_id: EP1 })).revision;
    for (const [id, name] of [[fixture.joey, 'Joey'], [fixture.ross, 'Ross']]) {
      rev = (await host.service.applyReview({ ep_id: EP1, revision: rev, command: { op: 'label', identity_id: id, name } })).revision;
      rev = (await host.service.applyReview({ ep_id: EP1, revision: rev, command: { op: 'lock', identity_id: id, locked: true } })).revision;
    }
  },
});

const constraintsOf = (ep: string): { cannot_link: [string[], string[]][] } =>
  JSON.parse(readFileSync(join(e2e.workspace, episodePaths(ep).manifestsDir, 'review_constraints.json'), 'utf8'));
const tracksOf = (ep: string, id: string) => readIdentities(e2e.workspace, ep).identities.find((i) => i.identity_id === id)?.track_ids ?? [];
/** Whether a reviewer cannot-link separates identities a and b (either side first). */
const apart = (ep: string, a: string, b: string) => {
  const [ta, tb] = [tracksOf(ep, a), tracksOf(ep, b)];
  const holds = (side: string[], tracks: string[]) => side.length > 0 && side.every((t) => tracks.includes(t));
  return constraintsOf(ep).cannot_link.some(([l, r]) => (holds(l, ta) && holds(r, tb)) || (holds(l, tb) && holds(r, ta)));
};

test('"Same person?": n is a cannot-link that survives a reload, z takes it back, y merges, z undoes the merge', async () => {
  await withFailureShot(e2e.handle, 'questions-same-person', async () => {
    const { app } = e2e;
    const questions = new QuestionsPage(app);
    await app.goto(e2e.host.url);
    await app.openEpisode(EP1);
    const badge = app.page.getByTestId('questions-badge');
    await badge.waitFor();
    assert.match((await badge.textContent()) ?? '', /^\d+ questions? \(q\)$/);
    await snapshot(app.page, 'questions-badge');
    await questions.open();
    assert.match(await app.page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash), /^#\/ep\/friends-s01e01\/questions$/);

    const first = await questions.current();
    assert.ok(first, 'the Friends run has a same-person question');
    assert.equal(first.title, 'Same person?');
    const total = Number(first.count.split(' of ')[1]);
    assert.equal(first.count, `1 of ${total}`);
    const [a, b] = first.key.replace(/^same:/, '').split('/');
    for (const side of ['question-a', 'question-b']) {
      const n = await app.page.getByTestId(side).locator('img').count();
      assert.ok(n >= 2, `${side}: ${n} faces shown`);
    }
    await app.page.waitForFunction(() => [...(globalThis as unknown as { document: { images: Iterable<{ complete: boolean }> } }).document.images].every((i) => i.complete));
    await snapshot(app.page, 'question-same-person');

    // n: a cannot-link between the two identities' tracks; the question is gone, also after a reload.
    await questions.answer('n');
    assert.ok(apart(EP1, a, b), `cannot-link ${a} / ${b}: ${JSON.stringify(constraintsOf(EP1).cannot_link)}`);
    assert.notEqual((await questions.current())?.key, first.key);
    await app.page.reload();
    await app.page.getByTestId('questions-view').waitFor();
    await questions.shown();
    assert.ok(!(await questions.keys()).includes(first.key), 'not asked again after a reload');

    // z: the answer is taken back and the question is on screen again.
    await questions.answer('z');
    await app.page.locator(`[data-testid="question"][data-question-key="${first.key}"]`).waitFor();
    assert.ok(!apart(EP1, a, b), 'undo removed the cannot-link');

    // y: merged (into the locked / labeled side, else the one with more tracks); z undoes it.
    const before = readIdentities(e2e.workspace, EP1);
    const tracks = [...tracksOf(EP1, a), ...tracksOf(EP1, b)].sort();
    await questions.answer('y');
    const merged = readIdentities(e2e.workspace, EP1);
    assert.equal(merged.identities.length, before.identities.length - 1);
    const kept = merged.identities.filter((i) => i.identity_id === a || i.identity_id === b);
    assert.equal(kept.length, 1, 'one of the two is left');
    assert.deepEqual([...kept[0].track_ids].sort(), tracks, 'holding the tracks of both');
    assert.notEqual((await questions.current())?.key, first.key);
    await questions.answer('z');
    assert.deepEqual(readIdentities(e2e.workspace, EP1).identities.map((i) => [i.identity_id, i.track_ids]), before.identities.map((i) => [i.identity_id, i.track_ids]));
    await app.page.locator(`[data-testid="question"][data-question-key="${first.key}"]`).waitFor();
    assert.deepEqual(e2e.handle.errors, []);
  });
});

test('"Is this Joey?" in episode 2: the identity beside Joey\'s reference faces; y names it, z takes it back; n on Ross rejects, z takes that back', async () => {
  await withFailureShot(e2e.handle, 'questions-cast', async () => {
    const { app, fixture } = e2e;
    const questions = new QuestionsPage(app);
    await app.toEpisodes();
    await app.openEpisode(EP2);
    await app.page.getByTestId('questions-badge').waitFor();
    await questions.open();
    // Episode 2 is a copy of episode 1: the same identity ids, none named yet.
    const joeyKey = `cast:${fixture.joey}/joey`, rossKey = `cast:${fixture.ross}/ross`;
    await questions.goTo(joeyKey);
    assert.equal((await questions.current())?.title, 'Is this Joey?');
    const refs = app.page.getByTestId('question-b').locator('img');
    assert.ok((await refs.count()) >= 1, 'Joey\'s reference faces are shown');
    assert.ok((await refs.first().getAttribute('src'))?.includes(EP1), 'from episode 1');
    assert.ok((await app.page.getByTestId('question-a').locator('img').count()) >= 1);
    await app.page.waitForFunction(() => [...(globalThis as unknown as { document: { images: Iterable<{ complete: boolean }> } }).document.images].every((i) => i.complete));
    await snapshot(app.page, 'question-is-this');

    const labels = (id: string) => readIdentities(e2e.workspace, EP2).identities.find((i) => i.identity_id === id)!.labels;
    await questions.answer('y');
    assert.deepEqual(labels(fixture.joey), { name: 'Joey', person_id: 'joey' });
    assert.notEqual((await questions.current())?.key, joeyKey);
    await questions.answer('z');
    assert.deepEqual(labels(fixture.joey), {});
    await app.page.locator(`[data-testid="question"][data-question-key="${joeyKey}"]`).waitFor();

    await questions.goTo(rossKey);
    await app.press('n');
    await app.page.locator(`[data-testid="question"][data-question-key="${rossKey}"]`).waitFor({ state: 'detached' });
    await app.settled();
    const cast = JSON.parse(readFileSync(join(e2e.workspace, 'data/cast/friends/cast.json'), 'utf8'));
    assert.ok(cast.rejections.some((r: { ep_id: string; identity_id: string; person_id: string }) => r.ep_id === EP2 && r.identity_id === fixture.ross && r.person_id === 'ross'));
    assert.deepEqual(labels(fixture.ross), {}, 'rejecting never labels');

    // z takes the rejection back: out of the library, and the question is asked again.
    await app.press('z');
    await app.page.locator(`[data-testid="question"][data-question-key="${rossKey}"]`).waitFor();
    await app.settled();
    const after = JSON.parse(readFileSync(join(e2e.workspace, 'data/cast/friends/cast.json'), 'utf8'));
    assert.ok(!after.rejections.some((r: { identity_id: string; person_id: string }) => r.identity_id === fixture.ross && r.person_id === 'ross'));
    assert.deepEqual(e2e.handle.errors, []);
  });
});
