// The reviewer's whole job on the Friends demo (the real clip through the default pack, as `npm run
// demo`), done in Chromium through the UI with every key press and click counted (e2e/counting.ts):
// split the track that follows the camera from one person to another, move other people's tracks out
// of an identity, merge the people the pipeline split, then name and lock all six. Who is who comes
// from the eval labels (eval/labels/sitcom_friends_group.json), the way a reviewer knows the cast by
// their faces: after every step the test looks at the episode on disk, decides the next fix, and does
// it with the keys and clicks a reviewer would. At the end identities.json is scored with eval:real's
// scoring (scripts/eval-real/evaluate.ts): six labelled, locked people, each identity pure. Two paths
// on two copies of the run: BEFORE every fix by hand (click a card, Enter; keys and dialogs), AFTER
// the "Same person?" questions first (q, then y / n), the Open button on a card's face where the card
// has no focus, and the rest by hand. The counts (total and per step) are printed and written to
// e2e/artifacts/friends-job-counts.json under "before" and "after".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IdentitiesDoc } from '../shared/schema';
import { episodeArtifacts } from '../electron/store/artifacts';
import { Workspace } from '../electron/store/workspace';
import { evaluateEpisode } from '../scripts/eval-real/evaluate';
import { labelsDocSchema, NEUTRAL } from '../scripts/eval-real/labels';
import { CountingInput, type InputCounts } from './counting';
import { repoRoot, snapshot, withFailureShot } from './fixtures';
import { useReviewApp } from './harness';
import { CountedReviewer } from './pages';
import { assertValid, facePeople, friendsDemo, majority, readIdentities } from './real-episode';

const CAST = ['Chandler', 'Joey', 'Monica', 'Phoebe', 'Rachel', 'Ross'];
// Two shows, so the second run's cast library has not learnt the faces from the first.
const BEFORE_EP = 'jobbefore-s01e01';
const AFTER_EP = 'jobafter-s01e01';
const COUNTS_FILE = join(repoRoot, 'e2e', 'artifacts', 'friends-job-counts.json');

const e2e = useReviewApp({ prefix: 'sa-friendsjob-', setup: (ws) => friendsDemo(ws, [BEFORE_EP, AFTER_EP]) });

interface SeenFace {
  face_id: string;
  track_id: string;
  frame_idx: number;
  person: string | null;
}

/** What the reviewer knows: the episode as it is now, and who each face is. */
interface Look {
  doc: IdentitiesDoc;
  faces: SeenFace[];
}

async function look(epId: string): Promise<Look> {
  const { person } = await facePeople(e2e.workspace, epId);
  const faces = await episodeArtifacts(new Workspace(e2e.workspace), epId).readFaces();
  return {
    doc: readIdentities(e2e.workspace, epId),
    faces: faces.map((f, i) => ({ face_id: f.face_id, track_id: f.track_id, frame_idx: f.frame_idx, person: person[i] })),
  };
}

type Fix =
  | { kind: 'split track'; identity: string; track: string; face: string }
  | { kind: 'move'; from: string; tracks: string[]; to: string }
  | { kind: 'split off'; from: string; tracks: string[] }
  | { kind: 'merge'; a: string; b: string }
  | { kind: 'label'; identity: string; name: string }
  | { kind: 'lock'; identity: string };

const named = (p: string | null): p is string => p !== null && !NEUTRAL.has(p);

const nameOf = (person: string) => CAST.find((c) => c.toLowerCase() === person) ?? person;

/** Who each identity is and where each person should end up: the identity holding most of their faces among those they dominate. */
function whoIsWho(l: Look) {
  const facesOf = new Map<string, SeenFace[]>();
  for (const f of [...l.faces].sort((a, b) => a.frame_idx - b.frame_idx)) facesOf.set(f.track_id, [...(facesOf.get(f.track_id) ?? []), f]);
  const trackPerson = (t: string) => majority((facesOf.get(t) ?? []).map((f) => f.person));
  const peopleOf = (id: string) => l.doc.identities.find((i) => i.identity_id === id)!.track_ids.flatMap((t) => (facesOf.get(t) ?? []).map((f) => f.person));
  const person = new Map(l.doc.identities.map((i) => [i.identity_id, majority(peopleOf(i.identity_id))]));
  const home = new Map<string, string>();
  const weight = (id: string, p: string) => peopleOf(id).filter((x) => x === p).length;
  for (const [id, p] of person) if (p && (!home.has(p) || weight(id, p) > weight(home.get(p)!, p))) home.set(p, id);
  return { facesOf, trackPerson, person, home };
}

