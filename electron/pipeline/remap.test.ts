// Human work across a re-run that regenerates tracks, on a real clip with the real eval models:
// interview_two_people at stride 4, one man locked + labeled, the other labeled (unlocked), then a
// re-run at stride 3 with a strict tracker IoU gate (matchThresh 0.3), so every stage re-runs and each
// man's one long track becomes dozens of fragments, interleaved and renumbered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVAL_DIR, loadEvalPack } from '../models/eval-pack';
import type { LoadedPack } from '../models/types';
import { episodeArtifacts } from '../store/artifacts';
import { Workspace } from '../store/workspace';
import type { IdentitiesDoc, Identity } from '../../shared/schema';
import { runPipeline, type RunOptions } from './orchestrator';
import { applyTrackRemap, trackRemapPath } from './remap';
import { sidePaths } from './sidefiles';
import { readConstraints, writeConstraints } from '../store/constraints';
import { constraintViolations } from '../../shared/cluster/reviewer-constraints';

const VIDEO = join(EVAL_DIR, 'videos', 'interview_two_people.mp4');
const EP = 'interview-s01e01';
let root = '';
let pack: LoadedPack;
const art = () => episodeArtifacts(new Workspace(root), EP);
// Every fragment is kept (minTrackDetections 1): the test is about carrying work onto fragments.
const STRICT = { stride: 3, packId: 'eval', matchThresh: 0.3, minTrackDetections: 1 } as const;
const run = (settings: RunOptions['settings'], extra: Partial<RunOptions> = {}) =>
  runPipeline({ videoPath: VIDEO, workspace: root, epId: EP, settings, loadPack: async () => pack, ...extra });

interface Samples { samples: Array<{ track_id: string; frame_idx: number; bbox: number[] }> }
const samples = (): Samples => JSON.parse(readFileSync(join(root, sidePaths(EP).trackSamples), 'utf8'));
/** Mean horizontal centre of a set of tracks' sampled boxes: the two men sit left and right. */
const centreX = (s: Samples, tracks: string[]) => {
  const xs = s.samples.filter((x) => tracks.includes(x.track_id)).map((x) => (x.bbox[0] + x.bbox[2]) / 2);
  return xs.reduce((a, b) => a + b, 0) / xs.length;
};

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-remap-'));
  pack = await loadEvalPack();
});
after(async () => {
  await Promise.allSettled([pack?.detector.dispose(), pack?.embedder.dispose()]);
  await rm(root, { recursive: true, force: true });
});

