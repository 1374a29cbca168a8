// One settings home per workspace: what the app saves (settings:set, the same service in the web
// host) is what the CLI reads, and a damaged file is refused naming file and field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode } from '../../scripts/fixture-episode';
import { identitiesDocSchema } from '../../shared/schema';
import { ReviewService } from '../service/review-service';
import { readWorkspaceSettings, settingsFile } from './settings';

const cli = (...args: string[]) => spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin/screenalytics.mjs'), ...args], { encoding: 'utf8' });

test('settings saved by the app live in the workspace and reach the CLI', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'settings-home-'));
  try {
    const epId = 'home-s01e01';
    await makeFixtureEpisode({ workspace: dir, epId, identities: 3, tracksPerIdentity: 2, facesPerTrack: 3, withImages: false, dim: 128 });
    assert.equal((await readWorkspaceSettings(dir)).linkage, 'average', 'no file: the defaults');
    const svc = new ReviewService({ workspace: dir, host: 'test' });
    await svc.setSettings({ linkage: 'complete', minClusterSize: 1 });
    assert.deepEqual(JSON.parse(await readFile(settingsFile(dir), 'utf8')), await svc.getSettings({}));
    const saved = await readWorkspaceSettings(dir);
    assert.equal(saved.linkage, 'complete');

    // The CLI's cluster command takes the saved linkage; a flag overrides the saved value.
    const r = cli('cluster', epId, '--workspace', dir);
    assert.equal(r.status, 0, r.stderr);
    const doc = identitiesDocSchema.parse(JSON.parse(await readFile(join(dir, 'data/manifests', epId, 'identities.json'), 'utf8')));
    assert.equal(doc.metadata.linkage, 'complete');
    assert.equal(doc.metadata.min_cluster_size, 1);
    const flagged = cli('cluster', epId, '--workspace', dir, '--linkage', 'ward');
    assert.equal(flagged.status, 0, flagged.stderr);
    const doc2 = identitiesDocSchema.parse(JSON.parse(await readFile(join(dir, 'data/manifests', epId, 'identities.json'), 'utf8')));
    assert.equal(doc2.metadata.linkage, 'ward');

    // A damaged settings file stops the CLI before any work, naming the file and the field.
    await writeFile(settingsFile(dir), JSON.stringify({ ...saved, stride: 0 }, null, 2));
    const bad = cli('cluster', epId, '--workspace', dir);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /\.screenalytics\/settings\.json:\d+: stride: /);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('settings an older app kept outside the workspace are used until the workspace has its own', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'settings-former-'));
  try {
    const former = join(dir, 'user-folder-settings.json');
    await writeFile(former, JSON.stringify({ saveFrames: true, stride: 3 }));
    const ws = join(dir, 'ws');
    const svc = new ReviewService({ workspace: ws, host: 'test', formerSettingsPath: former });
    const got = await svc.getSettings({});
    assert.equal(got.saveFrames, true);
    assert.equal(got.stride, 3);
    await svc.setSettings({ stride: 2 });
    const home = await readWorkspaceSettings(ws);
    assert.deepEqual([home.saveFrames, home.stride], [true, 2], 'the first save moves them into the workspace');
    await writeFile(former, JSON.stringify({ saveFrames: false }));
    assert.equal((await svc.getSettings({})).saveFrames, true, 'from then on the workspace file is the one home');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
