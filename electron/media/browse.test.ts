// The Run dialog's folder browser: lists folders and videos under the host's roots only, and every
// hostile path (.., absolute, backslashes, symlinks out, unknown roots) is refused without listing or
// resolving anything outside.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowseError, FolderBrowser } from './browse';

let base: string;
let media: string;
let outside: string;
let fb: FolderBrowser;

before(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'sa-browse-')));
  media = join(base, 'media');
  outside = join(base, 'outside');
  await mkdir(join(media, 'season 1'), { recursive: true });
  await mkdir(join(media, 'empty'));
  await mkdir(outside);
  await writeFile(join(media, 'season 1', 'E01.mkv'), Buffer.alloc(1234));
  await writeFile(join(media, 'season 1', 'notes.txt'), 'x');
  await writeFile(join(media, 'season 1', '.hidden.mp4'), 'x');
  await writeFile(join(media, 'Pilot.MP4'), Buffer.alloc(10));
  await writeFile(join(outside, 'secret.mp4'), 'secret');
  await symlink(outside, join(media, 'escape'));
  await symlink(join(outside, 'secret.mp4'), join(media, 'leak.mp4'));
  await symlink(join(media, 'season 1', 'E01.mkv'), join(media, 'alias.mkv'));
  await symlink(join(media, 'nowhere'), join(media, 'dangling.mp4'));
  fb = new FolderBrowser([media, media, join(base, 'gone')]);
});
after(() => rm(base, { recursive: true, force: true }));

async function refused(p: Promise<unknown>, status: number): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof BrowseError, String(err));
    assert.equal(err.status, status, err.message);
    assert.ok(!err.message.includes(outside), `the message does not reveal the outside folder: ${err.message}`);
    return err.message;
  }
  assert.fail(`expected a ${status} refusal`);
}

test('lists the roots, then folders first and video files, never hidden files, other files or links leading out', async () => {
  const top = await fb.browse({});
  assert.deepEqual(top.roots, [{ id: 'root-1', label: media }, { id: 'root-2', label: join(base, 'gone') }], 'duplicates dropped');
  assert.deepEqual(top.entries, []);
  const r = await fb.browse({ root: 'root-1' });
  assert.deepEqual(r.entries, [
    { name: 'empty', kind: 'dir' },
    { name: 'season 1', kind: 'dir' },
    { name: 'alias.mkv', kind: 'video', size: 1234 },
    { name: 'Pilot.MP4', kind: 'video', size: 10 },
  ]);
  assert.equal(r.parent, null);
  const s = await fb.browse({ root: 'root-1', path: 'season 1' });
  assert.deepEqual(s.entries, [{ name: 'E01.mkv', kind: 'video', size: 1234 }]);
  assert.deepEqual([s.path, s.parent, s.truncated], ['season 1', '', false]);
  await refused(fb.browse({ root: 'root-2' }), 404);
});

test('hostile paths are refused: "..", absolute, backslash, NUL, symlinked folders out, unknown roots, files as folders', async () => {
  for (const path of ['..', '../outside', 'season 1/../..', '/etc', 'season 1\\..', 'a\0b', '/', './season 1', 'season 1/']) {
    await refused(fb.browse({ root: 'root-1', path }), 400);
  }
  await refused(fb.browse({ root: 'root-1', path: 'escape' }), 403);
  await refused(fb.browse({ root: 'root-1', path: 'escape/secret.mp4' }), 403);
  await refused(fb.browse({ root: 'root-1', path: '%2e%2e' }), 404);
  await refused(fb.browse({ root: 'root-9' }), 404);
  await refused(fb.browse({ root: '../root-1' }), 404);
  await refused(fb.browse({ root: 'root-1', path: 'Pilot.MP4' }), 404);
  await refused(fb.browse({ root: 'root-1', path: 'dangling.mp4' }), 404);
});

test('a picked video resolves to its real path inside the root; links out, non-videos and folders do not', async () => {
  assert.equal(await fb.resolveVideo({ root: 'root-1', path: 'season 1/E01.mkv' }), join(media, 'season 1', 'E01.mkv'));
  assert.equal(await fb.resolveVideo({ root: 'root-1', path: 'alias.mkv' }), join(media, 'season 1', 'E01.mkv'));
  await refused(fb.resolveVideo({ root: 'root-1', path: 'leak.mp4' }), 403);
  await refused(fb.resolveVideo({ root: 'root-1', path: 'escape/secret.mp4' }), 403);
  await refused(fb.resolveVideo({ root: 'root-1', path: 'season 1/notes.txt' }), 400);
  await refused(fb.resolveVideo({ root: 'root-1', path: '../outside/secret.mp4' }), 400);
  await refused(fb.resolveVideo({ root: 'root-1', path: 'missing.mp4' }), 404);
  await refused(fb.resolveVideo({ root: 'root-1', path: '' }), 400);
});

test('a folder with more entries than the limit is listed up to it, marked truncated', async () => {
  const big = join(base, 'big');
  await mkdir(big);
  await Promise.all(Array.from({ length: 25 }, (_, i) => writeFile(join(big, `c${String(i).padStart(5, '0')}.mp4`), '')));
  const r = await new FolderBrowser([big], 20).browse({ root: 'root-1' });
  assert.equal(r.entries.length, 20);
  assert.equal(r.truncated, true);
  assert.equal(r.entries[0].name, 'c00000.mp4');
});
