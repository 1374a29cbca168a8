// Crash tests of the review host: a real `screenalytics serve` child takes a stream of label edits over
// HTTP and is killed with SIGKILL — at random moments, and exactly inside a cast-library save (between
// its npy and json renames). After every kill: every acknowledged edit is in the journal under the
// revision it was acknowledged with and in the reopened episode (lost = 0), the journal's revisions are
// consecutive, the cast library loads and matches the episode's labels, and the episode validates.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureEpisode, type FixtureEpisode } from '../../scripts/fixture-episode';
import { makeRng } from '../../shared/rng';
import { validateEpisode } from '../store/validate';
import { Workspace } from '../store/workspace';
import { readCastPair } from './cast-store';
import { ReviewService } from './review-service';

const EP = 'crash-s01e01';
const repo = join(import.meta.dirname, '..', '..');
/** null clears a label: the identity's tracks leave the cast library, so its rows change. */
const NAMES = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', null];
let root: string;
let ep: FixtureEpisode;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-crash-'));
  // Locked: only confirmed (locked) identities teach the cast library, and every save here must change it.
  ep = await makeFixtureEpisode({ workspace: root, epId: EP, identities: 6, tracksPerIdentity: 2, facesPerTrack: 2, withImages: false, seed: 3, dim: 128, locked: [0, 1, 2, 3, 4, 5] });
});
after(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

interface Host { child: ChildProcess; origin: string; token: string; out: () => string; exited: Promise<unknown> }

/** Starts `screenalytics serve` on the workspace; `pauseCastSave` = N stops it inside its Nth cast-library save. */
async function serve(pauseCastSave = 0): Promise<Host> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', join(import.meta.dirname, '../../test-support/pause-cast-save.ts'), join(repo, 'bin/screenalytics.mjs'), 'serve', '--workspace', root], {
    cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, SCREENALYTICS_TEST_PAUSE_CAST_SAVE: String(pauseCastSave) },
  });
  const exited = new Promise((r) => child.once('exit', r));
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<URL>((ok, fail) => {
    const check = () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m) ok(new URL(m[1]));
    };
    child.stdout!.on('data', check);
    void exited.then(() => fail(new Error(`serve exited: ${out}`)));
  });
  return { child, origin: url.origin, token: decodeURIComponent(url.searchParams.get('token')!), out: () => out, exited };
}

async function kill(h: Host): Promise<void> {
  h.child.kill('SIGKILL');
  await h.exited;
}

interface Ack { revision: number; identity_id: string; name: string | null }
type Next = (k: number) => { identity_id: string; name: string | null };

/** Random labels (seeded) over every identity. */
const randomLabels = (seed: number): Next => {
  const rng = makeRng(seed);
  return () => ({ identity_id: ep.identityIds[Math.floor(rng() * ep.identityIds.length)], name: NAMES[Math.floor(rng() * NAMES.length)] });
};

/** POSTs label edits (`next`) until the host dies; returns the acknowledged (HTTP 200) ones. */
async function streamEdits(h: Host, next: Next, onAck: (a: Ack) => void): Promise<Ack[]> {
  const acks: Ack[] = [];
  const call = async (channel: string, body: unknown) => {
    const res = await fetch(`${h.origin}/api/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${h.token}` }, body: JSON.stringify(body) });
    return (await res.json()) as { ok: boolean; data?: { revision: number }; error?: { code: string; message: string } };
  };
  try {
    let revision = (await call('episode:open', { ep_id: EP })).data!.revision;
    for (let k = 0; ; k++) {
      const { identity_id, name } = next(k);
      const r = await call('review:apply', { ep_id: EP, revision, command: { op: 'label', identity_id, name, force: true } });
      if (r.ok) {
        revision = r.data!.revision;
        const a = { revision, identity_id, name };
        acks.push(a);
        onAck(a);
      } else if (r.error?.code === 'conflict') revision = (await call('episode:open', { ep_id: EP })).data!.revision;
      else throw new Error(`edit refused: ${JSON.stringify(r.error)}`);
    }
  } catch (err) {
    if ((err as Error).message.startsWith('edit refused')) throw err;
    return acks; // the host died under the request
  }
}

