// What a crashed writer leaves behind, reproduced exactly: a torn journal tail, a journalled edit whose
// host died before rewriting identities.json (seen by a second host with the episode cached), and the
// review lock of a process that died holding it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode, type FixtureEpisode } from '../../scripts/fixture-episode';
import { applyCommand } from '../../shared/commands/apply';
import { identitiesDocSchema } from '../../shared/schema';
import { readJson } from '../store/json';
import { validateEpisode } from '../store/validate';
import { Workspace } from '../store/workspace';
import { HISTORY_LIMIT } from '../../shared/commands/history';
import { appendJournal, commandContext, compactJournal, loadEpisodeData, lockTiming, reviewFiles } from '../store/review';
import { ReviewService } from './review-service';

let root: string;
let ws: Workspace;
const eps = new Map<string, FixtureEpisode>();

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-review-crash-'));
  ws = new Workspace(root);
  for (const epId of ['torn-s01e01', 'twohost-s01e01', 'deadlock-s01e01', 'stale-s01e01']) {
    eps.set(epId, await makeFixtureEpisode({ workspace: root, epId, identities: 4, tracksPerIdentity: 2, facesPerTrack: 2, withImages: false, seed: 5, dim: 128 }));
  }
});
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const journalLines = async (epId: string) => (await readFile(reviewFiles(ws, epId).journal, 'utf8')).split('\n').filter((l) => l !== '');
const label = (epId: string, revision: number, i: number, name: string) =>
  ({ ep_id: epId, revision, command: { op: 'label' as const, identity_id: eps.get(epId)!.identityIds[i], name } });

test('a torn journal tail followed by an edit from a host with the episode cached: every later open works', async () => {
  const EP = 'torn-s01e01';
  const cached = new ReviewService({ workspace: root, host: 'test' });
  const first = await cached.applyReview(label(EP, (await cached.openEpisode({ ep_id: EP })).revision, 0, 'Ada Lovelace'));
  // Power loss mid-append on another writer: half a line, no newline.
  await appendFile(reviewFiles(ws, EP).journal, '{"v":1,"revision":2,"base":"');
  const second = await cached.applyReview(label(EP, first.revision, 1, 'Grace Hopper'));
  assert.equal(second.revision, 2);
  const lines = await journalLines(EP);
  assert.deepEqual(lines.map((l) => (JSON.parse(l) as { revision: number }).revision), [1, 2], 'the torn half-line is gone, no glued line');
  const fresh = await new ReviewService({ workspace: root, host: 'test' }).openEpisode({ ep_id: EP });
  assert.equal(fresh.revision, 2);
  assert.deepEqual(fresh.identities.identities.slice(0, 2).map((i) => i.labels.name), ['Ada Lovelace', 'Grace Hopper']);
  assert.ok((await validateEpisode(ws, EP)).ok);
});

test('validate reads the journal: a line glued to a torn tail is reported, naming the journal and line', async () => {
  const EP = 'torn-s01e01';
  const path = reviewFiles(ws, EP).journal;
  const good = await readFile(path, 'utf8');
  const lines = good.trimEnd().split('\n');
  await writeFile(path, `${lines[0]}\n{"v":1,"revision":2,"ba${lines[1]}\n`);
  const report = await validateEpisode(ws, EP);
  const journal = report.artifacts.find((a) => a.kind === 'journal');
  assert.equal(journal?.status, 'invalid');
  assert.equal(journal?.issues[0].line, 2);
  assert.match(journal?.issues[0].file ?? '', /review_journal\.jsonl$/);
  assert.equal(report.ok, false);
  // A torn last line alone is what a crash leaves: a warning (the next open cuts it), not invalid.
  await writeFile(path, `${good}{"v":1,"revision":3,"ba`);
  const torn = await validateEpisode(ws, EP);
  assert.ok(torn.ok, JSON.stringify(torn.artifacts.filter((a) => a.status === 'invalid')));
  assert.ok(torn.warnings.some((w) => /review_journal\.jsonl:3: .*torn/.test(w)), torn.warnings.join('\n'));
  await writeFile(path, good);
});

test('a crashed host\'s journalled but unwritten edit is not overwritten by a host that has the episode cached', async () => {
  const EP = 'twohost-s01e01';
  const cached = new ReviewService({ workspace: root, host: 'test' });
  const open = await cached.openEpisode({ ep_id: EP });
  // The other host appended revision 1 to the journal and died before rewriting identities.json.
  const doc = await readJson(ws.abs(ws.paths(EP).identities), identitiesDocSchema);
  const command = label(EP, 0, 2, 'Alan Turing').command;
  const at = new Date().toISOString();
  const r = applyCommand(doc, command, at, commandContext(await loadEpisodeData(ws, EP)));
  assert.ok(r.ok);
  await appendJournal(ws, EP, { v: 1, revision: 1, base: doc.metadata.created_at, at, kind: 'apply', label: 'Label', command, inverse: r.inverse as Extract<typeof r.inverse, { op: 'restore' }> });
  await assert.rejects(cached.applyReview(label(EP, open.revision, 0, 'Ada Lovelace')), (e: { error?: { code: string; revision?: number } }) => e.error?.code === 'conflict' && e.error.revision === 1);
  const reopened = await cached.openEpisode({ ep_id: EP });
  assert.equal(reopened.revision, 1);
  assert.equal(reopened.identities.identities[2].labels.name, 'Alan Turing');
  await cached.applyReview(label(EP, 1, 0, 'Ada Lovelace'));
  assert.deepEqual((await journalLines(EP)).map((l) => (JSON.parse(l) as { revision: number }).revision), [1, 2]);
});

