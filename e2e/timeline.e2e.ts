// Timeline + screen-time chart in Chromium on a REAL episode: the pipeline (eval pack: SCRFD-500M +
// MobileFaceNet) runs on the Friends clip from ../shared/eval/videos, two identities get names, then
// the Timeline view must show one lane per person (and unlabeled identity) with one bar per
// appearance, the chart must show the service's seconds, and a bar click must open that track.
// Then, as an editor uses it: zoom (keys, buttons, wheel) rescales the lanes, a drag pans, a click on a
// lane seeks the episode's video and the playhead follows the video as it plays; Export downloads the
// service's CSV in the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline } from '../electron/pipeline/orchestrator';
import type { Locator, Page } from 'playwright-core';
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
  mediaRoots: [join(EVAL_DIR, 'videos')],
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

// The page's elements as the checks below read them (no DOM library in this tsconfig; types only).
type Page$ = { document: { querySelector(sel: string): unknown } };
type VideoEl = { currentTime: number; paused: boolean; readyState: number; seeking: boolean; play(): Promise<void>; pause(): void };

/** The chart's shown window (seconds) as the SVG reports it. */
async function shownWindow(timeline: Locator): Promise<{ start: number; span: number }> {
  const svg = timeline.locator('svg.timeline-svg');
  return { start: Number(await svg.getAttribute('data-start')), span: Number(await svg.getAttribute('data-span')) };
}

/** A bar's drawn width in the chart's pixels (the SVG's user units are CSS pixels). */
const widthOf = async (l: Locator): Promise<number> => Number(await l.getAttribute('width'));

