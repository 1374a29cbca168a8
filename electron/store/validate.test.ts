import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportEpisodeScreenTime } from '../service/screentime';
import { readNpy, writeNpy } from './npy';
import { FIXTURE_DIM, buildFixture } from '../../test-support/store-fixture';
import { formatReport, validateEpisode } from './validate';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO, 'bin/screenalytics.mjs'), 'validate', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('a clean episode validates; the CLI exits 0 and lists every artifact', async () => {
  const f = await buildFixture();
  const report = await validateEpisode(f.ws, f.epId);
  assert.equal(report.ok, true, formatReport(report));
  assert.deepEqual(report.artifacts.map((a) => [a.kind, a.status, a.count]), [
    ['detections', 'ok', 12], ['tracks', 'ok', 6], ['trackMetrics', 'ok', undefined], ['faces', 'ok', 12], ['facesNpy', 'ok', 12],
    ['embeddingsMeta', 'ok', undefined], ['trackEmbeddingsNpy', 'ok', 6], ['identities', 'ok', 6], ['cleanupReport', 'ok', undefined],
  ]);
  const { code, out } = cli(f.ws.root, f.epId);
  assert.equal(code, 0, out);
  assert.match(out, /ok +data\/manifests\/friends-s01e01\/faces\.jsonl +12 rows/);
  assert.match(out, /RESULT: valid/);
});

test('an episode mid-pipeline (only detections and tracks) is valid, the rest "not present"', async () => {
  const f = await buildFixture();
  for (const k of ['trackMetrics', 'faces', 'facesNpy', 'embeddingsMeta', 'trackEmbeddingsNpy', 'identities', 'cleanupReport'] as const) await rm(f.arts.path(k));
  const report = await validateEpisode(f.ws, f.epId);
  assert.equal(report.ok, true, formatReport(report));
  assert.equal(report.artifacts.filter((a) => a.status === 'not present').length, 7);
  const { code, out } = cli(f.ws.root, f.epId);
  assert.equal(code, 0, out);
  assert.match(out, /-- +data\/manifests\/friends-s01e01\/identities\.json +not present/);
});

test('after harvest but before pooling (no embeddings_meta.json) the dimension comes from faces.npy', async () => {
  const f = await buildFixture();
  for (const k of ['embeddingsMeta', 'trackEmbeddingsNpy', 'identities', 'cleanupReport'] as const) await rm(f.arts.path(k));
  const report = await validateEpisode(f.ws, f.epId);
  assert.equal(report.ok, true, formatReport(report));
  assert.equal(report.artifacts.find((a) => a.kind === 'faces')?.count, 12);
  // Without faces.npy there is nothing to tell the dimension nor to align with: an error.
  await rm(f.arts.path('facesNpy'));
  const text = formatReport(await validateEpisode(f.ws, f.epId));
  assert.match(text, /faces\.jsonl: faces\.npy \(data\/embeds\/friends-s01e01\/faces\.npy\) is not present/);
});

test('broken references are reported with file, line and field; the CLI exits non-zero', async () => {
  const f = await buildFixture();
  // faces.jsonl line 3 points at a track that does not exist; identities name a missing track.
  const faces = (await readFile(f.arts.path('faces'), 'utf8')).split('\n');
  faces[2] = faces[2].replace('"track_id":"track-00002"', '"track_id":"track-00077"');
  await writeFile(f.arts.path('faces'), faces.join('\n'));
  const ident = JSON.parse(await readFile(f.arts.path('identities'), 'utf8'));
  ident.identities[3].track_ids.push('track-00088');
  await writeFile(f.arts.path('identities'), JSON.stringify(ident, null, 2));
  // A crop that a face references is gone, and a thumbnail is a symlink out of the workspace.
  await rm(f.ws.resolveManifestRef(f.epId, f.faces[5].crop_path));
  const thumb = f.ws.resolveManifestRef(f.epId, f.identities.identities[0].canonical_face_path);
  await rm(thumb);
  await symlink('/etc/passwd', thumb);

  const report = await validateEpisode(f.ws, f.epId);
  assert.equal(report.ok, false);
  const text = formatReport(report);
  assert.match(text, /data\/manifests\/friends-s01e01\/faces\.jsonl:3: track_id: track-00077 is not in tracks\.jsonl/);
  assert.match(text, /faces\.jsonl:6: crop_path: "crops\/track-00003\/frame_000110\.jpg" does not exist/);
  assert.match(text, /tracks\.jsonl:3: sample_thumbs\[1\]: "crops\/track-00003\/frame_000110\.jpg" does not exist/);
  assert.match(text, /identities\.json: identities\[3\]\.track_ids\[1\]: track-00088 is not in tracks\.jsonl/);
  assert.match(text, /identities\[0\]\.canonical_face_path: path .* symbolic link .*outside the workspace/);
  const { code, out } = cli(f.ws.root, f.epId);
  assert.equal(code, 1);
  assert.match(out, /faces\.jsonl:3: track_id: track-00077 is not in tracks\.jsonl/);
  assert.match(out, /RESULT: invalid \(5 problem\(s\)\)/);
});

