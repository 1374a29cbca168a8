// The harvest's appearance check on a real clip with the default pack: the Friends clip's camera pan
// (7.0–7.4 s) makes the tracker carry Ross's track onto Joey and Joey's onto Ross. Judged against the
// labeled boxes (eval/labels): every tracker track holding two people is cut within a few analysed
// frames of the labeled change, every cut separates two people (no healthy track is cut), no final
// track carries two people, id_switches counts the cuts, and cleanup's split_tracks (the same rule)
// leaves the long healthy Joey track (8.1–14.9 s, head turns and blur) whole.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVAL_DIR } from '../../electron/models/eval-pack';
import { REPO_ROOT } from '../../electron/models/pack';
import { runPipeline } from '../../electron/pipeline/orchestrator';
import { runCleanup } from '../../electron/pipeline/cleanup/cleanup';
import { sidePaths, trackSamplesSchema } from '../../electron/pipeline/sidefiles';
import { episodeArtifacts } from '../../electron/store/artifacts';
import { readJson } from '../../electron/store/json';
import { Workspace } from '../../electron/store/workspace';
import { labelBoxes, labelsDocSchema, type LabelsDoc } from './labels';
import { evaluateEpisode } from './evaluate';
import { harvestSplits, readRunDetections, type RunDetections } from './run-tracks';
import { buildTracks } from '../../electron/pipeline/track';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import type { Box } from '../../shared/geometry';

const EP = 'sitcomfriendsgroup-s01e01';
let dir: string;
let ws: Workspace;
let doc: LabelsDoc;
let run: RunDetections;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'track-cuts-'));
  doc = await readJson(join(REPO_ROOT, 'eval/labels/sitcom_friends_group.json'), labelsDocSchema);
  await runPipeline({ videoPath: join(EVAL_DIR, 'videos', doc.clip), workspace: dir, epId: EP, settings: { packId: 'default' } });
  ws = new Workspace(dir);
  run = await readRunDetections(ws, EP);
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** The person of every box of every tracker track (track stage replayed), in frame order. */
function trackerPeople(): Map<string, Array<{ frame: number; person: string | null }>> {
  const { meta } = run;
  const built = buildTracks({
    epId: EP, detections: run.detections, frames: meta.frames, cutFrames: meta.scene_cuts.map((c) => c.frame_idx),
    width: meta.video.width, height: meta.video.height, durationSec: meta.video.duration_sec, settings: defaultPipelineSettings(),
  });
  const tsOf = new Map(meta.frames.map(([f, t]) => [f, t]));
  const out = new Map<string, Array<{ frame: number; person: string | null }>>();
  for (const t of built.boxes) {
    const p = labelBoxes(doc, t.boxes.map((b) => ({ ts: tsOf.get(b.frame_idx)!, bbox: b.bbox as Box })));
    out.set(t.track_id, t.boxes.map((b, i) => ({ frame: b.frame_idx, person: p[i] })));
  }
  return out;
}

const named = (p: string | null): p is string => p !== null && p !== 'other' && p !== 'unknown';

test('Friends pan: every tracker track carrying two people is cut at the labeled change, and only those', async () => {
  const people = trackerPeople();
  const art = episodeArtifacts(ws, EP);
  const ts = await readJson(ws.abs(sidePaths(EP).trackSamples), trackSamplesSchema);
  const splits = harvestSplits(ts.samples, await art.readFaces(), await art.readTracks());
  // Tracker tracks with two people on ≥ 2 boxes each, and the frame of the second person's first box.
  const mixed = new Map<string, number>();
  for (const [t, boxes] of people) {
    const counts = new Map<string, number>();
    for (const b of boxes) if (named(b.person)) counts.set(b.person, (counts.get(b.person) ?? 0) + 1);
    if ([...counts.values()].filter((n) => n >= 2).length < 2) continue;
    const first = boxes.find((b) => named(b.person))!.person;
    mixed.set(t, boxes.find((b) => named(b.person) && b.person !== first)!.frame);
  }
  assert.ok(mixed.size >= 2, `the pan makes at least two mixed tracker tracks (found ${[...mixed.keys()].join(', ')})`);
  assert.deepEqual(splits.map((s) => s.from).sort(), [...mixed.keys()].sort(), 'cut tracks = tracker tracks carrying two people');
  for (const s of splits) {
    const change = mixed.get(s.from)!;
    const boxes = people.get(s.from)!;
    const lastBefore = boxes.filter((b) => b.frame < change).at(-1)!.frame;
    // Each part starts at a frame of the source video: the cut lies after the last box of the first
    // person and at or before the first box of the second (a gap in the track lies between them).
    assert.equal(s.cutFrames.length, 1, `${s.from}: cut at frames ${s.cutFrames.join(', ')}`);
    assert.ok(s.cutFrames[0] > lastBefore && s.cutFrames[0] <= change, `${s.from}: cut at frame ${s.cutFrames[0]}, labeled change at frame ${change} (last box before it at ${lastBefore})`);
  }
  const metrics = await art.readTrackMetrics();
  assert.equal(metrics.id_switches, splits.length, 'id_switches counts the cuts');
});

test('Friends: no final track carries two people, and cleanup cuts no healthy track', async () => {
  const evaluation = await evaluateEpisode(ws, EP, doc);
  assert.deepEqual(evaluation.mixedTracksAllBoxes, [], 'mixed tracks over every box');
  assert.deepEqual(evaluation.mixedTracks, [], 'mixed tracks over harvested faces');
  const copy = mkdtempSync(join(tmpdir(), 'track-cuts-cleanup-'));
  try {
    cpSync(dir, copy, { recursive: true });
    const r = await runCleanup({ workspace: new Workspace(copy), epId: EP, actions: ['split_tracks'], dryRun: true });
    assert.deepEqual(r.splits, [], `cleanup split ${r.splits.map((s) => s.from).join(', ')}`);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
