// "Start a run on a new video" from the UI: the real pipeline (worker thread) on the real 82-s TV scene
// (a 10-s clip can be done before a click lands), reported as a progress bar with rate and ETA, then
// cancelled from the UI. Cancel is a message: the run stops between units of work, so no half-written
// identities.json appears.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { episodePaths } from '../shared/layout';
import { repoRoot, snapshot, withFailureShot } from './fixtures';
import { useReviewApp } from './harness';

const VIDEO = join(repoRoot, '..', 'shared', 'eval', 'videos', 'tv_dinner_scene.mp4');
const EP = 'tv-s01e01';
const e2e = useReviewApp();

test('run dialog starts the pipeline, shows progress with ETA, and cancel stops it cleanly', async () => {
  await withFailureShot(e2e.handle, 'run-cancel', async () => {
    assert.ok(existsSync(VIDEO), `eval video missing: ${VIDEO}`);
    await e2e.app.goto(e2e.host.url);
    await e2e.app.page.getByTestId('new-run').click();
    const dialog = e2e.app.page.getByTestId('run-dialog');
    assert.equal(await dialog.getByTestId('run-start').isEnabled(), false, 'needs a video and an episode id');
    await dialog.getByTestId('run-path').fill(VIDEO);
    await dialog.getByTestId('run-ep-id').fill('Not An Id');
    assert.equal(await dialog.getByTestId('run-start').isEnabled(), false, 'refuses a malformed episode id');
    await dialog.getByTestId('run-ep-id').fill(EP);
    await dialog.getByTestId('stride').fill('6');
    assert.equal(await dialog.getByTestId('toggle-frame-exports').isChecked(), false);
    await dialog.getByTestId('run-start').click();

    // Wait for the detector to report real progress: a count with a total, a rate and an ETA.
    const progress = e2e.app.page.getByTestId('run-progress');
    await progress.getByText(/\d+\/\d+ · [\d.]+\/s · ETA \d/).waitFor({ timeout: 60_000 });
    assert.ok(Number(await progress.getByRole('progressbar').getAttribute('aria-valuenow')) > 0);
    assert.match((await progress.textContent()) ?? '', /detect|decode|track|harvest/);
    await snapshot(e2e.app.page, 'run-progress');

    await progress.getByRole('button', { name: 'Cancel' }).click();
    await progress.getByText('cancelled').waitFor({ timeout: 30_000 });
    assert.equal(await progress.getByRole('button', { name: 'Cancel' }).count(), 0);
    assert.equal(existsSync(join(e2e.workspace, episodePaths(EP).identities)), false, 'a cancelled run writes no identities.json');
    const framesDir = join(e2e.workspace, episodePaths(EP).framesDir);
    assert.ok(!existsSync(framesDir) || readdirSync(framesDir).length === 0, 'frame exports were off');
    assert.deepEqual(e2e.handle.errors, []);
  });
});
