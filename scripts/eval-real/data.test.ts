// The committed ground truth: both label files validate and cover their clip, and every face of the
// verification set is a named labeled box of its clip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO_ROOT } from '../../electron/models/pack';
import { readJson } from '../../electron/store/json';
import { labelsDocSchema, nearestFrame } from './labels';
import { videoFacesDocSchema } from './video-faces';

const CLIPS = { sitcom_friends_group: 6, tv_dinner_scene: 6 } as const;

test('eval/labels: valid, every video frame near a labeled one, every cast member labeled', async () => {
  for (const [clip, people] of Object.entries(CLIPS)) {
    const doc = await readJson(join(REPO_ROOT, 'eval/labels', `${clip}.json`), labelsDocSchema);
    assert.equal(doc.people.length, people);
    const labeled = new Set(doc.frames.flatMap((f) => f.faces.map((x) => x.person)));
    for (const p of doc.people) assert.ok(labeled.has(p), `${clip}: ${p} has no box`);
    // Any analysis rate must find labels: every frame of the video lies within MAX_DT of a labeled one.
    for (let k = 0; k / doc.video.fps < doc.video.duration_sec - 1 / doc.video.fps; k++) {
      assert.ok(nearestFrame(doc.frames, k / doc.video.fps) >= 0, `${clip}: no labeled frame near video frame ${k}`);
    }
  }
});

test('eval/video-faces.json: each face is a named labeled box at its time', async () => {
  const set = await readJson(join(REPO_ROOT, 'eval/video-faces.json'), videoFacesDocSchema);
  const docs = new Map<string, Awaited<ReturnType<typeof readJson<typeof labelsDocSchema>>>>();
  for (const clip of Object.keys(CLIPS)) {
    const d = await readJson(join(REPO_ROOT, 'eval/labels', `${clip}.json`), labelsDocSchema);
    docs.set(d.clip, d);
  }
  set.faces.forEach((f, i) => {
    const frame = docs.get(f.clip)!.frames.find((x) => x.t === f.t);
    assert.ok(frame?.faces.some((x) => x.person === f.person && x.box.every((v, k) => v === f.box[k])), `faces[${i}] is not a labeled box`);
  });
  assert.ok(set.same.length >= 300 && set.diff.length >= 3000);
});
