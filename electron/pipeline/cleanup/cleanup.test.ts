// Full cleanup on a real-photo episode (eval pack embeddings, harvest-style crops): a locked, labeled
// identity comes through byte-for-byte; the mixed track is split and the identities around it are
// recomputed; undo restores every file exactly; the CLI drives the same code.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupReportSchema, identitiesDocSchema, type IdentitiesDoc } from '../../../shared/schema';
import { defaultPipelineSettings } from '../../../shared/schema/settings';
import { loadEvalPack } from '../../models/eval-pack';
import type { LoadedPack } from '../../models/types';
import { readJson, writeJson } from '../../store/json';
import { formatReport, validateEpisode } from '../../store/validate';
import { loadFaceLibrary, type FaceCutout } from '../../../scripts/synth/faces';
import { run as cli } from '../../cli/cleanup';
import { clusterEpisode } from '../cluster';
import { buildEpisode, hashTree, readFacesAndRows, type Fixture, type FixtureFace } from '../../../test-support/cleanup-episodes';
import { runCleanup } from './cleanup';
import { listBackups, undoLastCleanup } from './backup';

const P1 = 'deepface-p01', P2 = 'deepface-p02', P3 = 'deepface-p03';
const EP = 'clean-s01e01';
const THRESH = 0.4;
let pack: LoadedPack;
let lib: Map<string, FaceCutout[]>;
let dir: string;
let fx: Fixture;
let first: IdentitiesDoc;
let lockedJson: string;
let pristine: Map<string, string>;
const noBackups = (rel: string) => rel.endsWith('/backups');

const faces = (person: string, photos: number[], side?: number): FixtureFace[] => photos.map((photo) => ({ person, photo, side }));

before(async () => {
  pack = await loadEvalPack();
  lib = await loadFaceLibrary(pack.detector, [P1, P2, P3], 8);
  dir = mkdtempSync(join(tmpdir(), 'h9-cleanup-'));
  fx = await buildEpisode(dir, EP, pack, lib, [
    { startFrame: 0, faces: [...faces(P1, [0, 1, 2, 3, 4, 5]), ...faces(P2, [0, 1, 2, 3, 4, 5])] }, // mixed
    { startFrame: 100, faces: faces(P1, [6, 7, 2]) },
    { startFrame: 150, faces: faces(P2, [6, 7, 3]) },
    { startFrame: 200, faces: faces(P3, [0, 1, 2]) },
    { startFrame: 250, faces: faces(P3, [3, 4, 5]) },
    { startFrame: 300, faces: [...faces(P1, [4, 5, 1]), ...faces(P1, [3], 24)] }, // one small face: passes the run gate (0.35), not the stricter one (0.45)
  ]);
  const ctx = {
    workspace: fx.ws,
    epId: EP,
    paths: fx.ws.paths(EP),
    settings: defaultPipelineSettings(),
    pack,
    progress: () => {},
    signal: new AbortController().signal,
    log: () => {},
  };
  await clusterEpisode(ctx, { clusterThresh: THRESH });
  // A reviewer locks and names the p03 identity, and labels (without locking) the p01 one.
  const doc = await readJson(fx.ws.abs(ctx.paths.identities), identitiesDocSchema);
  const owner = (t: string) => doc.identities.find((i) => i.track_ids.includes(t))!;
  const p3 = owner('track-00004');
  assert.deepEqual(p3.track_ids, ['track-00004', 'track-00005'], 'the pipeline put the two p03 tracks together');
  Object.assign(p3, { locked: true, labels: { person_id: 'p03', name: 'Person Three' }, updated_at: '2026-01-02T03:04:05.000Z' });
  owner('track-00002').labels = { name: 'Person One' };
  await writeJson(fx.ws.abs(ctx.paths.identities), doc, identitiesDocSchema);
  first = doc;
  lockedJson = JSON.stringify(p3);
  pristine = hashTree(dir, noBackups);
});