test('faces.npy out of step with faces.jsonl, bad lines and duplicates are all reported in one pass', async () => {
  const f = await buildFixture();
  const npy = await readNpy(f.arts.path('facesNpy'));
  // Row count disagrees (11 vs 12) and row 0 is another face's embedding.
  const data = npy.data.slice(0, 11 * FIXTURE_DIM);
  data.set(npy.data.subarray(FIXTURE_DIM * 4, FIXTURE_DIM * 5), 0);
  await writeNpy(f.arts.path('facesNpy'), data, [11, FIXTURE_DIM]);
  const tracks = (await readFile(f.arts.path('tracks'), 'utf8')).split('\n');
  tracks[4] = tracks[4].replace('"track_id":"track-00005"', '"track_id":"track-00002"');
  tracks[5] = tracks[5].replace('"schema_version":"track_v1"', '"schema_version":"track_v0"');
  await writeFile(f.arts.path('tracks'), tracks.join('\n'));
  const ident = JSON.parse(await readFile(f.arts.path('identities'), 'utf8'));
  ident.metadata.embedding_dim = 512;
  await writeFile(f.arts.path('identities'), JSON.stringify(ident, null, 2));
  const dets = await readFile(f.arts.path('detections'), 'utf8');
  await writeFile(f.arts.path('detections'), dets.slice(0, -20));

  const text = formatReport(await validateEpisode(f.ws, f.epId));
  assert.match(text, /faces\.npy: shape\[0\]: has 11 rows, expected 12/);
  assert.match(text, /faces\.npy: rows\[0\]: differs from the embedding on faces\.jsonl line 1/);
  assert.match(text, /tracks\.jsonl:5: track_id: duplicate track_id track-00002 \(first on line 2\)/);
  assert.match(text, /tracks\.jsonl:6: schema_version: .*track_v1/);
  assert.match(text, /detections\.jsonl:12: truncated last line/);
  assert.match(text, /identities\.json: metadata\.embedding_dim: is 512 but embeddings_meta\.json says 128/);
  const { code, out } = cli(f.ws.root, f.epId);
  assert.equal(code, 1);
  assert.match(out, /detections\.jsonl:12: truncated last line/);
});

test('the CLI refuses bad arguments and unknown episodes with a usage message', async () => {
  const f = await buildFixture();
  assert.equal(cli().code, 2);
  assert.match(cli(f.ws.root, 'Not An Id').out, /invalid ep_id "Not An Id"/);
  assert.match(cli(join(f.ws.root, 'nope'), f.epId).out, /is not a directory/);
  const other = cli(f.ws.root, 'rhobh-s05e02');
  assert.equal(other.code, 1);
  assert.match(other.out, /episode rhobh-s05e02 has no artifacts/);
});