/** The fixes the reviewer would make next, most urgent kind first: tracks that switch person, other people's tracks, split people, names, locks. */
function nextFixes(l: Look): Fix[] {
  const { facesOf, trackPerson, person, home } = whoIsWho(l);
  const splits: Fix[] = l.doc.identities.flatMap((i) =>
    i.track_ids.flatMap((t) => {
      const faces = facesOf.get(t) ?? [];
      const first = faces.find((f) => named(f.person))?.person;
      const cut = faces.find((f) => named(f.person) && f.person !== first);
      return cut ? [{ kind: 'split track' as const, identity: i.identity_id, track: t, face: cut.face_id }] : [];
    }),
  );
  if (splits.length) return splits;
  const moves: Fix[] = [];
  for (const i of l.doc.identities) {
    const foreign = new Map<string, string[]>();
    for (const t of i.track_ids) {
      const p = trackPerson(t);
      if (p && p !== person.get(i.identity_id)) foreign.set(p, [...(foreign.get(p) ?? []), t]);
    }
    for (const [p, tracks] of foreign) {
      const to = home.get(p);
      moves.push(to && to !== i.identity_id ? { kind: 'move', from: i.identity_id, tracks, to } : { kind: 'split off', from: i.identity_id, tracks });
    }
  }
  if (moves.length) return moves;
  const merges: Fix[] = [...person].filter(([id, p]) => p && home.get(p) !== id).map(([id, p]) => ({ kind: 'merge', a: id, b: home.get(p!)! }));
  if (merges.length) return merges;
  const identity = (id: string) => l.doc.identities.find((i) => i.identity_id === id)!;
  const labels: Fix[] = [...home].filter(([p, id]) => identity(id).labels.name !== nameOf(p)).map(([p, id]) => ({ kind: 'label', identity: id, name: nameOf(p) }));
  if (labels.length) return labels;
  return [...home.values()].filter((id) => !identity(id).locked).map((id) => ({ kind: 'lock', identity: id }));
}

const involves = (f: Fix, id: string | null): boolean =>
  id !== null && ('identity' in f ? f.identity === id : 'from' in f ? f.from === id : f.a === id || f.b === id);

const describe = (f: Fix): string => {
  switch (f.kind) {
    case 'split track': return `split ${f.track} of ${f.identity} at ${f.face}`;
    case 'move': return `move ${f.tracks.join(', ')} from ${f.from} to ${f.to}`;
    case 'split off': return `split ${f.tracks.join(', ')} off ${f.from}`;
    case 'merge': return `merge ${f.a} and ${f.b}`;
    case 'label': return `label ${f.identity} ${f.name}`;
    case 'lock': return `lock ${f.identity}`;
  }
};

/** Today's UI: each fix by hand (CountedReviewer's clicks and keys). */
async function fixByHand(r: CountedReviewer, f: Fix): Promise<void> {
  switch (f.kind) {
    case 'split track': return r.splitTrackAt(f.identity, f.track, f.face);
    case 'move': return r.moveTracks(f.from, f.tracks, f.to);
    case 'split off': return r.splitOff(f.from, f.tracks);
    case 'merge': return r.merge(f.a, f.b);
    // Named and locked in one go, while the card is in front of the reviewer.
    case 'label': return r.label(f.identity, f.name).then(() => r.lock(f.identity));
    case 'lock': return r.lock(f.identity);
  }
}

/**
 * "Same person?" questions (q on the grid, then y or n on each pair: yes when the two identities are
 * one person, as the labels say), answered all at once, as the grid's question count invites.
 */
async function answerTheQuestions(epId: string, r: CountedReviewer): Promise<string> {
  const answers: string[] = [];
  await r.answerQuestions(async (q) => {
    if (!answers.length) await snapshot(r.page, 'friends-job-after-first-question');
    const { person } = whoIsWho(await look(epId));
    const p = person.get(q.a);
    const yes = !!p && (q.same ? person.get(q.b) === p : q.b === p);
    answers.push(`${q.same ? 'same person' : 'is this'} ${q.a} ${q.b}: ${yes ? 'y' : 'n'}`);
    return yes;
    // Open questions as the service counts them: "Same person?" pairs (a first episode of a show has no cast library to ask "Is this …?" from).
  }, async () => (await e2e.host.service.getSamePersonQuestions({ ep_id: epId })).pairs.length);
  return `questions: ${answers.join('; ')}`;
}

const STEP: Record<Fix['kind'], string> = {
  'split track': 'split the mixed track',
  move: 'move wrong tracks out',
  'split off': 'move wrong tracks out',
  merge: 'merge the split people',
  label: 'name and lock the six',
  lock: 'name and lock the six',
};