const near = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (±${tol})`);

type Box = { x: number; y: number; width: number; height: number };

/** One colour per lane, each lane's bars in it; every person's lane starts with their face. */
async function checkLanesLook(page: Page, timeline: Locator, doc: ScreentimeDoc): Promise<void> {
  const colours = await timeline.locator('.timeline-lane').evaluateAll((els) => els.map((e) => e.getAttribute('data-color')));
  assert.equal(new Set(colours).size, colours.length, 'one colour per lane');
  const p1 = doc.people[0];
  const lane = timeline.locator(`[data-lane="person:${p1.person_id}"]`);
  assert.equal(await lane.locator('.timeline-bar').first().getAttribute('fill'), await lane.getAttribute('data-color'));
  await page.waitForFunction((n) => {
    const imgs = [...((globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<{ getAttribute(a: string): string | null }> } }).document.querySelectorAll('[data-testid="lane-face"]'))];
    return imgs.length >= n;
  }, doc.people.length);
}

/** Zoom (key, button, Fit, wheel) rescales the lanes around the right time; a drag pans. Returns the plot's geometry and the window left. */
async function checkZoomAndPan(page: Page, timeline: Locator): Promise<{ bg: Box; svgBox: Box; panned: { start: number; span: number } }> {
  // Zoom: the key doubles the scale, the button doubles it again, Fit (0) restores it.
  const bars = timeline.locator('.timeline-bar');
  const widths = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))));
  const widest = bars.nth(widths.indexOf(Math.max(...widths)));
  const w0 = await widthOf(widest);
  const whole = await shownWindow(timeline);
  const svg = timeline.locator('svg.timeline-svg');
  await page.locator('body').press('+');
  await svg.and(page.locator(`[data-span="${whole.span / 2}"]`)).waitFor();
  near(await widthOf(widest), w0 * 2, 1e-6, 'bar width after +');
  await page.getByTestId('timeline-zoom-in').click();
  near((await shownWindow(timeline)).span, whole.span / 4, 1e-6, 'span after the zoom-in button');
  near(await widthOf(widest), w0 * 4, 1e-6, 'bar width after the zoom-in button');
  await page.locator('body').press('0');
  near((await shownWindow(timeline)).span, whole.span, 1e-6, 'span after Fit');
  near(await widthOf(widest), w0, 1e-6, 'bar width after Fit');

  // The wheel over the axis zooms around the pointer: the time under it stays under it.
  const bg = await timeline.locator('.timeline-lane-bg').first().boundingBox();
  const svgBox = await svg.boundingBox();
  assert.ok(bg && svgBox);
  const px = bg.x + bg.width * 0.3, axisY = svgBox.y + 8;
  const tUnder = whole.start + 0.3 * whole.span;
  await page.mouse.move(px, axisY);
  await page.mouse.wheel(0, -400);
  await svg.and(page.locator(`[data-span="${whole.span / 2}"]`)).waitFor();
  const zoomed = await shownWindow(timeline);
  near(zoomed.start + 0.3 * zoomed.span, tUnder, 0.01, 'time under the pointer');

  // Drag 100 px to the left: the window moves 100 px of time later.
  await page.mouse.down();
  await page.mouse.move(px - 50, axisY);
  await page.mouse.move(px - 100, axisY);
  await page.mouse.up();
  const panned = await shownWindow(timeline);
  near(panned.start - zoomed.start, (100 / bg.width) * zoomed.span, 0.01, 'pan after a 100 px drag');

  return { bg, svgBox, panned };
}

/** A click on a lane seeks the video, the playhead is drawn there, and follows the video as it plays. */
async function checkSeekAndPlay(page: Page, timeline: Locator, { bg, svgBox, panned }: Awaited<ReturnType<typeof checkZoomAndPan>>): Promise<void> {
  // A click on a lane (where it has no bar: a bar opens its track) seeks the video there; the
  // playhead is drawn at the click.
  const lastLane = timeline.locator('.timeline-lane').last();
  const laneBg = await lastLane.locator('.timeline-lane-bg').boundingBox();
  const laneBars = await lastLane.locator('.timeline-bar').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('x')), Number(e.getAttribute('width'))]));
  assert.ok(laneBg);
  const left = bg.x - svgBox.x;
  const fraction = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8].find((f) => laneBars.every(([x, w]) => left + f * bg.width < x - 2 || left + f * bg.width > x + w + 2));
  assert.ok(fraction !== undefined, 'a free spot on the last lane');
  await page.mouse.click(bg.x + bg.width * fraction, laneBg.y + laneBg.height / 2);
  const target = panned.start + fraction * panned.span;
  await page.waitForFunction((t) => {
    const v = (globalThis as unknown as Page$).document.querySelector('[data-testid="timeline-video"]') as VideoEl;
    return !v.seeking && Math.abs(v.currentTime - t) < 0.05;
  }, target);
  const head = page.getByTestId('playhead');
  near(Number(await head.getAttribute('data-time')), target, 0.05, 'playhead time after the click');
  const headBox = await head.locator('line').boundingBox();
  assert.ok(headBox);
  near(headBox.x + headBox.width / 2, bg.x + bg.width * fraction, 2, 'playhead x');

  // Space plays the video and the playhead moves with it; Space again pauses it.
  await page.locator('body').press(' ');
  await page.waitForFunction((t) => ((globalThis as unknown as Page$).document.querySelector('[data-testid="timeline-video"]') as VideoEl).currentTime > t + 0.5, target);
  await page.locator('body').press(' ');
  await page.waitForFunction(() => ((globalThis as unknown as Page$).document.querySelector('[data-testid="timeline-video"]') as VideoEl).paused);
  const videoT = await page.evaluate(() => ((globalThis as unknown as Page$).document.querySelector('[data-testid="timeline-video"]') as VideoEl).currentTime);
  await page.waitForFunction((t) => Math.abs(Number((((globalThis as unknown as Page$).document.querySelector('[data-testid="playhead"]') as { getAttribute(a: string): string } | null)?.getAttribute('data-time') ?? NaN)) - t) < 1e-3, videoT);
  assert.ok(videoT > target + 0.5, 'the video played on');
  await snapshot(page, 'timeline-zoomed-video');
}

/** Export: a real browser download whose bytes are the CSV the service wrote, one row per person. */
async function checkCsvDownload(page: Page, doc: ScreentimeDoc): Promise<void> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-screentime').click()]);
  assert.equal(download.suggestedFilename(), `${EP}-screentime.csv`);
  const downloaded = readFileSync(await download.path(), 'utf8');
  assert.equal(downloaded, readFileSync(join(e2e.workspace, 'data', 'manifests', EP, 'screentime.csv'), 'utf8'));
  const rows = downloaded.trimEnd().split('\r\n').slice(1).map((r) => r.split(','));
  assert.deepEqual(rows.map((r) => [r[0], r[3]]), doc.people.map((p) => [p.person_id, p.seconds.toFixed(3)]));
}

test('timeline as an editor uses it: zoom rescales the lanes, drag pans, a click seeks the video, the playhead follows it; Export downloads the CSV', async () => {
  await withFailureShot(e2e.handle, 'timeline-editor', async () => {
    const page = e2e.app.page;
    const doc: ScreentimeDoc = await computeEpisodeScreenTime(e2e.workspace, EP);
    await e2e.app.goto(e2e.host.url);
    await e2e.app.openEpisode(EP);
    await page.getByTestId('open-timeline').click();
    const timeline = page.getByTestId('timeline');
    await timeline.locator('.timeline-bar').first().waitFor();
    await page.waitForFunction(() => (((globalThis as unknown as Page$).document.querySelector('[data-testid="timeline-video"]') as VideoEl | null)?.readyState ?? 0) >= 1);
    await checkLanesLook(page, timeline, doc);
    const geometry = await checkZoomAndPan(page, timeline);
    await checkSeekAndPlay(page, timeline, geometry);
    await checkCsvDownload(page, doc);
    assert.deepEqual(e2e.handle.errors, []);
  });
});
