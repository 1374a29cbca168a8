import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeScreenTime, scenesFromCuts, slugifyName, unionIntervals } from './screentime';
import { screentimeCsv, screentimeDocSchema } from './schema/screentime';

// Hand-made episode, 60 s long. Lisa = identity 1 (tracks 1, 2, 3) + identity 3 (track 6);
// Kyle = identity 2 (tracks 4, 5); identity 4 (track 7) is unlabeled.
const tracks = [
  { track_id: 'track-00001', start_s: 2.0, end_s: 10.0 },
  { track_id: 'track-00002', start_s: 6.0, end_s: 12.5 }, // overlaps track 1 by 4 s
  { track_id: 'track-00003', start_s: 30.0, end_s: 31.0 },
  { track_id: 'track-00004', start_s: 0.0, end_s: 5.0 },
  { track_id: 'track-00005', start_s: 5.5, end_s: 8.0 }, // 0.5 s after track 4: same appearance
  { track_id: 'track-00006', start_s: 11.0, end_s: 14.0 }, // overlaps track 2 (other identity, same person)
  { track_id: 'track-00007', start_s: 40.0, end_s: 40.0 }, // single detection: zero length
];
const identities = [
  { identity_id: 'identity-00001', track_ids: ['track-00001', 'track-00002', 'track-00003'], labels: { person_id: 'lisa', name: 'Lisa' }, locked: true },
  { identity_id: 'identity-00002', track_ids: ['track-00004', 'track-00005'], labels: { name: 'Kyle Richards' } },
  { identity_id: 'identity-00003', track_ids: ['track-00006'], labels: { person_id: 'lisa', name: 'Lisa' } },
  { identity_id: 'identity-00004', track_ids: ['track-00007'], labels: {} },
];

test('union of intervals merges overlaps and touching ends, drops inverted ones', () => {
  assert.deepEqual(unionIntervals([[5, 7], [1, 3], [2, 4], [4, 4.5], [9, 8]]), [[1, 4.5], [5, 7]]);
});

test('screen time equals the hand-computed seconds, overlaps not double-counted', () => {
  const r = computeScreenTime(tracks, identities, { durationS: 60 });
  const id1 = r.identities.find((i) => i.identity_id === 'identity-00001')!;
  // [2,10] ∪ [6,12.5] = [2,12.5] → 10.5 s; plus [30,31] → 11.5 s (not 8 + 6.5 + 1 = 15.5).
  assert.equal(id1.seconds, 11.5);
  assert.equal(id1.appearance_count, 2);
  assert.equal(id1.first_appearance_s, 2);
  assert.equal(id1.last_appearance_s, 31);
  assert.deepEqual(id1.appearances[0].track_ids, ['track-00001', 'track-00002']);

  const lisa = r.people.find((p) => p.person_id === 'lisa')!;
  // Person = union across identities: [2,14] ∪ [30,31] = 12 + 1 = 13 s.
  assert.equal(lisa.seconds, 13);
  assert.deepEqual(lisa.identity_ids, ['identity-00001', 'identity-00003']);
  assert.equal(lisa.appearance_count, 2);
  assert.ok(Math.abs(lisa.share - 13 / 60) < 1e-12);

  const kyle = r.people.find((p) => p.person_id === 'kyle-richards')!;
  // [0,5] + [5.5,8] = 7.5 s on screen; the 0.5 s gap joins them into one appearance but is not counted.
  assert.equal(kyle.seconds, 7.5);
  assert.equal(kyle.name, 'Kyle Richards');
  assert.equal(kyle.appearance_count, 1);
  assert.equal(kyle.appearances[0].seconds, 7.5);
  assert.deepEqual(kyle.appearances[0].track_ids, ['track-00004', 'track-00005']);

  // With no gap bridging the two runs are separate appearances; seconds do not change.
  const strict = computeScreenTime(tracks, identities, { durationS: 60, appearanceGapS: 0 });
  assert.equal(strict.people.find((p) => p.person_id === 'kyle-richards')!.appearance_count, 2);
  assert.equal(strict.people.find((p) => p.person_id === 'kyle-richards')!.seconds, 7.5);

  // Unlabeled identities are reported per identity but make no person.
  assert.equal(r.people.length, 2);
  const lone = r.identities.find((i) => i.identity_id === 'identity-00004')!;
  assert.equal(lone.person_id, null);
  assert.equal(lone.seconds, 0);
  assert.equal(lone.appearance_count, 1);
  // Sorted by seconds, longest first.
  assert.deepEqual(r.people.map((p) => p.person_id), ['lisa', 'kyle-richards']);
});

