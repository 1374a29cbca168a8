// cleanup_report.json (spec §8): the spec's example passes; reports that cannot come from a cleanup fail
// naming the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanupReportSchema } from './cleanup';

const example = {
  ep_id: 'rhobh-s05e02',
  actions_run: ['split_tracks', 'reembed', 'recluster'],
  before: { num_tracks: 42, num_faces: 2048, num_clusters: 18, singleton_fraction: 0.38 },
  after: { num_tracks: 58, num_faces: 1876, num_clusters: 12, singleton_fraction: 0.15 },
  split_tracks_summary: { tracks_split: 8, new_tracks_created: 16 },
  reembed_summary: { faces_rejected: 172, mean_quality_before: 0.72, mean_quality_after: 0.84 },
  recluster_summary: { clusters_merged: 6 },
  elapsed_sec: 245.3,
  created_at: '2025-11-18T12:34:56Z',
};

function problems(value: unknown): string[] {
  const r = cleanupReportSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

test('the spec example is a valid report', () => {
  assert.deepEqual(problems(example), []);
  assert.deepEqual(cleanupReportSchema.parse(example), example);
});

test('reports no cleanup could write are refused, naming the field', () => {
  assert.deepEqual(problems({ ...example, actions_run: [] }), ['actions_run: a cleanup runs at least one action']);
  assert.deepEqual(problems({ ...example, actions_run: ['reembed', 'reembed'] }), ['actions_run: an action is listed twice']);
  assert.deepEqual(problems({ ...example, actions_run: ['merge'] }).length, 1);
  assert.deepEqual(problems({ ...example, split_tracks_summary: { tracks_split: 3, new_tracks_created: 4 } }), [
    'split_tracks_summary.new_tracks_created: each split track becomes at least two new tracks',
  ]);
  assert.deepEqual(problems({ ...example, after: { ...example.after, singleton_fraction: 1.5 } }), ['after.singleton_fraction: must be in [0, 1]']);
  assert.match(problems({ ...example, extra: 1 })[0], /Unrecognized key/);
  assert.ok(problems({ ...example, created_at: 'yesterday' }).length === 1);
});
