/// <reference types="node" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeScreenTime } from '../../../../shared/screentime';
import { screentimeDocSchema } from '../../../../shared/schema/screentime';
import { buildLanes, formatClock, laneColor, MIN_BAR_PX, MIN_SPAN_S, onScreenAt, panWindow, ticks, ticksIn, zoomWindow } from './layout';

/** A screen-time document of a 100-s episode from these tracks and identities, as the service computes it. */
function docOf(tracks: Parameters<typeof computeScreenTime>[0], identities: Parameters<typeof computeScreenTime>[1]) {
  return screentimeDocSchema.parse({
    schema_version: 'screentime_v1', ep_id: 'x-s01e01', created_at: new Date().toISOString(), duration_source: 'given',
    scene_cuts_known: false, ...computeScreenTime(tracks, identities, { durationS: 100 }),
  });
}

test('ticks use 1/2/5 steps and labels read as a clock', () => {
  assert.deepEqual(ticks(14.9), [0, 2, 4, 6, 8, 10, 12, 14]);
  assert.deepEqual(ticks(2700), [0, 500, 1000, 1500, 2000, 2500]);
  assert.equal(formatClock(75), '1:15');
  assert.equal(formatClock(3725), '1:02:05');
});

test('lanes: one per person then unlabeled identities; bars scale to the axis and jump to the first track', () => {
  const tracks = [
    { track_id: 'track-00001', start_s: 0, end_s: 5 },
    { track_id: 'track-00002', start_s: 4, end_s: 10 },
    { track_id: 'track-00003', start_s: 50, end_s: 50.05 },
    { track_id: 'track-00004', start_s: 20, end_s: 30 },
  ];
  const identities = [
    { identity_id: 'identity-00001', track_ids: ['track-00002', 'track-00001'], labels: { person_id: 'ann', name: 'Ann' } },
    { identity_id: 'identity-00002', track_ids: ['track-00003'], labels: { person_id: 'bob', name: 'Bob' } },
    { identity_id: 'identity-00003', track_ids: ['track-00004'], labels: {} },
  ];
  const doc = docOf(tracks, identities);
  const lanes = buildLanes(doc, 1000, { includeUnlabeled: true });
  assert.deepEqual(lanes.map((l) => l.label), ['Ann', 'Bob', 'identity-00003']);
  assert.deepEqual(lanes[0].bars.map((b) => [b.x, b.width, b.track_id, b.identity_id]), [[0, 100, 'track-00001', 'identity-00001']]);
  assert.equal(lanes[1].bars[0].width, MIN_BAR_PX, 'a 0.05 s appearance stays clickable');
  assert.equal(lanes[2].kind, 'identity');
  assert.equal(buildLanes(doc, 1000, { includeUnlabeled: false }).length, 2);
});

test('zoom keeps the anchor time under the pointer, pan and zoom stay inside the episode, ticks follow the window', () => {
  const D = 100;
  const z = zoomWindow({ startS: 0, spanS: D }, 4, D, 40);
  assert.deepEqual(z, { startS: 30, spanS: 25 });
  assert.equal((40 - z.startS) / z.spanS, 40 / D, 'the anchor is at the same fraction of the axis');
  assert.deepEqual(zoomWindow(z, 1 / 100, D), { startS: 0, spanS: D }, 'zooming out stops at the whole episode');
  assert.equal(zoomWindow(z, 1000, D).spanS, MIN_SPAN_S, 'zooming in stops at MIN_SPAN_S');
  assert.deepEqual(panWindow(z, 1000, D), { startS: 75, spanS: 25 });
  assert.deepEqual(panWindow(z, -1000, D), { startS: 0, spanS: 25 });
  assert.deepEqual(ticksIn({ startS: 31, spanS: 10 }), [31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41]);
  assert.deepEqual(ticksIn({ startS: 30.5, spanS: 20 }), [32, 34, 36, 38, 40, 42, 44, 46, 48, 50]);
});

test('lane colours are stable per key and differ between people; lanes scale to the zoomed window', () => {
  assert.equal(laneColor('person:ann'), laneColor('person:ann'));
  const hues = ['person:ann', 'person:bob', 'person:cy', 'identity:identity-00001'].map(laneColor);
  assert.equal(new Set(hues).size, hues.length);
  const tracks = [{ track_id: 'track-00001', start_s: 10, end_s: 20 }];
  const identities = [{ identity_id: 'identity-00001', track_ids: ['track-00001'], labels: { person_id: 'ann', name: 'Ann' } }];
  const doc = docOf(tracks, identities);
  const [lane] = buildLanes(doc, 1000, { includeUnlabeled: true }, { startS: 10, spanS: 20 });
  assert.deepEqual([lane.bars[0].x, lane.bars[0].width], [0, 500]);
  assert.deepEqual(lane.identityIds, ['identity-00001']);
});

test('onScreenAt: the lanes with an appearance covering the time', () => {
  const tracks = [{ track_id: 'track-00001', start_s: 10, end_s: 20 }, { track_id: 'track-00002', start_s: 15, end_s: 30 }];
  const identities = [
    { identity_id: 'identity-00001', track_ids: ['track-00001'], labels: { person_id: 'ann', name: 'Ann' } },
    { identity_id: 'identity-00002', track_ids: ['track-00002'], labels: {} },
  ];
  const doc = docOf(tracks, identities);
  const lanes = buildLanes(doc, 1000, { includeUnlabeled: true });
  assert.deepEqual(onScreenAt(lanes, 12).map((l) => l.label), ['Ann']);
  assert.deepEqual(onScreenAt(lanes, 16).map((l) => l.label), ['Ann', 'identity-00002']);
  assert.deepEqual(onScreenAt(lanes, 40), []);
});