interface Journal { revision: number; command: { identity_id: string; name: string | null } }
const journal = async (): Promise<Journal[]> =>
  (await readFile(join(root, 'data/manifests', EP, 'review_journal.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Journal);

/** Everything the kill must not have broken; returns the open time after the crash (ms) and the edits lost. */
async function checkAfterCrash(acks: Ack[]): Promise<{ openMs: number; lost: number }> {
  const svc = new ReviewService({ workspace: root, host: 'test' });
  const t = performance.now();
  const open = await svc.openEpisode({ ep_id: EP });
  const openMs = performance.now() - t;
  const entries = await journal();
  assert.deepEqual(entries.map((e) => e.revision), entries.map((_, i) => i + 1), 'journal revisions are consecutive, none repeated');
  const lost = acks.filter((a) => {
    const e = entries[a.revision - 1];
    return !e || e.command.identity_id !== a.identity_id || e.command.name !== a.name;
  }).length;
  assert.ok(open.revision >= (acks.at(-1)?.revision ?? 0), 'the reopened episode has every acknowledged revision');
  assert.equal(open.revision, entries.length, 'identities.json caught up with the journal');
  // The cast library: loadable, a consistent pair on disk, and holding exactly this episode's labels.
  const lib = await svc.cast.load('crash');
  assert.equal((await readCastPair(svc.ws, 'crash')).repaired, null, 'the pair on disk is consistent');
  const labeled = open.identities.identities.filter((i) => i.labels.name && i.locked).flatMap((i) => i.track_ids.map((t) => `${i.labels.person_id}:${t}`)).sort();
  assert.deepEqual(lib.doc.references.filter((r) => r.ep_id === EP).map((r) => `${r.person_id}:${r.track_id}`).sort(), labeled);
  assert.equal(lib.embeddings.length, lib.doc.references.length);
  const exported = await svc.exportCastList({ show: 'crash' });
  assert.ok('people' in exported, `cast:export answers: ${JSON.stringify(exported)}`);
  const report = await validateEpisode(new Workspace(root), EP);
  assert.ok(report.ok, JSON.stringify(report.artifacts.filter((a) => a.status === 'invalid')));
  return { openMs, lost };
}

interface Figures { trials: number; acknowledged: number; lost: number; openMs: number[] }

/** Checks the workspace after one kill and adds the trial to `figures`. */
async function tally(figures: Figures, acks: Ack[]): Promise<void> {
  const r = await checkAfterCrash(acks);
  figures.trials++;
  figures.acknowledged += acks.length;
  figures.lost += r.lost;
  figures.openMs.push(Math.round(r.openMs));
}

test('SIGKILL of the web host during a stream of edits, at random moments: 0 acknowledged edits lost', { timeout: 600_000 }, async (t) => {
  const rng = makeRng(13);
  const figures: Figures = { trials: 0, acknowledged: 0, lost: 0, openMs: [] };
  for (let trial = 0; trial < 8; trial++) {
    const h = await serve();
    const delay = 300 + Math.floor(rng() * 2700);
    let timer: NodeJS.Timeout | undefined;
    const acks = await streamEdits(h, randomLabels(trial), () => {
      timer ??= setTimeout(() => void kill(h), delay);
    });
    await h.exited;
    await tally(figures, acks);
  }
  t.diagnostic(JSON.stringify(figures));
  assert.equal(figures.lost, 0);
});

test('SIGKILL inside a cast-library save (npy renamed, cast.json not): the library loads, repaired, after every kill', { timeout: 600_000 }, async (t) => {
  const figures = { trials: 0, acknowledged: 0, lost: 0, interruptedPairs: 0, openMs: [] as number[] };
  for (let trial = 0; trial < 3; trial++) {
    const h = await serve(trial + 2);
    const acks: Ack[] = [];
    // Label and clear one identity in turn: every save changes the rows.
    const streaming = streamEdits(h, (k) => ({ identity_id: ep.identityIds[trial], name: k % 2 ? null : NAMES[trial] }), (a) => acks.push(a));
    await new Promise<void>((ok) => h.child.stdout!.on('data', () => h.out().includes('mid-save') && ok()));
    await kill(h);
    await streaming;
    // The kill left the pair disagreeing, exactly what froze the library before.
    if ((await readCastPair(new Workspace(root), 'crash')).repaired) figures.interruptedPairs++;
    await tally(figures, acks);
  }
  t.diagnostic(JSON.stringify(figures));
  assert.equal(figures.interruptedPairs, figures.trials, 'every kill landed between the two renames');
  assert.equal(figures.lost, 0);
});

test('two hosts racing on one episode, one killed mid-stream, the other editing on: consecutive revisions, 0 acknowledged edits lost', { timeout: 600_000 }, async (t) => {
  const [a, b] = await Promise.all([serve(), serve()]);
  let bKilled = false;
  let aAfter = 0;
  let bAcks = 0;
  const [acksA, acksB] = await Promise.all([
    // A, which has the episode cached, must see B's journalled edits (its own next edit gets a conflict).
    streamEdits(a, randomLabels(202), () => {
      if (bKilled && ++aAfter === 10) void kill(a);
    }),
    streamEdits(b, randomLabels(201), () => {
      if (++bAcks === 10) {
        bKilled = true;
        void kill(b);
      }
    }),
  ]);
  const r = await checkAfterCrash([...acksA, ...acksB]);
  t.diagnostic(JSON.stringify({ acknowledgedA: acksA.length, acknowledgedB: acksB.length, lost: r.lost, openMs: Math.round(r.openMs) }));
  assert.equal(r.lost, 0);
});