test('screentime.json, when present, is validated: schema fields and the identities/tracks it names', async () => {
  const f = await buildFixture();
  // Written by the real exporter, so the validator checks the file where the app puts it.
  const { jsonPath } = await exportEpisodeScreenTime(f.ws.root, f.epId);
  const good = await validateEpisode(f.ws, f.epId);
  assert.equal(good.ok, true, formatReport(good));
  const row = good.artifacts.find((a) => a.kind === 'screentime');
  assert.deepEqual([row?.path, row?.status, row?.count], ['data/manifests/friends-s01e01/screentime.json', 'ok', 6]);

  const doc = JSON.parse(await readFile(jsonPath, 'utf8'));
  assert.equal(doc.people[0].person_id, 'chandler-bing');
  doc.people[0].share = 1.5;
  doc.people[0].identity_ids.push('identity-00042');
  doc.identities[2].identity_id = 'identity-00077';
  doc.identities[1].track_ids[0] = 'track-00099';
  doc.identities[1].appearances[0].track_ids[0] = 'track-00099';
  // A schema error stops the referential pass (nothing trustworthy to check), so show each separately.
  await writeFile(jsonPath, JSON.stringify(doc, null, 2));
  const bad = formatReport(await validateEpisode(f.ws, f.epId));
  assert.match(bad, /FAIL data\/manifests\/friends-s01e01\/screentime\.json/);
  assert.match(bad, /screentime\.json:\d+: people\[0\]\.share: must be in \[0, 1\]/);
  assert.match(bad, /RESULT: invalid \(1 problem\(s\)\)/);

  doc.people[0].share = 0.5;
  await writeFile(jsonPath, JSON.stringify(doc, null, 2));
  const refs = formatReport(await validateEpisode(f.ws, f.epId));
  assert.match(refs, /screentime\.json: people\[0\]\.identity_ids\[1\]: identity-00042 is not in identities\.json/);
  assert.match(refs, /screentime\.json: identities\[2\]\.identity_id: identity-00077 is not in identities\.json/);
  assert.match(refs, /screentime\.json: identities\[1\]\.track_ids\[0\]: track-00099 is not in tracks\.jsonl/);
  assert.match(refs, /screentime\.json: identities\[1\]\.appearances\[0\]\.track_ids\[0\]: track-00099 is not in tracks\.jsonl/);
  assert.match(refs, /RESULT: invalid \(4 problem\(s\)\)/);
  const { code, out } = cli(f.ws.root, f.epId);
  assert.equal(code, 1);
  assert.match(out, /identity-00077 is not in identities\.json/);

  // Another episode's file, and a torn (unparseable) one.
  await writeFile(jsonPath, JSON.stringify({ ...doc, people: [], identities: [], ep_id: 'friends-s01e02' }));
  assert.match(formatReport(await validateEpisode(f.ws, f.epId)), /screentime\.json:1: ep_id: is "friends-s01e02" but this is episode "friends-s01e01"/);
  await writeFile(jsonPath, '{"schema_version": "screentime_v1", ');
  assert.match(formatReport(await validateEpisode(f.ws, f.epId)), /FAIL data\/manifests\/friends-s01e01\/screentime\.json/);
});

test('a manifest symlinked out of the workspace is one artifact\'s problem in a full per-artifact report, not an abort', async () => {
  const f = await buildFixture();
  const outside = join(dirname(f.ws.root), `${f.ws.root.split('/').pop()}-outside.json`);
  const identities = f.arts.path('identities');
  await writeFile(outside, await readFile(identities));
  await rm(identities);
  await symlink(outside, identities);
  const report = await validateEpisode(f.ws, f.epId);
  assert.equal(report.ok, false);
  const byKind = Object.fromEntries(report.artifacts.map((a) => [a.kind, a.status]));
  assert.equal(byKind.identities, 'invalid');
  assert.equal(byKind.tracks, 'ok');
  assert.equal(byKind.faces, 'ok');
  assert.match(report.artifacts.find((a) => a.kind === 'identities')!.issues[0].message, /outside the workspace/);
  const { code, out } = cli(f.ws.root, f.epId);
  assert.equal(code, 1, out);
  assert.match(out, /ok +data\/manifests\/friends-s01e01\/tracks\.jsonl/);
  assert.match(out, /FAIL data\/manifests\/friends-s01e01\/identities\.json/);
  await rm(outside);
});
