// The context behind a face, in Chromium on a REAL episode (the Friends clip through the pipeline, eval
// pack, stride 6) served by the web host with the eval videos as a media root:
// - "Show in frame" (key f on a picked face, and the track row's button) shows the source frame the
//   host extracts: an <img> at the video's own size, the frame the face was found on, the face's box
//   drawn exactly over its bbox and the frame's other faces faintly; Escape closes it.
// - "Play track" plays the episode's video from the track's start (range requests), the video's clock
//   advances, the box overlay moves with it and sits where the track's faces interpolate to, and the
//   video stops at the track's end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { EVAL_DIR } from '../electron/models/eval-pack';
import { detectMetaSchema, sidePaths } from '../electron/pipeline/sidefiles';
import { episodeArtifacts } from '../electron/store/artifacts';
import { Workspace } from '../electron/store/workspace';
import type { ResponseOf } from '../shared/ipc';
import { boxAt, keyframes, type Box } from '../renderer/src/components/trackBoxes';
import { snapshot, withFailureShot } from './fixtures';
import { FRIENDS_EP as EP, runFriendsPipeline } from './friends';
import { useReviewApp } from './harness';

type Track = ResponseOf<'identity:detail'>['tracks'][number];

// The page's elements as these checks read them (this tsconfig has no DOM library; types only, so the
// functions below stay self-contained when Playwright runs them in the page).
type Page$ = { document: { querySelector(sel: string): unknown } };
type VideoEl = { currentTime: number; paused: boolean; readyState: number; seeking: boolean; pause(): void };
type ImgEl = { complete: boolean; naturalWidth: number; naturalHeight: number; src: string };
type RectEl = { getAttribute(a: string): string | null };

const e2e = useReviewApp({ prefix: 'sa-context-', setup: runFriendsPipeline, mediaRoots: [join(EVAL_DIR, 'videos')] });

/** Every track of the episode with the identity holding it, through the service as the UI reads it. */
async function allTracks(): Promise<{ identityId: string; track: Track }[]> {
  const opened = await e2e.host.service.openEpisode({ ep_id: EP });
  const out: { identityId: string; track: Track }[] = [];
  for (const i of opened.identities.identities) {
    const d = await e2e.host.service.getIdentityDetail({ ep_id: EP, identity_id: i.identity_id });
    for (const track of d.tracks) out.push({ identityId: i.identity_id, track });
  }
  return out;
}

/** How far a track's face moves between its first and last face (sum of corner travel). */
const travel = (t: Track) => {
  const f = t.face_rows;
  return f.length < 2 ? 0 : f[0].bbox.reduce((s, v, i) => s + Math.abs(f[f.length - 1].bbox[i] - v), 0);
};

async function openTrack(page: Page, identityId: string, trackId: string): Promise<void> {
  await e2e.app.goto(e2e.host.url);
  await e2e.app.openEpisode(EP);
  await e2e.app.openIdentity(identityId);
  await e2e.app.trackRow(trackId).click();
  await page.locator(`[data-testid="track-row"][data-track-id="${trackId}"].focused`).waitFor();
}

/** The on-screen rectangle of `sel`. */
async function rectOf(page: Page, sel: string) {
  const r = await page.locator(sel).boundingBox();
  assert.ok(r, `${sel} is not on screen`);
  return r;
}