/** A child process that takes the episode's review lock and is SIGKILLed while holding it. */
async function dieHoldingLock(epId: string): Promise<void> {
  const script = `import { withReviewLock } from ${JSON.stringify(join(import.meta.dirname, '../store/review/index.ts'))};
import { Workspace } from ${JSON.stringify(join(import.meta.dirname, '../store/workspace.ts'))};
await withReviewLock(new Workspace(${JSON.stringify(root)}), ${JSON.stringify(epId)}, async () => { process.stdout.write('locked\\n'); await new Promise(() => setInterval(() => {}, 1000)); });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const died = new Promise((r) => child.once('exit', r));
  await new Promise<void>((ok) => child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && ok()));
  child.kill('SIGKILL');
  await died;
}

test('the lock of a host that died holding it is taken over at once, though it still looks fresh', async (t) => {
  const EP = 'deadlock-s01e01';
  await dieHoldingLock(EP);
  const lockDir = join(reviewFiles(ws, EP).dir, 'review.lock');
  // Keep the dead holder's lock looking freshly refreshed, as in the first seconds after the kill.
  const touch = setInterval(() => void utimes(lockDir, new Date(), new Date()).catch(() => undefined), 200);
  try {
    const svc = new ReviewService({ workspace: root, host: 'test' });
    const t0 = performance.now();
    const open = await svc.openEpisode({ ep_id: EP });
    t.diagnostic(`open after the crash: ${Math.round(performance.now() - t0)} ms`);
    const edited = await svc.applyReview(label(EP, open.revision, 0, 'Ada Lovelace'));
    assert.equal(edited.revision, open.revision + 1);
  } finally {
    clearInterval(touch);
  }
});

test('a lock left by a host elsewhere (no refresh) is waited out past its stale time, not turned into a failure', async (t) => {
  const EP = 'stale-s01e01';
  // A 10 s stale time (the production one is 30 s) keeps the test short; the wait still has to outlast it.
  const saved = { ...lockTiming };
  Object.assign(lockTiming, { staleMs: 10_000 });
  t.after(() => Object.assign(lockTiming, saved));
  // The lock as a holder on another machine leaves it: its record names a pid that means nothing here.
  const lockFile = join(reviewFiles(ws, EP).dir, 'review.lock');
  await mkdir(reviewFiles(ws, EP).dir, { recursive: true });
  await writeFile(lockFile, JSON.stringify({ pid: 1, host: 'another-machine', at: new Date().toISOString() }));
  const svc = new ReviewService({ workspace: root, host: 'test' });
  const open = await svc.openEpisode({ ep_id: EP });
  assert.equal(open.revision, 0);
  assert.equal((await svc.applyReview(label(EP, 0, 1, 'Grace Hopper'))).revision, 1);
});

test('the journal is compacted once identities.json is durable: bounded, and reopening gives the same document and undo', async () => {
  const EP = 'torn-s01e01';
  const svc = new ReviewService({ workspace: root, host: 'test' });
  let st: { revision: number; history: { undo_label: string | null } } = await svc.openEpisode({ ep_id: EP });
  for (let k = 0; k < 4; k++) st = await svc.applyReview(label(EP, st.revision, k % 4, `Name ${k}`));
  // 150 entries of an earlier document base (before a re-cluster): never replayed again.
  const current = await journalLines(EP);
  const older = Array.from({ length: 150 }, (_, i) => JSON.stringify({ ...JSON.parse(current[0]), base: '2020-01-01T00:00:00.000Z', revision: i + 1 }));
  await writeFile(reviewFiles(ws, EP).journal, [...older, ...current].join('\n') + '\n');
  const durable = await readJson(ws.abs(ws.paths(EP).identities), identitiesDocSchema);
  const dropped = await compactJournal(ws, EP, { base: durable.metadata.created_at, revision: st.revision }, 0);
  assert.equal(dropped, 150 + Math.max(0, current.length - HISTORY_LIMIT));
  assert.deepEqual(await journalLines(EP), current.slice(-HISTORY_LIMIT));
  const reopened = await new ReviewService({ workspace: root, host: 'test' }).openEpisode({ ep_id: EP });
  assert.equal(reopened.revision, st.revision);
  assert.deepEqual(reopened.identities.identities.map((i) => i.labels.name), durable.identities.map((i) => i.labels.name));
  assert.equal(reopened.history.undo_label, st.history.undo_label);
  // Under COMPACT_BYTES nothing is rewritten.
  assert.equal(await compactJournal(ws, EP, { base: durable.metadata.created_at, revision: st.revision }), 0);
});
