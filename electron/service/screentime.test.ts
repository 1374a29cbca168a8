import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { episodePaths } from '../../shared/layout';
import { screentimeDocSchema } from '../../shared/schema/screentime';
import { computeEpisodeScreenTime, exportEpisodeScreenTime, sceneInfoFromDetectMeta } from './screentime';

const EP = 'friends-s01e01';
const VIDEO = new URL('../../../shared/eval/videos/sitcom_friends_group.mp4', import.meta.url).pathname;
const repo = new URL('../..', import.meta.url).pathname;
const now = '2026-01-01T00:00:00.000Z';

function track(n: number, start_s: number, end_s: number) {
  const fps = 30;
  return {
    track_id: `track-${String(n).padStart(5, '0')}`, ep_id: EP, start_s, end_s,
    frame_span: [Math.round(start_s * fps), Math.round(end_s * fps)], sample_thumbs: [],
    stats: { detections: 5, avg_conf: 0.9 }, schema_version: 'track_v1',
  };
}
function identity(n: number, trackNums: number[], labels: Record<string, string>, locked = false) {
  return {
    identity_id: `identity-${String(n).padStart(5, '0')}`, cluster_id: n,
    track_ids: trackNums.map((t) => `track-${String(t).padStart(5, '0')}`), canonical_face_path: '',
    embedding_stats: { centroid_norm: 1, variance: 0.01, num_tracks: trackNums.length, num_faces_total: 5 * trackNums.length },
    labels, locked, created_at: now, updated_at: now,
  };
}

/** A 14.9 s episode (the length of the real clip) with hand-placed tracks; overlaps within one person. */
async function makeWorkspace(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'screentime-'));
  const p = episodePaths(EP);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(root, p.manifestsDir), { recursive: true });
  const tracks = [track(1, 0.5, 4.0), track(2, 3.0, 6.0), track(3, 8.0, 9.5), track(4, 1.0, 2.0), track(5, 12.0, 14.0)];
  await writeFile(join(root, p.tracks), tracks.map((t) => JSON.stringify(t)).join('\n') + '\n');
  const doc = {
    identities: [
      identity(1, [1, 2], { person_id: 'monica', name: 'Monica' }, true),
      identity(2, [3], { person_id: 'monica', name: 'Monica' }),
      identity(3, [4, 5], { person_id: 'joey', name: 'Joey' }),
    ],
    metadata: {
      ep_id: EP, num_tracks: 5, num_clusters: 3, num_singletons: 0, singleton_fraction: 0, largest_cluster_size: 2,
      largest_cluster_fraction: 0.4, cluster_thresh: 0.5, min_cluster_size: 1, algorithm: 'agglomerative', linkage: 'average', created_at: now,
    },
  };
  await writeFile(join(root, p.identities), JSON.stringify(doc, null, 2));
  return root;
}