test('per-scene seconds split the union at the cuts', () => {
  const r = computeScreenTime(tracks, identities, { durationS: 60, sceneCutsS: [9, 30.5, 0, 75] });
  assert.deepEqual(r.scenes, [
    { scene_index: 0, start_s: 0, end_s: 9 },
    { scene_index: 1, start_s: 9, end_s: 30.5 },
    { scene_index: 2, start_s: 30.5, end_s: 60 },
  ]);
  const lisa = r.people.find((p) => p.person_id === 'lisa')!;
  // [2,14] ∪ [30,31]: scene 0 → 7 s, scene 1 → 5 + 0.5 s, scene 2 → 0.5 s.
  assert.deepEqual(lisa.per_scene, [
    { scene_index: 0, seconds: 7 },
    { scene_index: 1, seconds: 5.5 },
    { scene_index: 2, seconds: 0.5 },
  ]);
  const sum = lisa.per_scene.reduce((s, x) => s + x.seconds, 0);
  assert.equal(sum, lisa.seconds);
  assert.deepEqual(scenesFromCuts([], 10), [{ scene_index: 0, start_s: 0, end_s: 10 }]);
});

test('an identity naming an unknown track is an error that names both', () => {
  assert.throws(
    () => computeScreenTime(tracks, [{ identity_id: 'identity-00009', track_ids: ['track-00099'] }]),
    /identity-00009.*track-00099/,
  );
});

test('the document validates and the CSV has one row per person with documented columns', () => {
  const r = computeScreenTime(tracks, identities, { durationS: 60, sceneCutsS: [9, 30.5] });
  const doc = screentimeDocSchema.parse({
    schema_version: 'screentime_v1',
    ep_id: 'demo-s01e01',
    created_at: new Date().toISOString(),
    duration_source: 'given',
    scene_cuts_known: true,
    ...r,
  });
  const csv = screentimeCsv(doc);
  const lines = csv.trimEnd().split('\r\n');
  assert.equal(lines.length, 1 + doc.people.length);
  assert.equal(
    lines[0],
    'person_id,name,identity_ids,seconds,share,appearances,first_appearance_s,last_appearance_s,scene_000_s,scene_001_s,scene_002_s',
  );
  assert.equal(lines[1], 'lisa,Lisa,identity-00001;identity-00003,13.000,0.2167,2,2.000,31.000,7.000,5.500,0.500');
  assert.equal(lines[2], 'kyle-richards,Kyle Richards,identity-00002,7.500,0.1250,1,0.000,8.000,7.500,0.000,0.000');

  // Bad documents are refused with the field's path.
  const bad = structuredClone(doc);
  bad.people[0].appearance_count = 5;
  const res = screentimeDocSchema.safeParse(bad);
  assert.equal(res.success, false);
  assert.deepEqual(res.error!.issues[0].path, ['people', 0, 'appearance_count']);
});

test('names with commas and quotes are quoted in the CSV; slugs drop accents', () => {
  assert.equal(slugifyName('Beyoncé Knowles-Carter'), 'beyonce-knowles-carter');
  const r = computeScreenTime(tracks.slice(0, 1), [
    { identity_id: 'identity-00001', track_ids: ['track-00001'], labels: { person_id: 'x', name: 'Smith, "Jo"' } },
  ]);
  const doc = screentimeDocSchema.parse({
    schema_version: 'screentime_v1', ep_id: 'demo-s01e01', created_at: new Date().toISOString(),
    duration_source: 'tracks_extent', scene_cuts_known: false, ...r,
  });
  assert.match(screentimeCsv(doc), /^x,"Smith, ""Jo""",identity-00001,8\.000,0\.8000,/m);
});
