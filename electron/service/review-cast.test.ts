// The cast-library and screen-time channels as the UI reaches them: through ReviewService, with its
// journal, undo stack and revision checks. Episodes come from the project's fixture generator (same
// seed → the same per-person embedding centroids in both episodes, i.e. "the same people"); the
// real-model ranking is covered in cast-library.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode, type FixtureEpisode } from '../../scripts/fixture-episode';
import { screentimeDocSchema } from '../../shared/schema/screentime';
import { ReviewService } from './review-service';
import { EVAL_DIR } from '../models/eval-pack';

let root: string;
let svc: ReviewService;
let ep1: FixtureEpisode;
let ep2: FixtureEpisode;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'review-cast-'));
  const common = { workspace: root, identities: 4, tracksPerIdentity: 3, facesPerTrack: 3, withImages: false, seed: 7, dim: 128 };
  ep1 = await makeFixtureEpisode({ ...common, epId: 'demo-s01e01' });
  ep2 = await makeFixtureEpisode({ ...common, epId: 'demo-s01e02' });
  svc = new ReviewService({ workspace: root, host: 'test' });
});
after(async () => {
  await svc?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

test('labeling in episode 1 feeds the library; episode 2 gets the right names first; reject sticks', async () => {
  let rev = (await svc.openEpisode({ ep_id: 'demo-s01e01' })).revision;
  rev = (await svc.applyReview({ ep_id: 'demo-s01e01', revision: rev, command: { op: 'label', identity_id: ep1.identityIds[0], name: 'Ada Lovelace' } })).revision;
  rev = (await svc.applyReview({ ep_id: 'demo-s01e01', revision: rev, command: { op: 'label', identity_id: ep1.identityIds[1], name: 'Grace Hopper' } })).revision;
  // Only locked (confirmed) identities teach the cast library.
  rev = (await svc.applyReview({ ep_id: 'demo-s01e01', revision: rev, command: { op: 'lock', identity_id: ep1.identityIds[0], locked: true } })).revision;
  await svc.applyReview({ ep_id: 'demo-s01e01', revision: rev, command: { op: 'lock', identity_id: ep1.identityIds[1], locked: true } });
  const { doc: lib } = await svc.cast.load('demo');
  assert.equal(lib.references.length, 6, 'two identities × three tracks');

  const s = await svc.getCastSuggestions({ ep_id: 'demo-s01e02' });
  assert.equal(s.library_references, 6);
  assert.equal(s.suggestions[ep2.identityIds[0]][0].person_id, 'ada-lovelace');
  assert.equal(s.suggestions[ep2.identityIds[1]][0].person_id, 'grace-hopper');

  const r = await svc.rejectCastSuggestion({ ep_id: 'demo-s01e02', identity_id: ep2.identityIds[0], person_id: 'ada-lovelace' });
  assert.ok(!r.suggestions[ep2.identityIds[0]].some((x) => x.person_id === 'ada-lovelace'));
  const again = await new ReviewService({ workspace: root, host: 'test' }).getCastSuggestions({ ep_id: 'demo-s01e02' });
  assert.ok(!again.suggestions[ep2.identityIds[0]].some((x) => x.person_id === 'ada-lovelace'), 'remembered on disk');
  // Taken back (the reviewer's undo of the "no"): suggested first again, and gone from the library file; then rejected again.
  const back = await svc.unrejectCastSuggestion({ ep_id: 'demo-s01e02', identity_id: ep2.identityIds[0], person_id: 'ada-lovelace' });
  assert.equal(back.suggestions[ep2.identityIds[0]][0].person_id, 'ada-lovelace');
  assert.deepEqual((await new ReviewService({ workspace: root, host: 'test' }).cast.load('demo')).doc.rejections, []);
  await svc.rejectCastSuggestion({ ep_id: 'demo-s01e02', identity_id: ep2.identityIds[0], person_id: 'ada-lovelace' });

  // Undoing a lock removes its references again.
  const st = await svc.openEpisode({ ep_id: 'demo-s01e01' });
  await svc.undo({ ep_id: 'demo-s01e01', revision: st.revision });
  assert.equal((await svc.cast.load('demo')).doc.references.length, 3);
  await svc.redo({ ep_id: 'demo-s01e01', revision: st.revision + 1 });
  assert.equal((await svc.cast.load('demo')).doc.references.length, 6);
});

test('auto-assign is off by default; when on it labels through the journal, stays off the reviewer\'s undo stack, and is undoable', async () => {
  // The reviewer's own last step on the episode, which z must still undo after auto-assign.
  const opened = await svc.openEpisode({ ep_id: 'demo-s01e02' });
  const locked = await svc.applyReview({ ep_id: 'demo-s01e02', revision: opened.revision, command: { op: 'lock', identity_id: ep2.identityIds[3], locked: true } });
  const off = await svc.autoAssignCast({ ep_id: 'demo-s01e02' });
  assert.deepEqual(off.assigned, []);
  const settings = await svc.setCastSettings({ show: 'demo', auto_assign: { enabled: true, threshold: 0.5 } });
  assert.deepEqual(settings, { enabled: true, threshold: 0.5, min_margin: 0.05 });

  const on = await svc.autoAssignCast({ ep_id: 'demo-s01e02' });
  // identity 0 had Ada rejected, so only Grace is assigned.
  assert.deepEqual(on.assigned.map((a) => [a.identity_id, a.person_id]), [[ep2.identityIds[1], 'grace-hopper']]);
  const labeled = on.state.identities.identities.find((i) => i.identity_id === ep2.identityIds[1])!;
  assert.equal(labeled.labels.name, 'Grace Hopper');
  assert.deepEqual(on.state.history, locked.history, 'the reviewer\'s undo stack is as the reviewer left it');
  const journal = (await readFile(join(root, 'data/manifests/demo-s01e02/review_journal.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { label: string; origin?: string });
  assert.deepEqual(journal.map((e) => [e.label.split(':')[0], e.origin ?? 'user']), [[`Lock ${ep2.identityIds[3]}`, 'user'], ['Auto-assign', 'auto']], 'journalled, marked automatic');
  const listed = await svc.getCastSuggestions({ ep_id: 'demo-s01e02' });
  assert.equal(listed.auto_assignments.length, 1);
  assert.equal((await svc.cast.load('demo')).doc.references.filter((r) => r.ep_id === 'demo-s01e02').length, 0, 'unconfirmed auto-labels do not feed the library');

  // z undoes the reviewer's lock, not the automatic label.
  const z = await svc.undo({ ep_id: 'demo-s01e02', revision: on.state.revision });
  assert.equal(z.identities.identities.find((i) => i.identity_id === ep2.identityIds[3])!.locked, false);
  assert.equal(z.identities.identities.find((i) => i.identity_id === ep2.identityIds[1])!.labels.name, 'Grace Hopper');
  const undone = await svc.undoAutoAssign({ ep_id: 'demo-s01e02', identity_id: ep2.identityIds[1] });
  assert.ok(undone.undone.undone_at);
  assert.deepEqual(undone.state.identities.identities.find((i) => i.identity_id === ep2.identityIds[1])!.labels, {});
  const onDisk = JSON.parse(await readFile(join(root, 'data/manifests/demo-s01e02/identities.json'), 'utf8'));
  assert.deepEqual(onDisk.identities.find((i: { identity_id: string }) => i.identity_id === ep2.identityIds[1]).labels, {});
});

test('cast list import/export and screen time over the service', async () => {
  const imp = await svc.importCastList({ show: 'demo', people: [{ name: 'Katherine Johnson' }] });
  assert.equal(imp.added, 1);
  assert.deepEqual((await svc.exportCastList({ show: 'demo' })).people.map((p) => p.person_id).sort(), ['ada-lovelace', 'grace-hopper', 'katherine-johnson']);

  const st = await svc.getScreenTime({ ep_id: 'demo-s01e01' });
  assert.deepEqual(st.people.map((p) => p.name).sort(), ['Ada Lovelace', 'Grace Hopper']);
  const ex = await svc.exportScreenTime({ ep_id: 'demo-s01e01' });
  const onDisk = screentimeDocSchema.parse(JSON.parse(await readFile(ex.json_path, 'utf8')));
  assert.deepEqual(onDisk.people, st.people);
  assert.match(await readFile(ex.csv_path, 'utf8'), /^person_id,name,identity_ids,seconds,share,appearances,first_appearance_s,last_appearance_s/);
});

test('with auto-assign on, a finished pipeline run labels the new episode (journalled, listed)', async () => {
  const video = join(root, 'clip.mp4');
  // A real clip: pipeline:start checks the video is readable before the launcher (a stand-in here) runs.
  await copyFile(join(EVAL_DIR, 'videos', 'short_hamilton_clip.mp4'), video);
  const s = new ReviewService({
    workspace: root,
    host: 'test',
    launcher: async ({ epId }) => {
      await makeFixtureEpisode({ workspace: root, epId, identities: 4, tracksPerIdentity: 3, facesPerTrack: 3, withImages: false, seed: 7, dim: 128 });
      return { cancel: () => undefined, done: Promise.resolve() };
    },
  });
  const labeled = new Promise<void>((resolve) => {
    let n = 0;
    s.on('artifacts:changed', (e) => {
      if (e.ep_id === 'demo-s01e03' && e.reason === 'review' && ++n === 2) resolve();
    });
  });
  await s.startPipeline({ ep_id: 'demo-s01e03', video_path: video });
  await labeled;
  const list = await s.getCastSuggestions({ ep_id: 'demo-s01e03' });
  assert.deepEqual(list.auto_assignments.map((a) => a.person_id).sort(), ['ada-lovelace', 'grace-hopper']);
  const st = await s.openEpisode({ ep_id: 'demo-s01e03' });
  assert.deepEqual(st.identities.identities.slice(0, 2).map((i) => i.labels.name), ['Ada Lovelace', 'Grace Hopper']);
  assert.deepEqual(st.identities.identities.slice(2).map((i) => i.labels), [{}, {}], 'strangers stay unlabeled');
  assert.deepEqual([st.history.can_undo, st.history.undo_label], [false, null], 'auto-assign labels are no undo steps of the reviewer');
});
