// Settings → Models in Chromium against the web host, with a model mirror on a loopback port serving
// the real files of ../shared/eval/models: the panel shows licence and size before download, a
// corrupted download fails with the reason and installs nothing, a clean one installs; the pack is
// then used by default and a run of the Friends clip is made with it (the artifacts name its models);
// removing it falls back to the default pack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { episodePaths } from '../shared/layout';
import { EVAL_MODELS_DIR } from '../electron/models/eval-pack';
import { sidePaths } from '../electron/pipeline/sidefiles';
import { startMirror, type Mirror } from '../test-support/model-mirror';
import { repoRoot, snapshot, withFailureShot } from './fixtures';
import { useReviewApp } from './harness';
import { ModelsPanelPage } from './pages';

const VIDEO = join(process.env.SCREENALYTICS_EVAL_DIR ?? join(repoRoot, '..', 'shared', 'eval'), 'videos', 'sitcom_friends_group.mp4');
const EP = 'friends-s01e01';
const YUNET = 'face_detection_yunet_2026may.onnx';
let mirror: Mirror;
let modelsDir: string;

const e2e = useReviewApp({
  prefix: 'models-e2e-',
  setup: async (workspace) => {
    mirror = await startMirror([EVAL_MODELS_DIR]);
    // The in-process service reads these on every call: the models folder and the mirror base URL.
    modelsDir = join(workspace, '..', `${workspace.split('/').pop()}-models`);
    process.env.SCREENALYTICS_MODELS_DIR = modelsDir;
    process.env.SCREENALYTICS_MODELS_MIRROR = mirror.url;
  },
});

test('install a pack from the Models panel, use it by default, and run the Friends clip with it', { timeout: 600_000 }, async (t) => {
  t.after(() => mirror?.close());
  await withFailureShot(e2e.handle, 'models-install', async () => {
    const page = e2e.app.page;
    const panel = new ModelsPanelPage(page);
    await e2e.app.goto(e2e.host.url);
    await panel.open();

    // Before anything is downloaded: size and licence, commercial use stated per pack.
    const yunet = panel.pack('yunet-fr');
    assert.equal(await yunet.getByTestId('pack-size').textContent(), '230 kB');
    assert.equal(await yunet.getByTestId('pack-licence').textContent(), 'commercial use OK');
    assert.equal(await panel.pack('insightface-buffalo-l').getByTestId('pack-licence').textContent(), 'non-commercial only');
    assert.equal(await panel.pack('insightface-buffalo-l').getByTestId('pack-size').textContent(), '288.6 MB');
    await yunet.locator('summary').click();
    assert.match((await yunet.getByTestId('licence-text').textContent()) ?? '', /MIT License/);
    await snapshot(page, 'models-panel');
    await panel.dialog.getByTestId('models-panel').screenshot({ path: join(repoRoot, 'e2e', 'artifacts', 'models-panel-full.png') });
    await yunet.locator('summary').click();

    // A corrupted download: the reason is shown, nothing lands in the models folder.
    mirror.behaviour = { corrupt: YUNET };
    await yunet.getByTestId('install-pack').click();
    await yunet.getByTestId('install-error').waitFor({ timeout: 60_000 });
    assert.match((await yunet.getByTestId('install-error').textContent()) ?? '', /sha256 [0-9a-f]{64}, expected ebafce4e.*nothing was installed/);
    assert.deepEqual(readdirSync(modelsDir).filter((n) => !n.startsWith('.installed')), []);
    await yunet.screenshot({ path: join(repoRoot, 'e2e', 'artifacts', 'models-panel-checksum-error.png') });

    // Cancel mid-download (a slow mirror): progress shows bytes, rate and ETA; nothing is installed.
    mirror.behaviour = { slow: { file: YUNET, ms: 300 } };
    await yunet.getByTestId('install-pack').click();
    await yunet.getByTestId('install-progress').getByText(/download face_detection_yunet_2026may\.onnx · \d+ kB \/ 230 kB · .*\/s · ETA/).waitFor({ timeout: 30_000 });
    await yunet.screenshot({ path: join(repoRoot, 'e2e', 'artifacts', 'models-panel-progress.png') });
    await yunet.getByTestId('cancel-install').click();
    await yunet.getByTestId('install-error').getByText('Cancelled; nothing was installed.').waitFor({ timeout: 30_000 });
    assert.deepEqual(readdirSync(modelsDir).filter((n) => !n.startsWith('.installed')), []);
    mirror.behaviour = {};

    await panel.install('yunet-fr');
    assert.deepEqual(readdirSync(modelsDir).filter((n) => !n.startsWith('.')).sort(), [YUNET, 'fr_feature.onnx']);
    await yunet.getByTestId('use-by-default').click();
    await page.getByTestId('pack-select').locator('option[value="yunet-fr"]:not([disabled])').waitFor({ state: 'attached' });
    assert.equal(await page.getByTestId('pack-select').inputValue(), 'yunet-fr');
    await yunet.screenshot({ path: join(repoRoot, 'e2e', 'artifacts', 'models-panel-installed.png') });
    await page.getByTestId('settings-save').click();
    assert.equal((await e2e.host.service.getSettings({})).packId, 'yunet-fr');

    // Run the Friends clip: the run dialog starts on the default pack, now yunet-fr.
    await page.getByTestId('new-run').click();
    const dialog = page.getByTestId('run-dialog');
    await dialog.getByTestId('pack-select').locator('option[value="yunet-fr"]').waitFor({ state: 'attached' });
    assert.equal(await dialog.getByTestId('pack-select').inputValue(), 'yunet-fr');
    await dialog.getByTestId('run-path').fill(VIDEO);
    await dialog.getByTestId('run-ep-id').fill(EP);
    await dialog.getByTestId('run-start').click();
    const progress = page.getByTestId('run-progress');
    await progress.getByText(/^done/).waitFor({ timeout: 540_000 });

    // Which pack made which artifacts: model ids in the artifacts, the pack in run_state.json.
    const paths = episodePaths(EP);
    const firstDet = JSON.parse(readFileSync(join(e2e.workspace, paths.detections), 'utf8').split('\n')[0]);
    assert.equal(firstDet.model_id, 'face_detection_yunet_2026may');
    const meta = JSON.parse(readFileSync(join(e2e.workspace, paths.embeddingsMeta), 'utf8'));
    assert.equal(meta.model_id, 'fr_feature');
    assert.equal(meta.embedding_dim, 512);
    const ids = JSON.parse(readFileSync(join(e2e.workspace, paths.identities), 'utf8'));
    assert.ok(ids.identities.length >= 4, `identities: ${ids.identities.length}`);
    assert.ok(existsSync(join(e2e.workspace, paths.trackEmbeddingsNpy)));
    const runState = JSON.parse(readFileSync(join(e2e.workspace, sidePaths(EP).runState), 'utf8'));
    assert.equal(runState.stages.detect.settings.packId, 'yunet-fr');
    assert.equal(runState.stages.detect.settings.modelsDir, modelsDir, 'the run read the installed folder');

    // Remove it from the panel: the files go, and the default falls back to the built-in pack.
    await panel.open();
    await panel.pack('yunet-fr').getByTestId('remove-pack').click();
    await page.locator('[data-testid="model-pack"][data-pack-id="yunet-fr"][data-installed="false"]').waitFor();
    assert.equal(await page.getByTestId('pack-select').inputValue(), 'default');
    assert.equal((await e2e.host.service.getSettings({})).packId, 'default');
    assert.deepEqual(readdirSync(modelsDir).filter((n) => !n.startsWith('.')), []);
    assert.deepEqual(e2e.handle.errors, []);
  });
});
