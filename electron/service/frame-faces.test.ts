// frame:faces on a fixture episode: every detection of the frame, named by the track whose harvested
// face on that frame it overlaps; the index follows a rewritten detections.jsonl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode } from '../../scripts/fixture-episode';
import { channels } from '../../shared/ipc';
import { episodeArtifacts } from '../store/artifacts';
import { Workspace } from '../store/workspace';
import { ReviewService } from './review-service';

const EP = 'demo-s01e01';
let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-frame-faces-'));
  await makeFixtureEpisode({ workspace: root, epId: EP, identities: 2, tracksPerIdentity: 2, facesPerTrack: 3 });
});
after(() => rm(root, { recursive: true, force: true }));

test('frame:faces lists the frame\'s detections with the track and identity of the face each one is', async () => {
  const art = episodeArtifacts(new Workspace(root), EP);
  const faces = await art.readFaces();
  const detections = await art.readDetections();
  const face = faces[0];
  const s = new ReviewService({ workspace: root, host: 'web' });
  const opened = await s.openEpisode({ ep_id: EP });
  const r = channels['frame:faces'].response.parse(await s.getFrameFaces({ ep_id: EP, frame_idx: face.frame_idx }));
  const onFrame = detections.filter((d) => d.frame_idx === face.frame_idx);
  assert.deepEqual(r.faces.map((f) => f.bbox), onFrame.map((d) => d.bbox));
  const mine = r.faces.find((f) => f.track_id === face.track_id);
  assert.ok(mine, `a detection on frame ${face.frame_idx} is ${face.track_id}'s face`);
  const owner = opened.identities.identities.find((i) => i.track_ids.includes(face.track_id))!;
  assert.equal(mine.identity_id, owner.identity_id);
  assert.deepEqual((await s.getFrameFaces({ ep_id: EP, frame_idx: 999_999 })).faces, []);

  // The detail's face rows say where each face is: its frame, that frame's time inside the track, its box.
  const d = await s.getIdentityDetail({ ep_id: EP, identity_id: owner.identity_id });
  const row = d.tracks.flatMap((t) => t.face_rows.map((f) => ({ t, f }))).find(({ f }) => f.face_id === face.face_id)!;
  assert.deepEqual([row.f.frame_idx, row.f.bbox], [face.frame_idx, face.bbox]);
  assert.ok(row.f.ts_s >= row.t.start_s && row.f.ts_s <= row.t.end_s, `${row.f.ts_s} inside ${row.t.start_s}–${row.t.end_s}`);
});
