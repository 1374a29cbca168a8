// `npm run bench:ui`: the review UI at scale, measured in Chromium via Playwright against the web host.
// Episode: 300 identities, 2,000 tracks dealt over them, 50 faces each = 100,000 faces (the issue's
// size; ids are {N:05d}, so face-100000 is valid), shown with large faces (the grid's L size, 240-px
// cards and up). Prints:
//   - time to first grid render (click "Open" → first identity card painted), median of 3;
//   - merge and split round trips: click → identities.json on disk shows the change → UI settled
//     with the change visible, median and max of 5 each;
//   - scrolling a 2,000-identity grid: DOM cards kept by the virtualiser, frame times while scrolling.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { makeFixtureEpisode } from '../scripts/fixture-episode';
import { ensureRendererBuilt, launchBrowser, makeTempWorkspace, openPage } from '../e2e/fixtures';
import { startHost } from '../e2e/host';
import { ReviewApp } from '../e2e/pages';
import { episodePaths } from '../shared/layout';

const EP = 'bench-s01e01';
const EP_WIDE = 'bench-s01e02';
const FACE_SIZE = 'L';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms (n=${xs.length})`;

/** Polls identities.json (raw JSON, no validation, so the poll itself stays cheap) until `done(doc)`. */
async function waitOnDisk(file: string, done: (doc: { identities: { identity_id: string; track_ids: string[] }[] }) => boolean) {
  for (;;) {
    try {
      if (done(JSON.parse(await readFile(file, 'utf8')))) return performance.now();
    } catch {
      // mid-rename or partially written: atomic writes make this rare; just poll again
    }
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function timeFirstRender(app: ReviewApp, url: string): Promise<number> {
  await app.goto(url);
  const t0 = performance.now();
  await app.page.locator(`[data-testid="episode-row"][data-ep-id="${EP}"] [data-testid="open-episode"]`).click();
  await app.page.locator('[data-testid="identity-card"] img').first().waitFor();
  const t = performance.now() - t0;
  await app.settled();
  return t;
}

/** Scrolls the grid to the end, one step per animation frame, timing each frame (runs in the page;
 * a string because this file is type-checked without the DOM library). */
const SCROLL_SCRIPT = `(async () => {
  const el = document.querySelector('[data-testid="identity-grid"]');
  const frames = [];
  let last = performance.now();
  while (el.scrollTop + el.clientHeight < el.scrollHeight - 2) {
    el.scrollTop += 400;
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    const now = performance.now();
    frames.push(now - last);
    last = now;
  }
  return { cards: document.querySelectorAll('[data-testid="identity-card"]').length, frames };
})()`;

async function scrollFrames(page: Page): Promise<{ cards: number; frames: number[] }> {
  return (await page.evaluate(SCROLL_SCRIPT)) as { cards: number; frames: number[] };
}

/** Two visible, not-yet-merged identities whose tracks never share frames (see the fixture's time layout). */
async function mergePair(page: Page): Promise<[string, string]> {
  const cards = await page.getByTestId('identity-card').evaluateAll((els) =>
    els.map((e) => [e.getAttribute('data-identity-id') ?? '', e.getAttribute('aria-label') ?? ''] as const),
  );
  const fresh = cards.filter(([, label]) => label.includes(', 7 tracks')).map(([id]) => id);
  const slot = (id: string) => Math.floor((Number(id.slice('identity-'.length)) - 1) / 2);
  for (const a of fresh) for (const b of fresh) if (a !== b && slot(a) !== slot(b)) return [a, b];
  throw new Error('no mergeable pair of identities is visible');
}

export async function run(): Promise<void> {
  const workspace = makeTempWorkspace('sa-bench-ui-');
  try {
    let t = performance.now();
    await Promise.all([
      makeFixtureEpisode({ workspace, epId: EP, identities: 300, tracksPerIdentity: 7, tracks: 2000, facesPerTrack: 50, withImages: true }),
      ensureRendererBuilt(),
    ]);
    await makeFixtureEpisode({ workspace, epId: EP_WIDE, identities: 2000, tracksPerIdentity: 1, facesPerTrack: 2, withImages: true });
    console.log(`fixture: 300 identities / 2,000 tracks / 100,000 faces + 2,000 singletons, generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const host = await startHost(workspace);
    const browser = await launchBrowser();
    try {
      const { page } = await openPage(browser);
      const app = new ReviewApp(page);
      const idsFile = join(workspace, episodePaths(EP).identities);

      // Large faces: the size the reviewer's choice is kept in (localStorage), set before the app starts.
      await app.goto(host.url);
      await page.evaluate(`localStorage.setItem('screenalytics.faceSize', '${FACE_SIZE}')`);
      const renders: number[] = [];
      for (let i = 0; i < 3; i++) renders.push(await timeFirstRender(app, host.url));
      // The first open is cold (the service reads and indexes every artifact); later ones are warm.
      console.log(`face size ${FACE_SIZE}: ${await page.getByTestId('identity-grid').getAttribute('aria-colcount')} columns at 1280 px`);
      console.log(`time to first grid render (300 identities): cold ${renders[0].toFixed(0)} ms, warm ${renders.slice(1).map((r) => r.toFixed(0)).join(' / ')} ms`);

      // Merge: select two cards, m, confirm. Round trip = click → disk → UI (source card gone, settled).
      const merges: { disk: number; ui: number }[] = [];
      for (let i = 0; i < 5; i++) {
        const [target, source] = await mergePair(page);
        await app.focusCard(source);
        await app.press('Space');
        await app.focusCard(target);
        await app.press('Space');
        await app.press('m');
        // The dialog keeps the labeled / locked / larger identity, not the focused one: the other goes.
        const kept = await page.getByTestId('merge-target').getAttribute('data-identity-id');
        const gone = kept === source ? target : source;
        const before = (await app.probe()).revision;
        const t0 = performance.now();
        const disk = waitOnDisk(idsFile, (d) => !d.identities.some((x) => x.identity_id === gone));
        await app.confirmMerge();
        await app.card(gone).waitFor({ state: 'detached' });
        await app.settled(before);
        const tUi = performance.now();
        merges.push({ disk: (await disk) - t0, ui: tUi - t0 });
        await app.press('Escape');
      }
      console.log(`merge  click → identities.json: ${fmt(merges.map((m) => m.disk))}`);
      console.log(`merge  click → UI updated:      ${fmt(merges.map((m) => m.ui))}`);

      // Split: open the largest identity, select one track, s.
      const splits: { disk: number; ui: number }[] = [];
      const first = await page.getByTestId('identity-card').first().getAttribute('data-identity-id');
      await app.openIdentity(first!);
      for (let i = 0; i < 5; i++) {
        const [trackId] = await app.trackIdsShown();
        await app.selectTrackByKeyboard(trackId);
        const before = (await app.probe()).revision;
        const t0 = performance.now();
        const disk = waitOnDisk(idsFile, (d) => d.identities.find((x) => x.track_ids.includes(trackId))?.identity_id !== first);
        await app.press('s');
        await app.trackRow(trackId).waitFor({ state: 'detached' });
        await app.settled(before);
        const tUi = performance.now();
        splits.push({ disk: (await disk) - t0, ui: tUi - t0 });
      }
      console.log(`split  click → identities.json: ${fmt(splits.map((m) => m.disk))}`);
      console.log(`split  click → UI updated:      ${fmt(splits.map((m) => m.ui))}`);

      // 2,000 identities: first render and a full scroll through the virtualised grid.
      await app.goto(host.url);
      const t1 = performance.now();
      await page.locator(`[data-testid="episode-row"][data-ep-id="${EP_WIDE}"] [data-testid="open-episode"]`).click();
      await page.locator('[data-testid="identity-card"]').first().waitFor();
      console.log(`time to first grid render (2,000 identities): ${(performance.now() - t1).toFixed(0)} ms`);
      await app.settled();
      const { cards, frames } = await scrollFrames(page);
      const sorted = [...frames].sort((a, b) => a - b);
      console.log(
        `scroll 2,000 identities: ${cards} cards in the DOM, ${frames.length} frames, ` +
          `frame time median ${median(frames).toFixed(1)} ms, p95 ${sorted[Math.floor(sorted.length * 0.95)].toFixed(1)} ms`,
      );
    } finally {
      await browser.close();
      await host.close();
    }
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}
