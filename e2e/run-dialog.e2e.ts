// Runs from the UI in the web host, on real clips: the video is picked with the file browser over the
// host's folders (the workspace and a --media-root), bad input keeps the dialog open with the message
// next to its field and every typed value, the Fast preset runs the real pipeline with the stepper
// advancing and Open going to the episode, and a cancelled run offers Resume (which carries on after
// the finished stages) and Delete (which removes the half-made episode).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { episodeFolders, episodePaths } from '../shared/layout';
import { EVAL_DIR } from '../electron/models/eval-pack';
import { sidePaths } from '../electron/pipeline/sidefiles';
import { makeTempWorkspace, snapshot, withFailureShot } from './fixtures';
import { useReviewApp } from './harness';
import { RunPage } from './pages';

// The host's media root: a season folder with the short clip, and the 82-s TV scene at the top.
const media = makeTempWorkspace('sa-e2e-media-');
mkdirSync(join(media, 'Season 1'));
copyFileSync(join(EVAL_DIR, 'videos', 'short_hamilton_clip.mp4'), join(media, 'Season 1', 'hamilton-s01e01.mp4'));
copyFileSync(join(EVAL_DIR, 'videos', 'tv_dinner_scene.mp4'), join(media, 'tv-s01e05.mp4'));
writeFileSync(join(media, 'Season 1', 'notes.mp4'), 'not a video');

after(() => rmSync(media, { recursive: true, force: true }));

const e2e = useReviewApp({ mediaRoots: [media] });
/** Refused starts answer 4xx, which Chromium logs as failed loads; anything else is an error. */
const pageErrors = () => e2e.handle.errors.filter((e) => !/status of 40\d/.test(e));
const runPage = () => new RunPage(e2e.app.page);
const runState = (ep: string) => JSON.parse(readFileSync(join(e2e.workspace, sidePaths(ep).runState), 'utf8')) as { stages: Record<string, { finished_at: string; settings: Record<string, unknown> }> };

test('the file browser picks a clip; bad input keeps the dialog open, the message by its field, the values kept', async () => {
  await withFailureShot(e2e.handle, 'run-dialog-browse', async () => {
    const run = runPage();
    await e2e.app.goto(e2e.host.url);
    await run.open();
    await run.dialog.getByTestId('run-browse').click();
    const browser = run.dialog.getByTestId('file-browser');
    // The host's folders: the workspace and the media root, which it opens on.
    await run.entry('video', 'tv-s01e05.mp4').waitFor();
    assert.deepEqual(await browser.getByTestId('browse-root').locator('option').allTextContents(), [e2e.workspace, media]);
    assert.equal(await browser.getByTestId('browse-up').isDisabled(), true, 'no level above a root');
    await run.entry('dir', 'Season 1').click();
    await run.entry('video', 'hamilton-s01e01.mp4').waitFor();
    await browser.getByTestId('browse-up').click();
    await run.entry('dir', 'Season 1').click();
    await snapshot(e2e.app.page, 'run-dialog-browser');
    await run.entry('video', 'hamilton-s01e01.mp4').click();
    assert.equal(await run.dialog.getByTestId('run-path').inputValue(), join(media, 'Season 1', 'hamilton-s01e01.mp4'));
    assert.equal(await run.dialog.getByTestId('run-ep-id').inputValue(), 'hamilton-s01e01', 'the id read from the file name');

    // A file that is not a video: refused by the host, the message under the path, nothing lost.
    await run.dialog.getByTestId('run-path').fill(join(media, 'Season 1', 'notes.mp4'));
    await run.dialog.getByTestId('run-start').click();
    await run.dialog.getByTestId('run-path-error').getByText(/not a readable video/).waitFor();
    assert.equal(await run.dialog.getByTestId('run-path').getAttribute('aria-invalid'), 'true');
    assert.equal(await run.dialog.getByTestId('run-ep-id').inputValue(), 'hamilton-s01e01');
    await snapshot(e2e.app.page, 'run-dialog-field-error');
    // A path that does not exist: the same, and closing and reopening the dialog keeps what was typed.
    await run.dialog.getByTestId('run-path').fill('/nowhere/show.mp4');
    await run.dialog.getByTestId('run-start').click();
    await run.dialog.getByTestId('run-path-error').getByText(/no file at \/nowhere\/show\.mp4/).waitFor();
    await e2e.app.press('Escape');
    await run.dialog.waitFor({ state: 'detached' });
    await run.open();
    assert.equal(await run.dialog.getByTestId('run-path').inputValue(), '/nowhere/show.mp4');
    assert.equal(await run.dialog.getByTestId('run-ep-id').inputValue(), 'hamilton-s01e01');
    await e2e.app.press('Escape');
    assert.deepEqual(pageErrors(), []);
  });
});

