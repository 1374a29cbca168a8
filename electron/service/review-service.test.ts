import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode, type FixtureEpisode } from '../../scripts/fixture-episode';
import { IpcFailure, channels, type PipelineProgress } from '../../shared/ipc';
import { identitiesDocSchema, type IdentitiesDoc } from '../../shared/schema';
import { readJson } from '../store/json';
import { ReviewService } from './review-service';
import { EVAL_DIR } from '../models/eval-pack';

let root: string;
let fx: FixtureEpisode;
const EP = 'demo-s01e01';
let clock = 0;
const now = () => new Date(Date.UTC(2026, 0, 2, 0, 0, clock++)).toISOString();

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-service-'));
  // 6 identities × 3 tracks × 4 faces; identities 1&2, 3&4, 5&6 share time slots (see the fixture's layout note).
  fx = await makeFixtureEpisode({ workspace: root, epId: EP, identities: 6, tracksPerIdentity: 3, facesPerTrack: 4 });
  await makeFixtureEpisode({ workspace: root, epId: 'demo-s01e02', identities: 3, tracksPerIdentity: 2, facesPerTrack: 2, withImages: false, names: ['Ben Affleck', null, 'Madonna'] });
  await makeFixtureEpisode({ workspace: root, epId: 'demo-s01e03', identities: 2, tracksPerIdentity: 2, facesPerTrack: 2, withImages: false, names: ['Ben Affleck'] });
  await makeFixtureEpisode({ workspace: root, epId: 'other-s01e01', identities: 2, tracksPerIdentity: 2, facesPerTrack: 2, withImages: false, names: ['Not This Show'] });
});
after(() => rm(root, { recursive: true, force: true }));

const svc = () => new ReviewService({ workspace: root, now, host: 'test' });
const identitiesPath = () => join(root, 'data/manifests', EP, 'identities.json');
const journalPath = () => join(root, 'data/manifests', EP, 'review_journal.jsonl');
const onDisk = () => readJson(identitiesPath(), identitiesDocSchema);
const find = (doc: IdentitiesDoc, id: string) => doc.identities.find((i) => i.identity_id === id);

async function rejects(p: Promise<unknown>, code: string, reason?: string): Promise<IpcFailure> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof IpcFailure, `expected IpcFailure, got ${err}`);
    assert.equal(err.error.code, code, err.message);
    if (reason) assert.equal(err.error.reason, reason);
    return err;
  }
  assert.fail(`expected a ${code} failure`);
}

test('episodes:list and episode:open summarise the fixture', async () => {
  const s = svc();
  const list = await s.listEpisodes({});
  assert.deepEqual(list.episodes.map((e) => e.ep_id), ['demo-s01e01', 'demo-s01e02', 'demo-s01e03', 'other-s01e01']);
  const open = await s.openEpisode({ ep_id: EP });
  channels['episode:open'].response.parse(open);
  assert.equal(open.revision, 0);
  assert.equal(open.identities.identities.length, 6);
  assert.equal(open.tracks.length, 18);
  const t1 = open.tracks.find((t) => t.track_id === 'track-00001')!;
  assert.equal(t1.faces, 4);
  assert.equal(t1.identity_id, 'identity-00001');
  assert.equal(t1.sample_crops.length, 3);
  // Sample crops are real files, reachable through the workspace.
  for (const ref of t1.sample_crops) assert.ok((await stat(s.ws.resolveManifestRef(EP, ref))).size > 500);
  // 3 non-overlapping tracks of 4 faces two frames apart at 24 fps: 3 × 6/24 s.
  assert.ok(Math.abs(open.identity_seconds['identity-00001'] - 0.75) < 1e-9);
});

