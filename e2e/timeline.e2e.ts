// Timeline + screen-time chart in Chromium on a REAL episode: the pipeline (eval pack: SCRFD-500M +
// MobileFaceNet) runs on the Friends clip from ../shared/eval/videos, two identities get names, then
// the Timeline view must show one lane per person (and unlabeled identity) with one bar per
// appearance, the chart must show the service's seconds, and a bar click must open that track.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline } from '../electron/pipeline/orchestrator';
import { EVAL_DIR, loadEvalPack } from '../electron/models/eval-pack';
import { computeEpisodeScreenTime } from '../electron/service/screentime';
import { screentimeDocSchema, type ScreentimeDoc } from '../shared/schema/screentime';
import { snapshot, withFailureShot } from './fixtures';
import { useReviewApp } from './harness';

const EP = 'friends-s01e01';
const VIDEO = join(EVAL_DIR, 'videos', 'sitcom_friends_group.mp4');
const e2e = useReviewApp({
  prefix: 'sa-timeline-',
  // Stride 6 keeps the run short on 2 cores while every shot still has several analysed frames.
  setup: (workspace) => runPipeline({ videoPath: VIDEO, workspace, epId: EP, settings: { stride: 6 }, loadPack: () => loadEvalPack('cpu') }),
});

test('timeline lanes and screen-time chart match the service; a bar opens its track; export writes valid files', async () => {
  await withFailureShot(e2e.handle, 'timeline', async () => {
    // Name the two identities with the most screen time, through the service like the UI does.
    const before = await computeEpisodeScreenTime(e2e.workspace, EP);
    assert.ok(before.identities.length >= 3, `pipeline found ${before.identities.length} identities`);
    const [first, second] = before.identities;
    let rev = (await e2e.host.service.openEpisode({ ep_id: EP })).revision;
    rev = (await e2e.host.service.applyReview({ ep_id: EP, revision: rev, command: { op: 'label', identity_id: first.identity_id, name: 'Person One' } })).revision;
    await e2e.host.service.applyReview({ ep_id: EP, revision: rev, command: { op: 'label', identity_id: second.identity_id, name: 'Person Two' } });
    const doc: ScreentimeDoc = await computeEpisodeScreenTime(e2e.workspace, EP);
    assert.deepEqual(doc.people.map((p) => p.name).sort(), ['Person One', 'Person Two']);
    assert.ok(doc.scene_cuts_known && doc.scenes.length >= 2, 'the detect stage found the clip\'s shot changes');

    await e2e.app.goto(e2e.host.url);
    await e2e.app.openEpisode(EP);
    await e2e.app.page.getByTestId('open-timeline').click();
    const timeline = e2e.app.page.getByTestId('timeline');
    await timeline.locator('.timeline-bar').first().waitFor();

    // One lane per person, then one per unlabeled identity, in the document's order.
    const unlabeled = doc.identities.filter((i) => i.person_id === null);
    const lanes = await timeline.locator('.timeline-lane').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')));
    assert.deepEqual(lanes, [...doc.people.map((p) => `person:${p.person_id}`), ...unlabeled.map((i) => `identity:${i.identity_id}`)]);
    const bars = await timeline.locator('.timeline-bar').count();
    assert.equal(bars, [...doc.people, ...unlabeled].reduce((n, e) => n + e.appearance_count, 0));
    assert.equal(await timeline.locator('.timeline-cut').count(), doc.scenes.length - 1);

    // The chart shows the same seconds and shares.
    const chart = e2e.app.page.getByTestId('screentime-chart');
    for (const p of doc.people) {
      const value = await chart.locator(`[data-row="person:${p.person_id}"] .screentime-value`).textContent();
      assert.equal(value, `${p.seconds.toFixed(1)} s · ${(p.share * 100).toFixed(1)}%`);
    }
    await snapshot(e2e.app.page, 'timeline');

    // Click Person One's first bar → the identity detail opens with that track focused.
    const p1 = doc.people.find((p) => p.name === 'Person One')!;
    const bar = timeline.locator(`[data-lane="person:${p1.person_id}"] .timeline-bar`).first();
    const trackId = await bar.getAttribute('data-track-id');
    assert.equal(trackId, p1.appearances[0].track_ids[0]);
    await bar.click();
    await e2e.app.page.waitForSelector(`[data-testid="identity-detail"][data-identity-id="${first.identity_id}"]`);
    await e2e.app.page.locator(`[data-testid="track-row"][data-track-id="${trackId}"].focused`).waitFor();

    // Export from the view: both files land on disk and the JSON validates.
    await e2e.app.page.getByTestId('open-timeline').click();
    await e2e.app.page.getByTestId('export-screentime').click();
    await e2e.app.page.getByText(/Exported .*screentime\.csv/).waitFor();
    const manifests = join(e2e.workspace, 'data', 'manifests', EP);
    const onDisk = screentimeDocSchema.parse(JSON.parse(readFileSync(join(manifests, 'screentime.json'), 'utf8')));
    assert.deepEqual(onDisk.people, doc.people);
    const csv = readFileSync(join(manifests, 'screentime.csv'), 'utf8').trimEnd().split('\r\n');
    assert.equal(csv.length, 1 + doc.people.length);
    assert.deepEqual(e2e.handle.errors, []);
  });
});