/** Fixes the episode until nothing is left to fix, the fix touching the identity in front of the reviewer first; returns what was done. */
async function doTheJob(epId: string, r: CountedReviewer): Promise<string[]> {
  const done: string[] = [];
  for (let round = 0; ; round++) {
    const fixes = nextFixes(await look(epId));
    if (!fixes.length) return done;
    assert.ok(round < 40, `the job does not converge: ${done.join('; ')}`);
    const here = await r.currentIdentityId();
    const f = fixes.find((x) => involves(x, here)) ?? fixes[0];
    assert.notEqual(describe(f), done.at(-1), `the same fix twice in a row: ${describe(f)}`);
    await r.input.step(STEP[f.kind], () => fixByHand(r, f));
    await assertValid(e2e.workspace, epId);
    done.push(describe(f));
  }
}

/** The job's result, scored like eval:real: six named, locked people; every identity pure; nobody split. */
async function assertJobDone(epId: string): Promise<void> {
  await assertValid(e2e.workspace, epId);
  const labels = labelsDocSchema.parse(JSON.parse(readFileSync(join(repoRoot, 'eval', 'labels', 'sitcom_friends_group.json'), 'utf8')));
  const ev = await evaluateEpisode(new Workspace(e2e.workspace), epId, labels);
  assert.deepEqual(ev.impureIdentities, [], 'no identity holds two people');
  assert.deepEqual(ev.mixedTracks, [], 'no track holds two people');
  assert.equal(ev.trackWcp, 1);
  assert.deepEqual(ev.peopleSplit, Object.fromEntries(CAST.map((c) => [c.toLowerCase(), 1])), 'each person in one identity');
  const doc = readIdentities(e2e.workspace, epId);
  const labelled = doc.identities.filter((i) => i.labels.name);
  assert.deepEqual(labelled.map((i) => i.labels.name).sort(), CAST);
  for (const i of labelled) {
    assert.equal(i.locked, true, `${i.identity_id} locked`);
    assert.equal(i.labels.person_id, i.labels.name!.toLowerCase());
    const people = new Set(i.track_ids.map((t) => ev.trackLabels[t]).filter(Boolean));
    assert.deepEqual([...people], [i.labels.person_id], `${i.identity_id} (${i.labels.name}) holds only their tracks`);
  }
}

function writeCounts(path: string, counts: InputCounts, fixes: string[]): void {
  mkdirSync(join(repoRoot, 'e2e', 'artifacts'), { recursive: true });
  const all = existsSync(COUNTS_FILE) ? (JSON.parse(readFileSync(COUNTS_FILE, 'utf8')) as Record<string, unknown>) : {};
  all[path] = { ...counts, fixes };
  writeFileSync(COUNTS_FILE, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`friends job, ${path}: ${counts.keystrokes} keystrokes + ${counts.clicks} clicks = ${counts.total}`);
  for (const s of counts.steps) console.log(`  ${s.step}: ${s.keystrokes} keys, ${s.clicks} clicks`);
}

/**
 * Opens the app and does the whole job (the questions first when `questions`, then each fix by
 * hand); checks the result and that the page saw exactly the counted input, and writes the counts
 * under `path`.
 */
async function countedJob(path: 'before' | 'after', epId: string, opts: { openButton?: boolean; questions?: boolean } = {}) {
  const { app } = e2e;
  await app.goto(e2e.host.url);
  const input = await CountingInput.attach(app.page);
  const r = new CountedReviewer(app, input, opts);
  await input.step('open the episode', () => r.openEpisode(epId));
  await snapshot(app.page, `friends-job-${path}-grid-start`);
  const asked = opts.questions ? [await input.step('answer the "Same person?" questions', () => answerTheQuestions(epId, r))] : [];
  const fixes = await doTheJob(epId, r);
  await input.step('name and lock the six', () => r.toGrid());
  await snapshot(app.page, `friends-job-${path}-grid-done`);
  await assertJobDone(epId);
  const counts = input.counts();
  assert.deepEqual({ keystrokes: counts.keystrokes, clicks: counts.clicks }, await input.observed(), 'every key and click the page saw was counted');
  writeCounts(path, counts, [...asked, ...fixes]);
  assert.deepEqual(e2e.handle.errors, []);
}

test("BEFORE: the reviewer's Friends job by hand, as before the questions and the Open button (open, split the pan track, move, merge, name and lock six), every key and click counted", async () => {
  await withFailureShot(e2e.handle, 'friends-job-before', () => countedJob('before', BEFORE_EP));
});

test('AFTER: the same job starting with the "Same person?" questions (y/n), an identity opened by the Open button on its face when its card has no focus; the same result', async () => {
  await withFailureShot(e2e.handle, 'friends-job-after', () => countedJob('after', AFTER_EP, { openButton: true, questions: true }));
});
