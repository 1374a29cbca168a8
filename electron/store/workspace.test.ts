import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../../test-support/tmp';
import { PathEscapeError, Workspace } from './workspace';

async function setup() {
  const base = await tempDir('ws-test-');
  const root = join(base, 'ws');
  const outside = join(base, 'outside');
  await mkdir(join(root, 'data/manifests/rhobh-s05e02'), { recursive: true });
  await mkdir(join(root, 'data/manifests/friends-s01e01'), { recursive: true });
  await mkdir(join(root, 'data/manifests/not an episode'), { recursive: true });
  await mkdir(join(root, 'artifacts/crops/rhobh/s05/e02/tracks/track-00001'), { recursive: true });
  await mkdir(outside, { recursive: true });
  await writeFile(join(outside, 'secret.jpg'), 'secret');
  return { root, outside, ws: new Workspace(root) };
}

test('abs() keeps paths inside the root and refuses absolute and ".." paths', async () => {
  const { root, ws } = await setup();
  assert.equal(ws.abs('data/manifests/rhobh-s05e02/tracks.jsonl'), join(root, 'data/manifests/rhobh-s05e02/tracks.jsonl'));
  assert.equal(ws.abs('not/yet/created.json'), join(root, 'not/yet/created.json'));
  for (const bad of ['/etc/passwd', '../outside/secret.jpg', 'data/../../outside', 'a/../b', 'C:\\Windows', '', 'a\0b']) {
    assert.throws(() => ws.abs(bad), PathEscapeError, bad);
  }
});

test('symlinks that resolve outside the workspace are refused; symlinks inside are fine', async () => {
  const { root, outside, ws } = await setup();
  const crops = join(root, 'artifacts/crops/rhobh/s05/e02/tracks/track-00001');
  await symlink(join(outside, 'secret.jpg'), join(crops, 'frame_000001.jpg'));
  await symlink(outside, join(crops, 'dir-out'));
  await symlink(join(root, 'data'), join(root, 'data-link'));
  await symlink(join(outside, 'missing.jpg'), join(crops, 'dangling.jpg'));
  assert.throws(() => ws.abs('artifacts/crops/rhobh/s05/e02/tracks/track-00001/frame_000001.jpg'), /symbolic link .*outside the workspace/);
  assert.throws(() => ws.abs('artifacts/crops/rhobh/s05/e02/tracks/track-00001/dir-out/new-file.jpg'), PathEscapeError);
  assert.throws(() => ws.abs('artifacts/crops/rhobh/s05/e02/tracks/track-00001/dangling.jpg'), /dangling symbolic link/);
  assert.equal(ws.abs('data-link/manifests'), join(root, 'data-link/manifests'));
  // Through resolveManifestRef too: the manifest ref is fine lexically, the link is not.
  assert.throws(() => ws.resolveManifestRef('rhobh-s05e02', 'crops/track-00001/frame_000001.jpg'), PathEscapeError);
});

test('a workspace root that is itself a symlink still works', async () => {
  const { root } = await setup();
  const link = `${root}-link`;
  await symlink(root, link);
  const ws = new Workspace(link);
  assert.equal(ws.abs('data/manifests'), join(link, 'data/manifests'));
});

test('resolveManifestRef maps spec references into the §1 layout and refuses escapes', async () => {
  const { root, ws } = await setup();
  assert.equal(
    ws.resolveManifestRef('rhobh-s05e02', 'crops/track-00001/frame_000042.jpg'),
    join(root, 'artifacts/crops/rhobh/s05/e02/tracks/track-00001/frame_000042.jpg'),
  );
  assert.equal(ws.resolveManifestRef('rhobh-s05e02', 'thumbs/identity-00001/rep.jpg'), join(root, 'artifacts/thumbs/rhobh/s05/e02/identities/identity-00001/rep.jpg'));
  assert.equal(ws.resolveManifestRef('rhobh-s05e02', 'thumbs/track-00001/t.jpg'), join(root, 'artifacts/thumbs/rhobh/s05/e02/tracks/track-00001/t.jpg'));
  assert.equal(ws.resolveManifestRef('rhobh-s05e02', 'frames/frame_000042.jpg'), join(root, 'artifacts/frames/rhobh/s05/e02/frames/frame_000042.jpg'));
  for (const bad of ['../../etc/passwd', '/etc/passwd', 'crops/../../../etc/passwd']) {
    assert.throws(() => ws.resolveManifestRef('rhobh-s05e02', bad), PathEscapeError, bad);
  }
  assert.throws(() => ws.resolveManifestRef('rhobh-s05e02', 'videos/x.mp4'), /must start with crops\/, thumbs\/ or frames\//);
  assert.throws(() => ws.resolveManifestRef('rhobh-s05e02', 'constructor/x'), /must start with crops\//);
});

test('listEpisodes returns the parsed episode folders, sorted, ignoring other names', async () => {
  const { ws } = await setup();
  const eps = await ws.listEpisodes();
  assert.deepEqual(eps, [
    { epId: 'friends-s01e01', show: 'friends', season: 1, episode: 1 },
    { epId: 'rhobh-s05e02', show: 'rhobh', season: 5, episode: 2 },
  ]);
  assert.deepEqual(ws.listEpisodesSync(), eps);
  assert.deepEqual(await new Workspace(join(ws.root, 'nowhere')).listEpisodes(), []);
});
