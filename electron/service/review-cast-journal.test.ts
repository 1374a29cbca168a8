// Auto-assign edits are review edits: each label is appended to the journal (revision + 1) while the
// cross-process review lock is held, so a crash before identities.json is rewritten loses nothing and a
// second host cannot write the same revision. Episodes from the fixture generator (same seed → same people).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { makeFixtureEpisode, type FixtureEpisode } from '../../scripts/fixture-episode';
import { ReviewService } from './review-service';

let root: string;
let ep1: FixtureEpisode;
let ep2: FixtureEpisode;
const EP2 = 'demo-s01e02';

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'review-cast-journal-'));
  const common = { workspace: root, identities: 4, tracksPerIdentity: 3, facesPerTrack: 3, withImages: false, seed: 7, dim: 128 };
  ep1 = await makeFixtureEpisode({ ...common, epId: 'demo-s01e01' });
  ep2 = await makeFixtureEpisode({ ...common, epId: EP2 });
});
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const manifests = () => join(root, 'data/manifests', EP2);
const journal = async () => (await readFile(join(manifests(), 'review_journal.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { revision: number; label: string; origin?: string; command: { op: string; name?: string | null } });
/** Whether the episode's review lock is held at the moment each review edit is announced (inside commit). */
function watchLock(svc: ReviewService): boolean[] {
  const held: boolean[] = [];
  svc.on('artifacts:changed', (e) => {
    if (e.ep_id === EP2 && e.reason === 'review') held.push(lockfile.checkSync(manifests(), { lockfilePath: join(manifests(), 'review.lock') }));
  });
  return held;
}

test('auto-assign labels are journalled under the review lock, replayed after a crash, and undone the same way', async () => {
  const svc = new ReviewService({ workspace: root, host: 'test' });
  let rev = (await svc.openEpisode({ ep_id: 'demo-s01e01' })).revision;
  rev = (await svc.applyReview({ ep_id: 'demo-s01e01', revision: rev, command: { op: 'label', identity_id: ep1.identityIds[0], name: 'Ada Lovelace' } })).revision;
  rev = (await svc.applyReview({ ep_id: 'demo-s01e01', revision: rev, command: { op: 'label', identity_id: ep1.identityIds[1], name: 'Grace Hopper' } })).revision;
  // Only locked (confirmed) identities teach the cast library.
  rev = (await svc.applyReview({ ep_id: 'demo-s01e01', revision: rev, command: { op: 'lock', identity_id: ep1.identityIds[0], locked: true } })).revision;
  await svc.applyReview({ ep_id: 'demo-s01e01', revision: rev, command: { op: 'lock', identity_id: ep1.identityIds[1], locked: true } });
  await svc.setCastSettings({ show: 'demo', auto_assign: { enabled: true, threshold: 0.5 } });

  const before = await svc.openEpisode({ ep_id: EP2 });
  assert.equal(before.revision, 0);
  const preEdit = await readFile(join(manifests(), 'identities.json'));

  const held = watchLock(svc);
  const r = await svc.autoAssignCast({ ep_id: EP2 });
  assert.deepEqual(r.assigned.map((a) => [a.identity_id, a.person_id]), [[ep2.identityIds[0], 'ada-lovelace'], [ep2.identityIds[1], 'grace-hopper']]);
  assert.equal(r.state.revision, 2, 'one revision per label');
  assert.deepEqual(held, [true, true], 'each label committed while holding the review lock');
  const lines = await journal();
  assert.deepEqual(lines.map((l) => [l.revision, l.command.op, l.command.name]), [[1, 'label', 'Ada Lovelace'], [2, 'label', 'Grace Hopper']]);
  assert.ok(lines.every((l) => /^Auto-assign: /.test(l.label) && l.origin === 'auto'));

  // Crash right after the journal appends: identities.json as it was before, undo file gone.
  await writeFile(join(manifests(), 'identities.json'), preEdit);
  await rm(join(manifests(), 'review_undo.json'), { force: true });
  const restarted = new ReviewService({ workspace: root, host: 'test' });
  const open = await restarted.openEpisode({ ep_id: EP2 });
  assert.equal(open.revision, 2);
  assert.deepEqual(open.identities.identities.slice(0, 2).map((i) => i.labels.name), ['Ada Lovelace', 'Grace Hopper']);
  assert.deepEqual([open.history.can_undo, open.history.undo_label], [false, null], 'the rebuilt undo stack holds no automatic step');
  const replayed = JSON.parse(await readFile(join(manifests(), 'identities.json'), 'utf8'));
  assert.equal(replayed.metadata.revision, 2, 'replay rewrote identities.json');

  const heldUndo = watchLock(restarted);
  const undone = await restarted.undoAutoAssign({ ep_id: EP2, identity_id: ep2.identityIds[1] });
  assert.equal(undone.state.revision, 3);
  assert.deepEqual(heldUndo, [true]);
  const last = (await journal()).at(-1)!;
  assert.equal(last.revision, 3);
  assert.match(last.label, /^Undo auto-assign: /);
  assert.equal(last.origin, 'auto');
  assert.equal(last.command.name, null);
});

test('auto-assign on one host and a reviewer edit on another never write the same revision', async () => {
  const EP3 = 'demo-s01e03';
  const ep3 = await makeFixtureEpisode({ workspace: root, epId: EP3, identities: 4, tracksPerIdentity: 3, facesPerTrack: 3, withImages: false, seed: 7, dim: 128 });
  const a = new ReviewService({ workspace: root, host: 'test' });
  const b = new ReviewService({ workspace: root, host: 'test' });
  const { revision } = await b.openEpisode({ ep_id: EP3 });
  const [auto, edit] = await Promise.allSettled([
    a.autoAssignCast({ ep_id: EP3 }),
    b.applyReview({ ep_id: EP3, revision, command: { op: 'label', identity_id: ep3.identityIds[3], name: 'Someone Else' } }),
  ]);
  assert.equal(auto.status, 'fulfilled', auto.status === 'rejected' ? String(auto.reason) : '');
  // Whoever takes the lock second sees the other's revision: the reviewer's stale edit is refused.
  if (edit.status === 'rejected') assert.equal((edit.reason as { error?: { code?: string } }).error?.code, 'conflict');
  const lines = (await readFile(join(root, 'data/manifests', EP3, 'review_journal.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { revision: number });
  const revs = lines.map((l) => l.revision);
  assert.deepEqual(revs, revs.map((_, i) => i + 1), 'journal revisions stay consecutive');
  assert.equal(revs.length, 2 + (edit.status === 'fulfilled' ? 1 : 0));
  const final = await new ReviewService({ workspace: root, host: 'test' }).openEpisode({ ep_id: EP3 });
  assert.equal(final.revision, revs.length);
  assert.deepEqual(final.identities.identities.slice(0, 2).map((i) => i.labels.name), ['Ada Lovelace', 'Grace Hopper']);
});