test('service: duration probed from the real video, seconds hand-computed, files validated', async () => {
  const root = await makeWorkspace();
  try {
    const { doc, jsonPath, csvPath } = await exportEpisodeScreenTime(root, EP, { videoPath: VIDEO, sceneCutsS: [2.2, 4.9, 7.7] });
    assert.equal(doc.duration_source, 'video');
    assert.ok(Math.abs(doc.episode_duration_s - 14.93) < 0.1, `duration ${doc.episode_duration_s}`);
    const monica = doc.people.find((p) => p.person_id === 'monica')!;
    // [0.5,4] ∪ [3,6] = [0.5,6] → 5.5 s, + [8,9.5] → 1.5 s = 7 s (not 3.5 + 3 + 1.5 = 8).
    assert.equal(monica.seconds, 7);
    assert.equal(monica.appearance_count, 2);
    // Scenes [0,2.2) [2.2,4.9) [4.9,7.7) [7.7,end]: 1.7, 2.7, 1.1, 1.5.
    assert.deepEqual(monica.per_scene.map((s) => s.seconds), [1.7, 2.7, 1.1, 1.5]);
    const joey = doc.people.find((p) => p.person_id === 'joey')!;
    assert.equal(joey.seconds, 3);
    assert.equal(joey.first_appearance_s, 1);
    assert.equal(joey.last_appearance_s, 14);

    const onDisk = screentimeDocSchema.parse(JSON.parse(await readFile(jsonPath, 'utf8')));
    assert.deepEqual(onDisk.people, doc.people);
    const csv = (await readFile(csvPath, 'utf8')).trimEnd().split('\r\n');
    assert.equal(csv.length, 3);
    assert.match(csv[1], /^monica,Monica,identity-00001;identity-00002,7\.000,0\.46\d\d,2,0\.500,9\.500,1\.700,2\.700,1\.100,1\.500$/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('service: scene cuts and duration come from detect_meta.json when not given; else the track extent', async () => {
  const root = await makeWorkspace();
  try {
    const noMeta = await computeEpisodeScreenTime(root, EP);
    assert.equal(noMeta.duration_source, 'tracks_extent');
    assert.equal(noMeta.episode_duration_s, 14);
    assert.equal(noMeta.scene_cuts_known, false);
    assert.deepEqual(noMeta.scenes, []);

    const meta = {
      ep_id: EP, video: { path: VIDEO, width: 640, height: 360, duration_sec: 20, fps: 30 }, stride: 1,
      frames: [[0, 0], [300, 10]], scene_cuts: [{ frame_idx: 300, ts_s: 10, score: 40, ratio: 3 }],
      model_id: 'm', detector: 'scrfd', device: 'cpu', detections: 2, decode_detect_sec: 1,
    };
    await writeFile(join(root, episodePaths(EP).manifestsDir, 'detect_meta.json'), JSON.stringify(meta));
    assert.deepEqual(await sceneInfoFromDetectMeta(root, EP), { durationS: 20, sceneCutsS: [10] });
    const withMeta = await computeEpisodeScreenTime(root, EP);
    assert.equal(withMeta.duration_source, 'video');
    assert.equal(withMeta.episode_duration_s, 20);
    assert.deepEqual(withMeta.scenes.map((s) => [s.start_s, s.end_s]), [[0, 10], [10, 20]]);
    assert.equal(withMeta.people.find((p) => p.person_id === 'joey')!.share, 3 / 20);

    // A broken side file is an error naming it, not a silent fallback.
    await writeFile(join(root, episodePaths(EP).manifestsDir, 'detect_meta.json'), JSON.stringify({ ...meta, scene_cuts: [{ ts_s: 'x' }] }));
    await assert.rejects(computeEpisodeScreenTime(root, EP), /detect_meta\.json:\d+: scene_cuts\[0\]/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('service: a bad tracks.jsonl line is reported with file, line and field', async () => {
  const root = await makeWorkspace();
  try {
    const p = join(root, episodePaths(EP).tracks);
    const lines = (await readFile(p, 'utf8')).trimEnd().split('\n');
    lines[2] = lines[2].replace('"start_s":8', '"start_s":"eight"');
    await writeFile(p, lines.join('\n') + '\n');
    await assert.rejects(computeEpisodeScreenTime(root, EP), (err: Error) => /tracks\.jsonl:3: start_s/.test(err.message));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('CLI: `screenalytics screentime` prints the table and writes both files', async () => {
  const root = await makeWorkspace();
  try {
    const r = spawnSync(process.execPath, [join(repo, 'bin/screenalytics.mjs'), 'screentime', EP, '--workspace', root, '--duration', '20'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Monica\s+2\s+7\.0\s+35\.0%\s+2\s+0\.5\s+9\.5$/m);
    assert.match(r.stdout, /^Joey\s+1\s+3\.0\s+15\.0%\s+2\s+1\.0\s+14\.0$/m);
    const csv = await readFile(join(root, episodePaths(EP).manifestsDir, 'screentime.csv'), 'utf8');
    assert.match(csv, /^joey,Joey,identity-00003,3\.000,0\.1500,2,1\.000,14\.000\r$/m);

    const bad = spawnSync(process.execPath, [join(repo, 'bin/screenalytics.mjs'), 'screentime', EP, '--workspace', root, '--duration', 'abc'], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--duration must be a number/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