after(async () => {
  await pack?.detector.dispose();
  await pack?.embedder.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const describe = (doc: IdentitiesDoc) => doc.identities.map((i) => `${i.identity_id}: ${i.track_ids.join(' ')}`).join('; ');
const personsOf = (doc: IdentitiesDoc, personOfTrack: Map<string, Set<string>>) =>
  doc.identities.map((i) => new Set(i.track_ids.flatMap((t) => [...personOfTrack.get(t)!])));

async function trackPersons(): Promise<Map<string, Set<string>>> {
  const { faces: fs } = await readFacesAndRows(fx.ws, EP);
  const m = new Map<string, Set<string>>();
  fs.forEach((f, i) => m.set(f.track_id, (m.get(f.track_id) ?? new Set()).add(fx.personOfFace[i])));
  return m;
}

test('full cleanup: the locked identity is byte-for-byte unchanged, the rest recomputed around the split', async () => {
  const paths = fx.ws.paths(EP);
  const beforePersons = personsOf(first, await trackPersons());
  assert.ok(beforePersons.some((s) => s.size > 1), 'before cleanup an identity mixes two people (the mixed track)');

  const steps: string[] = [];
  const r = await runCleanup({ workspace: fx.ws, epId: EP, actions: ['split_tracks', 'reembed', 'recluster'], pack, progress: (p) => steps.push(p.stage) });
  assert.deepEqual([...new Set(steps)], ['read', 'split_tracks', 'reembed', 'recluster', 'backup', 'write', 'validate']);
  const doc = await readJson(fx.ws.abs(paths.identities), identitiesDocSchema);
  const locked = doc.identities.find((i) => i.identity_id === JSON.parse(lockedJson).identity_id)!;
  assert.equal(JSON.stringify(locked), lockedJson, 'locked identity unchanged, byte for byte');
  // …and nothing else holds its tracks.
  assert.equal(doc.identities.filter((i) => i.track_ids.some((t) => locked.track_ids.includes(t))).length, 1);

  assert.deepEqual(r.splits.map((s) => [s.from, s.into]), [['track-00001', ['track-00007', 'track-00008']]]);
  const persons = await trackPersons();
  for (const s of personsOf(doc, persons)) assert.equal(s.size, 1, 'every identity is one person after cleanup');
  const owner = (t: string) => doc.identities.find((i) => i.track_ids.includes(t))!;
  assert.equal(owner('track-00007').identity_id, owner('track-00002').identity_id, 'the p01 half joins the p01 tracks');
  assert.equal(owner('track-00008').identity_id, owner('track-00003').identity_id, 'the p02 half joins the p02 tracks');
  assert.equal(owner('track-00002').labels.name, 'Person One', 'the label carried over');
  for (const ident of doc.identities.filter((i) => !i.locked)) assert.equal(ident.updated_at, r.report.created_at, `${ident.identity_id} recomputed`);

  // reembed: the tiny face is rejected, nothing else; no row needed re-embedding.
  const { faces: fs } = await readFacesAndRows(fx.ws, EP);
  const tiny = fs.findIndex((f) => f.track_id === 'track-00006' && f.frame_idx === 315);
  assert.equal(fs[tiny].rejection_reason, 'low_quality', `quality ${fs[tiny].quality_score}`);
  assert.deepEqual(r.rejectedFaces, [fs[tiny].face_id]);
  assert.deepEqual(r.reembeddedFaces, []);

  const report = await readJson(fx.ws.abs(paths.cleanupReport), cleanupReportSchema);
  assert.deepEqual(Object.keys(report), ['ep_id', 'actions_run', 'before', 'after', 'split_tracks_summary', 'reembed_summary', 'recluster_summary', 'elapsed_sec', 'created_at']);
  assert.deepEqual(report.actions_run, ['split_tracks', 'reembed', 'recluster']);
  assert.deepEqual([report.before.num_tracks, report.after.num_tracks], [6, 7]);
  assert.equal(report.before.num_faces - report.after.num_faces, report.reembed_summary.faces_rejected);
  assert.equal(report.reembed_summary.faces_rejected, 1);
  assert.ok(report.reembed_summary.mean_quality_after > report.reembed_summary.mean_quality_before);
  assert.equal(report.after.num_clusters, doc.metadata.num_clusters);
  // clusters_merged: new identities drawing tracks from several old ones (a split half counts as its
  // parent track). Only the p02 half can join another old identity (the one holding track-00003),
  // unless the first clustering already had the mixed track with both.
  const oldOwner = (t: string) => first.identities.find((i) => i.track_ids.includes(t))!.identity_id;
  const expectedMerges = oldOwner('track-00001') === oldOwner('track-00003') ? 0 : 1;
  assert.equal(oldOwner('track-00001'), oldOwner('track-00002'), describe(first));
  assert.equal(report.recluster_summary.clusters_merged, expectedMerges, describe(first));
  const check = await validateEpisode(fx.ws, EP);
  assert.ok(check.ok, formatReport(check));
});

test('undo restores every file of the episode exactly (sha256), and only once', async () => {
  const [last] = await listBackups(fx.ws, EP);
  assert.ok(last.manifest.after, 'the backup recorded the state the cleanup left');
  const r = await undoLastCleanup(fx.ws, EP);
  assert.ok(r.removed.includes(fx.ws.paths(EP).cleanupReport), 'a report that did not exist before is removed');
  assert.deepEqual(hashTree(dir, noBackups), pristine);
  await assert.rejects(undoLastCleanup(fx.ws, EP), /no cleanup to undo for clean-s01e01/);
});

test('undo refuses to discard edits made after the cleanup unless forced; CLI dry run writes nothing', async () => {
  const paths = fx.ws.paths(EP);
  const logs: string[] = [];
  const orig = console.log;
  console.log = (m: string) => logs.push(m);
  try {
    assert.equal(await cli([EP, '--workspace', dir, '--actions', 'recluster,split_tracks', '--dry-run', '--json']), 0);
  } finally {
    console.log = orig;
  }
  assert.deepEqual(hashTree(dir, noBackups), pristine, 'dry run wrote nothing');
  const out = JSON.parse(logs.join('\n'));
  assert.equal(out.dryRun, true);
  assert.deepEqual(out.report.actions_run, ['split_tracks', 'recluster'], 'actions run in pipeline order');
  assert.equal(out.report.split_tracks_summary.tracks_split, 1);

  console.log = () => {};
  try {
    assert.equal(await cli([EP, '--workspace', dir, '--actions', 'split_tracks']), 0);
  } finally {
    console.log = orig;
  }
  // Without recluster the halves stay in the parent's identity.
  const doc = await readJson(fx.ws.abs(paths.identities), identitiesDocSchema);
  const parent = first.identities.find((i) => i.track_ids.includes('track-00001'))!;
  assert.deepEqual(doc.identities.find((i) => i.identity_id === parent.identity_id)!.track_ids, parent.track_ids.flatMap((t) => (t === 'track-00001' ? ['track-00007', 'track-00008'] : [t])));
  // A review edit after the cleanup.
  const edited = structuredClone(doc);
  edited.identities[0].labels = { name: 'Edited later' };
  await writeJson(fx.ws.abs(paths.identities), edited, identitiesDocSchema);
  await assert.rejects(undoLastCleanup(fx.ws, EP), /changed after the cleanup .*identities\.json.*use force/);
  assert.equal(readFileSync(fx.ws.abs(paths.identities), 'utf8').includes('Edited later'), true, 'refused undo changed nothing');
  console.log = () => {};
  try {
    assert.equal(await cli([EP, '--workspace', dir, '--undo', '--force']), 0);
  } finally {
    console.log = orig;
  }
  assert.deepEqual(hashTree(dir, noBackups), pristine);
  await assert.rejects(cli([EP, '--workspace', dir, '--actions', 'split_tracks,merge']), /unknown cleanup action "merge"/);
});

test('a cleanup cancelled during the write-back is rolled back: every file as before', async () => {
  const ac = new AbortController();
  await assert.rejects(
    runCleanup({
      workspace: fx.ws,
      epId: EP,
      actions: ['split_tracks', 'reembed', 'recluster'],
      signal: ac.signal,
      // Cancel once tracks/faces are being rewritten: the identity thumbnails step sees it and throws.
      progress: (p) => p.stage === 'write' && ac.abort(),
    }),
    /cleanup of clean-s01e01 failed and was rolled back: pipeline cancelled/,
  );
  assert.deepEqual(hashTree(dir, noBackups), pristine);
  assert.deepEqual(await listBackups(fx.ws, EP), [], 'the used backup is marked undone');
});

test('bad input: an episode that does not validate is refused, naming file, line and field; nothing written', async () => {
  const file = fx.ws.abs(fx.ws.paths(EP).faces);
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  lines[2] = lines[2].replace(/"quality_score":[0-9.e-]+/, '"quality_score":1.5');
  writeFileSync(file, lines.join('\n'));
  try {
    const hashes = hashTree(dir, noBackups);
    await assert.rejects(
      runCleanup({ workspace: fx.ws, epId: EP, actions: ['recluster'] }),
      /clean-s01e01 does not validate[\s\S]*faces\.jsonl:3: quality_score: must be in \[0, 1\]/,
    );
    assert.deepEqual(hashTree(dir, noBackups), hashes);
    assert.deepEqual(await listBackups(fx.ws, EP), []);
  } finally {
    writeFileSync(file, text);
  }
});