test('the Fast preset runs the real clip: the stepper advances, one ETA for the run, Open goes to the episode', async () => {
  await withFailureShot(e2e.handle, 'run-dialog-fast', async () => {
    const run = runPage();
    await run.open();
    await run.browse(media, ['Season 1'], 'hamilton-s01e01.mp4');
    await run.dialog.getByTestId('preset-fast').click();
    assert.equal(await run.dialog.getByTestId('preset-fast').getAttribute('aria-checked'), 'true');
    assert.equal(await run.dialog.getByTestId('setting-analyzeFps').inputValue(), '6', 'the analysis rate the preset sets, shown');
    await run.dialog.getByTestId('advanced').locator('summary').click();
    assert.equal(await run.dialog.getByTestId('setting-maxFacesPerTrack').inputValue(), '10');
    await run.dialog.getByText('most faces sampled per track').waitFor();
    await run.dialog.getByText('Faces', { exact: true }).scrollIntoViewIfNeeded();
    await snapshot(e2e.app.page, 'run-dialog-presets-advanced');
    await run.dialog.getByTestId('run-start').click();
    await run.dialog.waitFor({ state: 'detached' });

    await run.step('detect', 'current').waitFor({ timeout: 240_000 });
    await run.progress.getByText(/detect \d+\/\d+ · [\d.]+\/s · ETA \d.* for the whole run/).waitFor({ timeout: 60_000 });
    await snapshot(e2e.app.page, 'run-stepper-mid-run');
    await run.ended('done');
    for (const stage of ['detect', 'track', 'harvest', 'pool', 'cluster']) assert.equal(await run.step(stage, 'done').count(), 1, stage);
    assert.equal(Number(await run.progress.getByRole('progressbar').getAttribute('aria-valuenow')), 100);
    assert.equal(runState('hamilton-s01e01').stages.detect.settings.analyzeFps, 6, 'the run read the preset');
    await snapshot(e2e.app.page, 'run-done');
    await run.progress.getByTestId('run-open').click();
    await e2e.app.page.waitForSelector('[data-testid="identity-card"]');
    assert.equal((await e2e.app.probe()).epId, 'hamilton-s01e01');
  });
});

test('a cancelled run offers Resume, which carries on after the finished stages, and Delete, which removes it', async () => {
  await withFailureShot(e2e.handle, 'run-dialog-resume', async () => {
    const run = runPage();
    const EP = 'tv-s01e05';
    await e2e.app.page.getByRole('button', { name: 'Episodes', exact: true }).click();
    await run.open();
    await run.browse(media, [], 'tv-s01e05.mp4');
    assert.equal(await run.dialog.getByTestId('preset-fast').getAttribute('aria-checked'), 'true', 'the last run\'s settings are kept');
    // An existing episode id without Re-run is refused next to the id.
    await run.dialog.getByTestId('run-ep-id').fill('hamilton-s01e01');
    await run.dialog.getByTestId('run-start').click();
    await run.dialog.getByTestId('run-ep-error').getByText(/already exists/).waitFor();
    await run.dialog.getByTestId('run-ep-id').fill(EP);
    // Frame exports on: the harvest then decodes its frames itself and lasts seconds, time enough to
    // cancel in (otherwise the detection pass harvests and what follows it takes under a second).
    await run.dialog.getByTestId('toggle-frame-exports').check();
    await run.dialog.getByTestId('run-start').click();
    await run.dialog.waitFor({ state: 'detached' });

    // Cancel once detection is done: the episode is half made.
    await run.step('detect', 'done').waitFor({ timeout: 300_000 });
    await run.progress.getByRole('button', { name: 'Cancel' }).click();
    await run.ended('cancelled', 60_000);
    assert.match((await run.progress.getByTestId('run-state').textContent()) ?? '', /^cancelled while .*Resume carries on/);
    const detected = runState(EP).stages.detect.finished_at;
    assert.ok(!existsSync(join(e2e.workspace, episodePaths(EP).identities)), 'half made: no identities yet');
    await run.progress.getByTestId('run-delete').waitFor();
    await snapshot(e2e.app.page, 'run-cancelled');

    // Resume: detection is not done again; the run goes on from the next stage.
    await run.progress.getByTestId('run-resume').click();
    await e2e.app.page.locator('[data-testid="run-progress"][data-state="running"] [data-step="harvest"][data-state="current"]').waitFor({ timeout: 300_000 });
    assert.equal(await run.step('detect', 'done').count(), 1);
    await run.progress.getByRole('button', { name: 'Cancel' }).click();
    await run.ended('cancelled', 60_000);
    assert.equal(runState(EP).stages.detect.finished_at, detected, 'the resumed run kept the finished detection');
    assert.ok(runState(EP).stages.track, 'and carried on past it');

    await run.progress.getByTestId('run-delete').click();
    await run.progress.waitFor({ state: 'detached' });
    for (const f of episodeFolders(EP)) assert.equal(existsSync(join(e2e.workspace, f)), false, f);
    await e2e.app.page.locator(`[data-testid="episode-row"][data-ep-id="hamilton-s01e01"]`).waitFor();
    assert.equal(await e2e.app.page.locator(`[data-testid="episode-row"][data-ep-id="${EP}"]`).count(), 0, 'no longer listed');
    assert.deepEqual(pageErrors(), []);
  });
});

test('a run that fails says why in plain words and offers Retry; Dismiss clears it', async () => {
  await withFailureShot(e2e.handle, 'run-dialog-failed', async () => {
    const run = runPage();
    // A model pack that is not installed: the job fails when it loads the models.
    await e2e.host.service.setSettings({ packId: 'yunet' });
    await e2e.app.goto(`${e2e.host.origin}/`);
    await run.open();
    await run.dialog.getByTestId('run-path').fill(join(media, 'Season 1', 'hamilton-s01e01.mp4'));
    await run.dialog.getByTestId('run-ep-id').fill('hamilton-s01e02');
    await run.dialog.getByTestId('run-start').click();
    await run.dialog.waitFor({ state: 'detached' });
    await run.ended('failed', 120_000);
    const said = (await run.progress.getByTestId('run-state').textContent()) ?? '';
    assert.match(said, /^failed .*: pack "yunet": model file .* is missing .*Retry resumes/);
    assert.ok(!said.includes(e2e.workspace), 'no internal paths');
    assert.equal(await run.progress.getByTestId('run-resume').textContent(), 'Retry');
    await snapshot(e2e.app.page, 'run-failed');
    await run.progress.getByTestId('run-dismiss').click();
    await run.progress.waitFor({ state: 'detached' });
    await e2e.host.service.setSettings({ packId: 'default' });
    assert.deepEqual(pageErrors(), []);
  });
});