test('a re-run at another stride keeps the locked identity on the same man and carries the other label', async () => {
  const first = await run({ stride: 4, packId: 'eval' });
  assert.ok(first.report.ok);
  const tracks4 = await art().readTracks();
  const doc4 = await art().readIdentities();
  // The two men's long tracks and their identities.
  const long = tracks4.filter((t) => t.frame_span[1] - t.frame_span[0] >= 200).sort((a, b) => a.track_id.localeCompare(b.track_id));
  assert.ok(long.length >= 2, 'two long tracks');
  const owner = (d: IdentitiesDoc, t: string) => d.identities.find((i) => i.track_ids.includes(t))!;
  const lockedOld = owner(doc4, long[0].track_id);
  const labeledOld = owner(doc4, long[1].track_id);
  assert.notEqual(lockedOld.identity_id, labeledOld.identity_id);
  const s4 = samples();
  const lockedX = centreX(s4, lockedOld.track_ids);
  const labeledX = centreX(s4, labeledOld.track_ids);
  assert.ok(Math.abs(lockedX - labeledX) > 0.15, `the men sit apart (${lockedX} vs ${labeledX})`);

  const edited: IdentitiesDoc = structuredClone(doc4);
  const lk = edited.identities.find((i) => i.identity_id === lockedOld.identity_id)!;
  lk.locked = true;
  lk.labels = { person_id: 'host', name: 'The Host' };
  edited.identities.find((i) => i.identity_id === labeledOld.identity_id)!.labels = { name: 'The Guest' };
  await art().writeIdentities(edited);
  // The reviewer said the two men are two people (a cannot-link fact): it must reach the new tracks.
  await writeConstraints(new Workspace(root), EP, { version: 1, must_link: [], cannot_link: [[[long[0].track_id], [long[1].track_id]]], excluded: [] });

  const logs: string[] = [];
  const second = await run(STRICT, { onLog: (_l, m) => logs.push(m) });
  assert.deepEqual(second.stages.map((s) => s.status), ['ran', 'ran', 'ran', 'ran', 'ran']);
  assert.ok(second.report.ok, JSON.stringify(second.report.artifacts.filter((a) => a.status !== 'ok' && a.status !== 'not present')));
  const tracks3 = await art().readTracks();
  assert.ok(tracks3.every((t) => t.frame_span[0] % 3 === 0), 'tracks rebuilt from stride-3 detections');
  assert.ok(tracks3.length >= 10, `the strict gate fragments the tracks (${tracks3.length})`);
  const doc3 = await art().readIdentities();
  const s3 = samples();

  const locked = doc3.identities.find((i) => i.identity_id === lockedOld.identity_id) as Identity;
  assert.ok(locked, 'the locked identity survives');
  assert.equal(locked.locked, true);
  assert.deepEqual(locked.labels, { person_id: 'host', name: 'The Host' });
  assert.equal(locked.created_at, lockedOld.created_at);
  assert.equal(locked.cluster_id, lockedOld.cluster_id);
  // Its tracks are stride-3 tracks of the same man: same side of the frame, same stretch of the clip.
  assert.notDeepEqual(locked.track_ids, lockedOld.track_ids, 'the track ids changed');
  assert.ok(locked.track_ids.length >= 5, `the locked man's fragments (${locked.track_ids.join(', ')})`);
  assert.ok(Math.abs(centreX(s3, locked.track_ids) - lockedX) < 0.05, `centre ${centreX(s3, locked.track_ids)} vs ${lockedX}`);
  const spans = tracks3.filter((t) => locked.track_ids.includes(t.track_id));
  const covered = spans.reduce((a, t) => a + t.frame_span[1] - t.frame_span[0], 0);
  assert.ok(covered >= 0.8 * (long[0].frame_span[1] - long[0].frame_span[0]), `covers ${covered} frames`);
  assert.equal(locked.embedding_stats.num_tracks, locked.track_ids.length);
  // No other identity holds those tracks (the file validated, so no track is in two identities).

  const guest = doc3.identities.filter((i) => i.labels?.name === 'The Guest');
  assert.equal(guest.length, 1, 'the label is carried over to exactly one identity');
  assert.equal(guest[0].locked, false);
  assert.ok(Math.abs(centreX(s3, guest[0].track_ids) - labeledX) < 0.05, 'onto the same man');
  assert.notEqual(doc3.metadata.created_at, doc4.metadata.created_at, 'a new clustering (the journal of the old one is not replayed)');

  const remap = JSON.parse(readFileSync(join(root, trackRemapPath(EP)), 'utf8'));
  assert.equal(remap.identities_created_at, doc4.metadata.created_at);
  // The constraints now name the new tracks, and the new document keeps them.
  const cons = await readConstraints(new Workspace(root), EP);
  assert.deepEqual(cons.cannot_link.flat(2).sort(), [...remap.old_to_new[long[0].track_id], ...remap.old_to_new[long[1].track_id]].sort());
  assert.deepEqual(constraintViolations(doc3, cons), []);
  assert.ok(remap.old_to_new[long[0].track_id].length >= 1);
  assert.ok(logs.some((l) => /reviewed tracks matched to new tracks/.test(l)), logs.join('\n'));

  // A cluster-only re-run reads the re-clustered document: the remap is not applied a second time.
  const recluster = await run({ ...STRICT, clusterThresh: 0.9 });
  assert.deepEqual(recluster.stages.map((s) => s.status), ['skipped', 'skipped', 'skipped', 'skipped', 'ran']);
  assert.ok(recluster.report.ok);
  const again = (await art().readIdentities()).identities.find((i) => i.identity_id === lockedOld.identity_id)!;
  assert.deepEqual(again.track_ids, locked.track_ids);
  assert.deepEqual(again.labels, locked.labels);
});

test('applyTrackRemap: lost tracks are reported, a locked identity left without tracks is dropped (reported), other identities are not carried', () => {
  const ident = (id: string, tracks: string[], locked: boolean, labels: Record<string, string> = {}): Identity => ({
    identity_id: id, cluster_id: null, track_ids: tracks, canonical_face_path: '', locked, labels,
    embedding_stats: { centroid_norm: 1, variance: 0, num_tracks: tracks.length, num_faces_total: 1 },
    created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
  });
  const prev = {
    identities: [
      ident('identity-00001', ['track-00001', 'track-00002'], true, { name: 'A' }),
      ident('identity-00002', ['track-00003'], true, { name: 'B' }),
      ident('identity-00003', ['track-00004'], false, { name: 'C' }),
      ident('identity-00004', ['track-00005'], false),
    ],
    metadata: { ep_id: EP, created_at: '2026-01-01T00:00:00Z' },
  } as unknown as IdentitiesDoc;
  const remap = {
    ep_id: EP, created_at: 'x', identities_created_at: '2026-01-01T00:00:00Z',
    old_to_new: { 'track-00001': ['track-00007', 'track-00008'], 'track-00002': [], 'track-00003': [], 'track-00004': ['track-00001'] },
    lost: [],
  };
  const { doc, warnings, changed } = applyTrackRemap(prev, remap, '2026-02-02T00:00:00Z');
  assert.deepEqual(doc.identities.map((i) => [i.identity_id, i.track_ids, i.locked, i.labels]), [
    ['identity-00001', ['track-00007', 'track-00008'], true, { name: 'A' }],
    ['identity-00003', ['track-00001'], false, { name: 'C' }],
  ]);
  assert.equal(doc.identities[0].updated_at, '2026-02-02T00:00:00Z');
  assert.equal(doc.identities[0].created_at, '2026-01-01T00:00:00Z');
  assert.deepEqual([...changed].sort(), ['identity-00001', 'identity-00003']);
  assert.ok(warnings.some((w) => w.includes('identity-00001') && w.includes('track-00002')), warnings.join('\n'));
  assert.ok(warnings.some((w) => /locked identity-00002 .* dropped/.test(w)), warnings.join('\n'));
});