test('show in frame: the source frame at the video\'s size, the face\'s own frame, its box over its bbox; Esc closes', async () => {
  await withFailureShot(e2e.handle, 'context-frame', async () => {
    const page = e2e.app.page;
    const meta = detectMetaSchema.parse(JSON.parse(readFileSync(join(e2e.workspace, sidePaths(EP).detectMeta), 'utf8')));
    const tracks = await allTracks();
    const { identityId, track } = tracks.sort((a, b) => b.track.face_rows.length - a.track.face_rows.length)[0];
    assert.ok(track.face_rows.length >= 3, `the longest track has ${track.face_rows.length} faces`);
    await openTrack(page, identityId, track.track_id);

    // Pick the face whose frame has the most other faces in it, then f.
    const detections = await episodeArtifacts(new Workspace(e2e.workspace), EP).readDetections();
    const onFrame = (frame: number) => detections.filter((d) => d.frame_idx === frame).length;
    const face = track.face_rows.reduce((best, f) => (onFrame(f.frame_idx) > onFrame(best.frame_idx) ? f : best));
    assert.ok(onFrame(face.frame_idx) >= 2, `frame ${face.frame_idx} has ${onFrame(face.frame_idx)} faces`);
    await page.locator(`[data-testid="face"][data-face-id="${face.face_id}"]`).click();
    await snapshot(page, 'track-row-context');
    await e2e.app.press('f');
    const img = page.getByTestId('frame-image');
    await page.waitForFunction(() => {
      const el = ((globalThis as unknown as Page$).document.querySelector('[data-testid="frame-image"]') as ImgEl | null);
      return !!el && el.complete && el.naturalWidth > 0;
    });
    const natural = await img.evaluate((el: ImgEl) => [el.naturalWidth, el.naturalHeight]);
    assert.deepEqual(natural, [meta.video.width, meta.video.height], 'the frame is the video\'s full frame');
    const frameIndex = await img.evaluate(async (el: ImgEl) => (await fetch(el.src)).headers.get('x-frame-index'));
    assert.equal(Number(frameIndex), face.frame_idx, 'the host served the frame the face was detected on');

    const shown = await rectOf(page, '[data-testid="frame-image"]');
    const box = await rectOf(page, '[data-testid="frame-box"]');
    const [x1, y1, x2, y2] = face.bbox;
    const want = { x: shown.x + x1 * shown.width, y: shown.y + y1 * shown.height, width: (x2 - x1) * shown.width, height: (y2 - y1) * shown.height };
    // The on-screen box includes the stroke, centred on the rectangle's edge.
    const stroke = await page.getByTestId('frame-box').evaluate((el) =>
      parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { strokeWidth: string } }).getComputedStyle(el).strokeWidth),
    );
    const drawn = { x: box.x + stroke / 2, y: box.y + stroke / 2, width: box.width - stroke, height: box.height - stroke };
    for (const k of ['x', 'y', 'width', 'height'] as const) assert.ok(Math.abs(drawn[k] - want[k]) <= 1, `box ${k}: ${drawn[k]} on screen, bbox says ${want[k]}`);
    // The frame's other faces are drawn too (faintly): every detection on it but this face's own.
    await page.locator('[data-testid="frame-other"]').nth(onFrame(face.frame_idx) - 2).waitFor();
    assert.equal(await page.locator('[data-testid="frame-other"]').count(), onFrame(face.frame_idx) - 1);
    await snapshot(page, 'frame-view');

    await e2e.app.press('Escape');
    await page.getByTestId('frame-viewer').waitFor({ state: 'detached' });

    // The row's button on another track shows that track's middle face.
    const other = tracks.find((t) => t.identityId === identityId && t.track.track_id !== track.track_id && t.track.face_rows.length > 0);
    if (other) {
      const kept = other.track.face_rows.filter((f) => !f.rejected);
      const middle = kept[Math.floor((kept.length - 1) / 2)];
      await e2e.app.trackRow(other.track.track_id).getByTestId('show-in-frame').click();
      await page.getByTestId('frame-viewer').getByText(`${other.track.track_id} · ${middle.face_id}`, { exact: false }).waitFor();
      await e2e.app.press('Escape');
      await page.getByTestId('frame-viewer').waitFor({ state: 'detached' });
    }
    assert.deepEqual(e2e.handle.errors, []);
  });
});

/** The player's box as drawn (x, y, x2, y2 in the frame's unit square) and the video's clock. */
const playerState = (page: Page) =>
  page.evaluate(() => {
    const v = ((globalThis as unknown as Page$).document.querySelector('[data-testid="track-video"]') as VideoEl | null)!;
    const r = ((globalThis as unknown as Page$).document.querySelector('[data-testid="player-box"]') as RectEl | null)!;
    // No helper functions in here: the test runner's transpiler would wrap them in a name helper the page lacks.
    const [x, y, w, h] = ['x', 'y', 'width', 'height'].map((a) => Number(r.getAttribute(a)));
    return { t: v.currentTime, paused: v.paused, visible: r.getAttribute('visibility') === 'visible', box: [x, y, x + w, y + h] };
  });

