// The "Clean up" button in Chromium against the web host, on a real-photo episode (eval pack
// embeddings) whose first track holds two people: the dry-run preview names the split, Apply writes
// it (checked on disk), "Undo cleanup" brings back every file exactly (sha256); and the applied cleanup
// is one step of z / shift+z (files restored, then the cleanup back, byte for byte).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPipelineSettings } from '../shared/schema/settings';
import { loadEvalPack } from '../electron/models/eval-pack';
import { episodeArtifacts } from '../electron/store/artifacts';
import { clusterEpisode } from '../electron/pipeline/cluster';
import { buildEpisode, hashTree, type Fixture, type FixtureFace } from '../test-support/cleanup-episodes';
import { loadFaceLibrary } from '../scripts/synth/faces';
import { withFailureShot } from './fixtures';
import { useReviewApp } from './harness';

const EP = 'e2eclean-s01e01';
const P1 = 'deepface-p01', P2 = 'deepface-p02';
const noBackups = (rel: string) => rel.endsWith('/backups') || rel.startsWith('.screenalytics');
const e2e = useReviewApp({
  prefix: 'h9-e2e-',
  setup: async (workspace): Promise<Fixture> => {
    const pack = await loadEvalPack();
    try {
      const lib = await loadFaceLibrary(pack.detector, [P1, P2], 8);
      const f = (person: string, photos: number[]): FixtureFace[] => photos.map((photo) => ({ person, photo }));
      const fx = await buildEpisode(workspace, EP, pack, lib, [
        { startFrame: 0, faces: [...f(P1, [0, 1, 2, 3, 4, 5]), ...f(P2, [0, 1, 2, 3, 4, 5])] },
        { startFrame: 100, faces: f(P1, [6, 7, 2]) },
        { startFrame: 150, faces: f(P2, [6, 7, 3]) },
      ]);
      const ctx = { workspace: fx.ws, epId: EP, paths: fx.ws.paths(EP), settings: defaultPipelineSettings(), pack, progress: () => {}, signal: new AbortController().signal, log: () => {} };
      await clusterEpisode(ctx, { clusterThresh: 0.4 });
      return fx;
    } finally {
      await pack.detector.dispose();
      await pack.embedder.dispose();
    }
  },
});

/**
 * Waits until the identity cards together show `n` tracks ("N tracks" in each card's label): follows
 * the app's reloads. A function predicate (the app's CSP forbids evaluating strings while polling).
 */
const shownTracks = (n: number) =>
  e2e.app.page.waitForFunction(
    (want) =>
      [...(globalThis as unknown as { document: { querySelectorAll(q: string): Iterable<{ getAttribute(a: string): string | null }> } }).document.querySelectorAll('[data-testid="identity-card"]')]
        .reduce((s, el) => s + Number(/(\d+) tracks?\b/.exec(el.getAttribute('aria-label') ?? '')?.[1] ?? 0), 0) === want,
    n,
  );

/** Opens the episode (three tracks on screen) and returns the hashes of its files as they are. */
async function openPristine(): Promise<Map<string, string>> {
  await e2e.app.goto(e2e.host.url);
  await e2e.app.openEpisode(EP);
  const pristine = hashTree(e2e.workspace, noBackups);
  await shownTracks(3);
  return pristine;
}

test('Clean up: preview, apply (split lands on disk), undo (every file back, byte for byte)', async () => {
  await withFailureShot(e2e.handle, 'cleanup-flow', async () => {
    const page = e2e.app.page;
    const pristine = await openPristine();

    await page.getByTestId('cleanup-open').click();
    const summary = page.getByTestId('cleanup-summary');
    await summary.waitFor();
    assert.match((await summary.textContent()) ?? '', /Tracks 3 → 4 \(1 split into 2\)/);
    assert.deepEqual(hashTree(e2e.workspace, noBackups), pristine, 'the preview is a dry run');

    await page.getByTestId('cleanup-apply').click();
    await page.getByTestId('toast-info').filter({ hasText: 'Cleanup done' }).waitFor();
    await e2e.app.settled();
    const tracks = await episodeArtifacts(e2e.fixture.ws, EP).readTracks();
    assert.deepEqual(tracks.map((t) => t.track_id), ['track-00004', 'track-00005', 'track-00002', 'track-00003']);
    await shownTracks(4); // the app reloaded the cleaned episode

    await page.getByTestId('cleanup-undo').click();
    await page.getByTestId('toast-info').filter({ hasText: 'Cleanup undone' }).waitFor();
    await e2e.app.settled();
    assert.deepEqual(hashTree(e2e.workspace, noBackups), pristine);
    await shownTracks(3);
    assert.equal(await page.getByTestId('cleanup-undo').isDisabled(), true);
  });
});

test('the applied cleanup is one step of z / shift+z: z restores every file, shift+z brings the cleanup back', async () => {
  await withFailureShot(e2e.handle, 'cleanup-undo-redo', async () => {
    const page = e2e.app.page;
    const pristine = await openPristine();

    await page.getByTestId('cleanup-open').click();
    await page.getByTestId('cleanup-summary').waitFor();
    await page.getByTestId('cleanup-apply').click();
    await shownTracks(4);
    await e2e.app.settled();
    const cleaned = hashTree(e2e.workspace, noBackups);
    assert.notDeepEqual(cleaned, pristine);
    assert.equal(await page.getByTestId('cleanup-undo').isDisabled(), false);

    await e2e.app.press('z');
    await shownTracks(3);
    await e2e.app.settled();
    assert.deepEqual(hashTree(e2e.workspace, noBackups), pristine, 'z restored the backup byte for byte');
    assert.equal(await page.getByTestId('cleanup-undo').isDisabled(), true, 'nothing left for the button to undo');

    await e2e.app.press('Shift+Z');
    await shownTracks(4);
    await e2e.app.settled();
    assert.deepEqual(hashTree(e2e.workspace, noBackups), cleaned, 'shift+z re-applied the cleanup byte for byte');

    await e2e.app.press('z');
    await shownTracks(3);
    await e2e.app.settled();
    assert.deepEqual(hashTree(e2e.workspace, noBackups), pristine);
  });
});
