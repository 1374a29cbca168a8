import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { MediaRoots, mediaRootsFrom } from './media-roots';

test('media roots: flags, env list and the videos folder, existing folders only; accepted runs add their video folder', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sa-roots-'));
  try {
    const [a, b, videos, runs] = ['a', 'b', 'Videos', 'runs'].map((d) => join(tmp, d));
    for (const d of [a, b, videos, runs]) mkdirSync(d);
    writeFileSync(join(runs, 'clip.mp4'), '');
    const roots = mediaRootsFrom({
      argv: ['electron', '.', `--media-root=${a}`, '--workspace=/x', `--media-root=${join(tmp, 'missing')}`],
      env: { SCREENALYTICS_MEDIA_ROOTS: [b, a].join(delimiter) },
      videos,
    });
    assert.deepEqual(roots, [a, b, videos]);

    const m = new MediaRoots(roots);
    m.noteAnswer('pipeline:start', { video_path: join(runs, 'clip.mp4') }, { ok: false, error: {} });
    m.noteAnswer('episodes:list', { video_path: join(runs, 'clip.mp4') }, { ok: true, data: {} });
    m.noteAnswer('pipeline:start', { video_path: 'relative/clip.mp4' }, { ok: true, data: {} });
    assert.deepEqual(m.list(), roots, 'refused runs, other channels and relative paths add nothing');
    m.noteAnswer('pipeline:start', { video_path: join(runs, 'clip.mp4') }, { ok: true, data: { run_id: 'r' } });
    m.noteAnswer('pipeline:start', { video_path: join(runs, 'clip.mp4') }, { ok: true, data: { run_id: 's' } });
    assert.deepEqual(m.list(), [a, b, videos, runs]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