test('play the track: the video starts at the track, plays, the box follows the faces and the video stops at the end', async () => {
  await withFailureShot(e2e.handle, 'context-player', async () => {
    const page = e2e.app.page;
    const tracks = await allTracks();
    const moving = tracks.filter((t) => t.track.end_s - t.track.start_s >= 1.5).sort((a, b) => travel(b.track) - travel(a.track))[0];
    assert.ok(moving && travel(moving.track) > 0.02, 'a track of 1.5 s or more whose face moves');
    const { identityId, track } = moving;
    await openTrack(page, identityId, track.track_id);
    await e2e.app.trackRow(track.track_id).getByTestId('play-track').click();

    // The video seeks to the track's start and plays on from there.
    await page.waitForFunction((start) => {
      const v = ((globalThis as unknown as Page$).document.querySelector('[data-testid="track-video"]') as VideoEl | null);
      return !!v && v.readyState >= 2 && v.currentTime >= start - 0.05 && !v.paused;
    }, track.start_s);
    const first = await playerState(page);
    assert.ok(first.t >= track.start_s - 0.05 && first.t <= track.end_s, `started at ${first.t}, track is ${track.start_s}–${track.end_s}`);
    await page.waitForFunction((t0) => ((globalThis as unknown as Page$).document.querySelector('[data-testid="track-video"]') as VideoEl | null)!.currentTime > t0 + 0.5, first.t);
    const later = await playerState(page);
    assert.ok(later.t > first.t, 'the video clock advances');
    assert.ok(later.visible && first.visible, 'the box is drawn while the track is on screen');
    assert.notDeepEqual(later.box, first.box, 'the box moved with the video');

    // Paused at a time inside the track, the box sits where the track's faces interpolate to.
    const frames = keyframes(track.face_rows.map((f) => ({ ts_s: f.ts_s, bbox: f.bbox as Box })));
    const mid = (track.start_s + track.end_s) / 2;
    await page.evaluate((t) => {
      const v = ((globalThis as unknown as Page$).document.querySelector('[data-testid="track-video"]') as VideoEl | null)!;
      v.pause();
      v.currentTime = t;
    }, mid);
    await page.waitForFunction((t) => {
      const v = ((globalThis as unknown as Page$).document.querySelector('[data-testid="track-video"]') as VideoEl | null)!;
      return !v.seeking && Math.abs(v.currentTime - t) < 1e-3 && v.readyState >= 2;
    }, mid);
    await page.waitForFunction(
      ([want]) => {
        const r = ((globalThis as unknown as Page$).document.querySelector('[data-testid="player-box"]') as RectEl | null)!;
        return Math.abs(Number(r.getAttribute('x')) - want) < 1e-6;
      },
      [boxAt(frames, mid)![0]],
    );
    const atMid = await playerState(page);
    const want = boxAt(frames, atMid.t)!;
    atMid.box.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `corner ${i}: drawn ${v}, faces say ${want[i]}`));
    await snapshot(page, 'player-mid-track');

    // Replay runs to the track's end and stops there.
    await page.getByTestId('player-replay').click();
    await page.waitForFunction((end) => {
      const v = ((globalThis as unknown as Page$).document.querySelector('[data-testid="track-video"]') as VideoEl | null)!;
      return v.paused && v.currentTime >= end - 0.1;
    }, track.end_s);
    const end = await playerState(page);
    assert.ok(end.t <= track.end_s + 0.25, `stopped at ${end.t}, the track ends at ${track.end_s}`);
    await e2e.app.press('Escape');
    await page.getByTestId('track-player').waitFor({ state: 'detached' });
    assert.deepEqual(e2e.handle.errors, []);
  });
});