test('review:apply persists every edit: journal line, then identities.json (valid) with the change and revision', async () => {
  const s = svc();
  const r = await s.applyReview({ ep_id: EP, revision: 0, command: { op: 'label', identity_id: 'identity-00003', name: 'Madonna' } });
  assert.equal(r.revision, 1);
  assert.equal(r.history.undo_label, 'Name identity-00003 "Madonna"');
  const disk = await onDisk();
  assert.equal(disk.metadata.revision, 1);
  assert.deepEqual(find(disk, 'identity-00003')!.labels, { person_id: 'madonna', name: 'Madonna' });
  const journal = (await readFile(journalPath(), 'utf8')).trim().split('\n');
  assert.equal(journal.length, 1);
  assert.equal(JSON.parse(journal[0]).revision, 1);

  const lock = await s.applyReview({ ep_id: EP, revision: 1, command: { op: 'lock', identity_id: 'identity-00003', locked: true } });
  assert.equal(find(await onDisk(), 'identity-00003')!.locked, true);
  const split = await s.applyReview({ ep_id: EP, revision: lock.revision, command: { op: 'split', identity_id: 'identity-00005', track_ids: [fx.tracksOf[4][2]] } });
  const created = find(await onDisk(), 'identity-00007')!;
  assert.deepEqual(created.track_ids, [fx.tracksOf[4][2]]);
  assert.equal(created.embedding_stats.num_faces_total, 4);
  assert.ok(created.embedding_stats.centroid_norm > 0.99, 'stats come from track_embeddings.npy');
  assert.equal((await onDisk()).metadata.num_singletons, 1);
  assert.equal(split.revision, 3);
});

test('stale revision → conflict, locked → locked, overlapping merge → invalid_request/overlap', async () => {
  const s = svc();
  const cur = (await s.openEpisode({ ep_id: EP })).revision;
  const c = await rejects(s.applyReview({ ep_id: EP, revision: cur - 1, command: { op: 'lock', identity_id: 'identity-00001', locked: true } }), 'conflict');
  assert.equal(c.error.revision, cur);
  await rejects(s.applyReview({ ep_id: EP, revision: cur, command: { op: 'label', identity_id: 'identity-00003', name: 'X' } }), 'locked');
  const o = await rejects(s.applyReview({ ep_id: EP, revision: cur, command: { op: 'merge', target_id: 'identity-00001', source_ids: ['identity-00002'] } }), 'invalid_request', 'overlap');
  assert.ok(o.error.overlaps!.length >= 1);
  await rejects(s.applyReview({ ep_id: EP, revision: cur, command: { op: 'merge', target_id: 'identity-00001', source_ids: ['identity-00099'] } }), 'not_found');
  await rejects(s.openEpisode({ ep_id: 'nothere-s01e01' }), 'not_found');
  assert.equal((await onDisk()).metadata.revision, cur, 'refusals write nothing');
  // A second service (another window/host) that edits makes the first one's revision stale.
  const other = svc();
  await other.applyReview({ ep_id: EP, revision: cur, command: { op: 'lock', identity_id: 'identity-00006', locked: true } });
  await rejects(s.applyReview({ ep_id: EP, revision: cur, command: { op: 'lock', identity_id: 'identity-00004', locked: true } }), 'conflict');
  const reopened = await s.openEpisode({ ep_id: EP });
  assert.equal(reopened.revision, cur + 1);
  assert.equal(find(reopened.identities, 'identity-00006')!.locked, true);
});

test('two writers at once (two hosts on one workspace): one wins, the other gets conflict, the journal stays consecutive', async () => {
  const a = svc();
  const b = svc();
  const rev = (await a.openEpisode({ ep_id: EP })).revision;
  await b.openEpisode({ ep_id: EP });
  const results = await Promise.allSettled([
    a.applyReview({ ep_id: EP, revision: rev, command: { op: 'lock', identity_id: 'identity-00004', locked: true } }),
    b.applyReview({ ep_id: EP, revision: rev, command: { op: 'lock', identity_id: 'identity-00005', locked: true } }),
  ]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  assert.ok(lost.reason instanceof IpcFailure && lost.reason.error.code === 'conflict');
  const revs = (await readFile(journalPath(), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).revision as number);
  assert.deepEqual(revs, revs.map((_, i) => i + 1));
  assert.equal((await onDisk()).metadata.revision, rev + 1);
});

test('undo/redo survive a reload (new service instance)', async () => {
  const a = svc();
  const start = await a.openEpisode({ ep_id: EP });
  const merged = await a.applyReview({ ep_id: EP, revision: start.revision, command: { op: 'merge', target_id: 'identity-00001', source_ids: ['identity-00003'], force: true } });
  assert.equal(find(merged.identities, 'identity-00003'), undefined);
  const b = svc();
  const u = await b.undo({ ep_id: EP, revision: merged.revision });
  assert.deepEqual(u.identities.identities, start.identities.identities);
  assert.equal(u.revision, merged.revision + 1, 'undo is a new revision, not a rewind');
  assert.deepEqual((await onDisk()).identities, start.identities.identities);
  assert.equal(u.history.can_redo, true);
  const c = svc();
  const r = await c.redo({ ep_id: EP, revision: u.revision });
  assert.deepEqual(r.identities.identities, merged.identities.identities);
  const d = svc();
  const u2 = await d.undo({ ep_id: EP, revision: r.revision });
  assert.deepEqual(u2.identities.identities, start.identities.identities);
});

test('crash between journal append and identities.json rewrite loses nothing', async () => {
  const a = svc();
  const start = await a.openEpisode({ ep_id: EP });
  const before = await readFile(identitiesPath());
  const undoPath = join(root, 'data/manifests', EP, 'review_undo.json');
  const undoBefore = await readFile(undoPath);
  const r = await a.applyReview({ ep_id: EP, revision: start.revision, command: { op: 'removeTrack', track_id: fx.tracksOf[1][0] } });
  // Put the pre-edit files back: exactly the state a crash right after the fsync'd journal append leaves.
  await writeFile(identitiesPath(), before);
  await writeFile(undoPath, undoBefore);
  assert.equal((await onDisk()).metadata.revision, start.revision);
  // And a torn, half-written next entry at the end of the journal.
  await appendFile(journalPath(), '{"v":1,"revision":');
  const b = svc();
  const reopened = await b.openEpisode({ ep_id: EP });
  assert.equal(reopened.revision, r.revision);
  assert.deepEqual(reopened.identities, r.identities);
  assert.deepEqual(await onDisk(), r.identities, 'the replay is written back');
  assert.equal(reopened.history.undo_label, `Remove ${fx.tracksOf[1][0]}`, 'the undo stack is rebuilt from the journal');
  // The torn tail was cut, so the next edit appends a clean line and still replays.
  const next = await b.undo({ ep_id: EP, revision: reopened.revision });
  assert.deepEqual(next.identities.identities, start.identities.identities);
  const lines = (await readFile(journalPath(), 'utf8')).trim().split('\n');
  for (const l of lines) JSON.parse(l);
});

test('identity:detail: time order, outliers by similarity, merge suggestions', async () => {
  const s = svc();
  let st = await s.openEpisode({ ep_id: EP });
  // Move a track of identity 6 into identity 4 (no shared frames with it): it must show up as 4's outlier.
  const stranger = fx.tracksOf[5][1];
  st = { ...st, ...(await s.applyReview({ ep_id: EP, revision: st.revision, command: { op: 'moveTracks', track_ids: [stranger], to_identity_id: 'identity-00004', force: true } })) };
  const d = await s.getIdentityDetail({ ep_id: EP, identity_id: 'identity-00004' });
  channels['identity:detail'].response.parse(d);
  assert.deepEqual(d.tracks.map((t) => t.start_s), d.tracks.map((t) => t.start_s).slice().sort((a, b) => a - b));
  const worst = d.tracks.reduce((m, t) => (t.similarity! < m.similarity! ? t : m));
  assert.equal(worst.track_id, stranger);
  for (const t of d.tracks) if (t.track_id !== stranger) assert.ok(t.similarity! > worst.similarity! + 0.1);
  assert.equal(d.tracks[0].crops.length, 4);
  assert.ok(d.tracks[0].quality! > 0 && d.tracks[0].quality! <= 1);
  assert.ok(d.suggestions.length >= 4);
  assert.ok(!d.suggestions.some((x) => x.identity_id === 'identity-00004'));
  for (let i = 1; i < d.suggestions.length; i++) assert.ok(d.suggestions[i - 1].similarity >= d.suggestions[i].similarity);
  await rejects(s.getIdentityDetail({ ep_id: EP, identity_id: 'identity-00099' }), 'not_found');
});

test('settings persist across instances; cast:names reads other episodes of the same show', async () => {
  const a = svc();
  const def = await a.getSettings({});
  assert.equal(def.saveFrames, false);
  const set = await a.setSettings({ saveFrames: true, minConfidence: 0.7 });
  assert.equal(set.saveFrames, true);
  assert.equal(set.stride, def.stride);
  const b = svc();
  assert.deepEqual(await b.getSettings({}), set);
  assert.equal(channels['settings:set'].request.safeParse({ minConfidence: 2 }).success, false);
  assert.equal(channels['settings:set'].request.safeParse({ modelsDir: '/tmp' }).success, false);

  const cast = await b.getCastNames({ ep_id: EP });
  assert.deepEqual(cast.names, [
    { name: 'Ben Affleck', person_id: 'ben-affleck', episodes: ['demo-s01e02', 'demo-s01e03'] },
    { name: 'Madonna', person_id: 'madonna', episodes: ['demo-s01e02'] },
  ]);
});

test('pipeline:start runs through the launcher and streams progress; cancel reaches the run', async () => {
  const video = join(root, 'clip.mp4');
  // A real clip: pipeline:start checks the video is readable before the launcher (a stand-in here) runs.
  await copyFile(join(EVAL_DIR, 'videos', 'short_hamilton_clip.mp4'), video);
  let cancelled = false;
  let finish!: () => void;
  const s = new ReviewService({
    workspace: root,
    launcher: async ({ epId, settings }) => {
      assert.equal(epId, EP);
      assert.equal(settings.saveFrames, true, 'saved settings reach the run');
      assert.equal(settings.stride, 5, 'per-run overrides win');
      async function* events() {
        yield { type: 'progress' as const, progress: { job: 'stand-in', stage: 'detect', done: 1, total: 10, rate: 5, eta: 1.8 } };
      }
      return { events: events(), cancel: () => void (cancelled = true), done: new Promise<void>((r) => (finish = r)) };
    },
  });
  const seen: PipelineProgress[] = [];
  const changed: string[] = [];
  s.on('pipeline:progress', (p) => seen.push(p));
  s.on('artifacts:changed', (e) => changed.push(e.reason));
  const { run_id } = await s.startPipeline({ ep_id: EP, video_path: video, settings: { stride: 5 } });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(await s.cancelPipeline({ run_id }), { cancelled: true });
  assert.equal(cancelled, true);
  finish();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(seen[0].stage, 'detect');
  assert.equal(seen[0].state, 'running');
  assert.equal(seen.at(-1)!.state, 'done');
  for (const p of seen) channels['pipeline:start'] && assert.ok(p.run_id === run_id);
  assert.deepEqual(changed, ['pipeline']);
  assert.deepEqual(await s.cancelPipeline({ run_id }), { cancelled: false });
  await rejects(s.startPipeline({ ep_id: EP, video_path: join(root, 'missing.mp4') }), 'not_found');
});

test('bad artifacts fail with file, line and field', async () => {
  const ep = 'broken-s01e01';
  await makeFixtureEpisode({ workspace: root, epId: ep, identities: 2, tracksPerIdentity: 2, facesPerTrack: 2, withImages: false });
  const faces = join(root, 'data/manifests', ep, 'faces.jsonl');
  const good = await readFile(faces, 'utf8');
  const lines = good.trim().split('\n');
  lines[2] = lines[2].replace(/"quality_score":[0-9.]+/, '"quality_score":"high"');
  await writeFile(faces, lines.join('\n') + '\n');
  const err = await rejects(svc().openEpisode({ ep_id: ep }), 'internal');
  assert.match(err.message, /faces\.jsonl:3: quality_score: /);
  await writeFile(faces, lines.slice(0, 2).join('\n') + '\n{"track_id": oops\n');
  assert.match((await rejects(svc().openEpisode({ ep_id: ep }), 'internal')).message, /faces\.jsonl:3: not valid JSON/);
  await writeFile(faces, good);
  await writeFile(join(root, 'data/manifests', ep, 'identities.json'), '{\n  "identities": [],\n  "metadata": {\n    "ep_id": 5\n  }\n}\n');
  assert.match((await rejects(svc().openEpisode({ ep_id: ep }), 'internal')).message, /identities\.json:4: metadata\.ep_id/);
});
