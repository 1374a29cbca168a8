// The review app's cleanup path (review-cleanup.ts) on real-photo episodes (eval pack embeddings):
// the cleanup runs in a worker thread (the calling thread keeps ticking), a cancel leaves every file
// as it was, the worker loads the episode's pack and re-embeds exactly as the CLI does when faces.npy
// was made by another model, and the cleanup is one step of the review undo/redo.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { channels, IpcFailure } from '../../shared/ipc';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { loadEvalPack } from '../models/eval-pack';
import type { LoadedPack } from '../models/types';
import { Workspace } from '../store/workspace';
import { loadFaceLibrary, type FaceCutout } from '../../scripts/synth/faces';
import { clusterEpisode } from '../pipeline/cluster';
import { runCleanup } from '../pipeline/cleanup/cleanup';
import { buildEpisode, hashTree, type FixtureFace, type FixtureTrack } from '../../test-support/cleanup-episodes';
import { ReviewService } from './review-service';

const PEOPLE = ['deepface-p01', 'deepface-p02', 'deepface-p03'];
let pack: LoadedPack;
let lib: Map<string, FaceCutout[]>;
const dirs: string[] = [];
const services: ReviewService[] = [];
// The show's cast library (data/cast) is not episode data: a cleanup neither backs it up nor restores it.
const noBackups = (rel: string) => rel.endsWith('/backups') || rel === 'settings.json' || rel.startsWith('data/cast');
// Every step, so each test exercises all three (the app's default leaves reembed out).
const runReq = (ep: string, actions: string[] = ['split_tracks', 'reembed', 'recluster']) => channels['cleanup:run'].request.parse({ ep_id: ep, actions });

const f = (person: string, photos: number[]): FixtureFace[] => photos.map((photo) => ({ person, photo: photo % lib.get(person)!.length }));

/** A mixed first track (two people), then `n` single-person tracks. */
async function episode(epId: string, n: number): Promise<{ dir: string; svc: ReviewService }> {
  const dir = mkdtempSync(join(tmpdir(), 'h13-clean-'));
  dirs.push(dir);
  const spec: FixtureTrack[] = [{ startFrame: 0, faces: [...f(PEOPLE[0], [0, 1, 2, 3, 4, 5]), ...f(PEOPLE[1], [0, 1, 2, 3, 4, 5])] }];
  for (let i = 0; i < n; i++) spec.push({ startFrame: 100 + 40 * i, faces: f(PEOPLE[i % PEOPLE.length], [(i + 6) % 8, (i + 7) % 8, (i + 2) % 8]) });
  const fx = await buildEpisode(dir, epId, pack, lib, spec);
  const ctx = { workspace: fx.ws, epId, paths: fx.ws.paths(epId), settings: defaultPipelineSettings(), pack, progress: () => {}, signal: new AbortController().signal, log: () => {} };
  await clusterEpisode(ctx, { clusterThresh: 0.4 });
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ...defaultPipelineSettings(), packId: 'eval', device: 'cpu' }));
  const svc = new ReviewService({ workspace: dir, settingsPath: join(dir, 'settings.json') });
  services.push(svc);
  return { dir, svc };
}

before(async () => {
  pack = await loadEvalPack();
  lib = await loadFaceLibrary(pack.detector, PEOPLE, 8);
});

after(async () => {
  for (const s of services) await s.close();
  await pack?.detector.dispose();
  await pack?.embedder.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('cleanup runs in a worker thread: the calling thread keeps ticking; progress streams in order', async () => {
  const { svc } = await episode('tick-s01e01', 40);
  const steps: string[] = [];
  const off = svc.on('cleanup:progress', (p) => steps.push(p.step));
  let ticks = 0;
  let ticksAfterRead = 0;
  const timer = setInterval(() => {
    ticks++;
    if (steps.length) ticksAfterRead++;
  }, 1);
  try {
    const r = await svc.runCleanup(runReq('tick-s01e01'));
    assert.equal(r.report.split_tracks_summary.tracks_split, 1);
  } finally {
    clearInterval(timer);
    off();
  }
  assert.ok(ticks > 0 && ticksAfterRead > 0, `the main thread ran timers during the cleanup (${ticks} ticks, ${ticksAfterRead} after the first progress event)`);
  assert.deepEqual([...new Set(steps)], ['read', 'split_tracks', 'reembed', 'recluster', 'backup', 'write', 'validate']);
});

test('cleanup:cancel mid-cleanup: rejected, every file sha256-identical to before', async () => {
  const { dir, svc } = await episode('cancel-s01e01', 12);
  const pristine = hashTree(dir, noBackups);
  let cancelled: Promise<{ cancelled: boolean }> | null = null;
  const off = svc.on('cleanup:progress', (p) => {
    if (p.step === 'backup' && !cancelled) cancelled = svc.cancelCleanup({ ep_id: 'cancel-s01e01' });
  });
  await assert.rejects(svc.runCleanup(runReq('cancel-s01e01')), (e: unknown) => e instanceof IpcFailure && /cancelled; the episode is as it was/.test(e.error.message));
  off();
  assert.deepEqual(await cancelled, { cancelled: true });
  assert.deepEqual(hashTree(dir, noBackups), pristine);
  assert.deepEqual(await svc.cancelCleanup({ ep_id: 'cancel-s01e01' }), { cancelled: false }, 'nothing left running');
  const state = await svc.openEpisode({ ep_id: 'cancel-s01e01' });
  assert.equal(state.history.can_undo, false, 'no cleanup step was pushed');
});

test('the app path loads the episode pack and re-embeds like the CLI when faces.npy came from another model', async () => {
  const { dir, svc } = await episode('pack-s01e01', 4);
  const metaPath = join(dir, 'data/embeds/pack-s01e01/embeddings_meta.json');
  const idsPath = join(dir, 'data/manifests/pack-s01e01/identities.json');
  // As if the episode had been embedded with an older model (identities.json records it too).
  const setModel = () => {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { model_id: string };
    writeFileSync(metaPath, JSON.stringify({ ...meta, model_id: 'older-model-v0' }, null, 2));
    const ids = JSON.parse(readFileSync(idsPath, 'utf8')) as { metadata: { model_id: string } };
    writeFileSync(idsPath, JSON.stringify({ ...ids, metadata: { ...ids.metadata, model_id: 'older-model-v0' } }, null, 2));
  };
  setModel();
  const cliDir = mkdtempSync(join(tmpdir(), 'h13-cli-'));
  dirs.push(cliDir);
  cpSync(dir, cliDir, { recursive: true });
  const npy = (root: string) => readFileSync(join(root, 'data/embeds/pack-s01e01/faces.npy'));
  const before = npy(dir);

  await svc.runCleanup(runReq('pack-s01e01', ['reembed', 'recluster']));
  assert.equal(JSON.parse(readFileSync(metaPath, 'utf8')).model_id, pack.embedder.modelId, 'faces.npy is now the pack model');
  assert.notDeepEqual(npy(dir), before, 'every face re-embedded from its crop');
  const cli = await runCleanup({ workspace: new Workspace(cliDir), epId: 'pack-s01e01', actions: ['reembed', 'recluster'], pack, settings: { ...defaultPipelineSettings(), packId: 'eval' } });
  const rows = readFileSync(join(cliDir, 'data/manifests/pack-s01e01/faces.jsonl'), 'utf8').trim().split('\n').length;
  assert.equal(cli.reembeddedFaces.length, rows, 'the CLI re-embedded every face');
  assert.deepEqual(npy(dir), npy(cliDir), 'the app and the CLI write the same faces.npy');

  // A pack that cannot be loaded is not guessed around: as the CLI without --pack, the faces are
  // re-checked but not re-embedded, and faces.npy keeps its model.
  setModel();
  await svc.setSettings({ packId: 'no-such-pack' });
  const npyBefore = npy(dir);
  const r = await svc.runCleanup(runReq('pack-s01e01', ['reembed', 'recluster']));
  assert.equal(r.dry_run, false);
  assert.equal(JSON.parse(readFileSync(metaPath, 'utf8')).model_id, 'older-model-v0');
  assert.deepEqual(npy(dir), npyBefore);
});

test('review undo/redo: z restores the backup exactly, shift+z re-applies the cleanup, z again; earlier review steps still undo', async () => {
  const EP = 'undo-s01e01';
  const { dir, svc } = await episode(EP, 4);
  let state = await svc.openEpisode({ ep_id: EP });
  const someone = state.identities.identities[0];
  const named = await svc.applyReview({ ep_id: EP, revision: state.revision, command: { op: 'label', identity_id: someone.identity_id, name: 'Somebody' } });
  const pristine = hashTree(dir, noBackups);

  await svc.runCleanup(runReq(EP));
  const cleaned = hashTree(dir, noBackups);
  assert.notDeepEqual(cleaned, pristine);
  state = await svc.openEpisode({ ep_id: EP });
  assert.equal(state.history.can_undo, true);
  assert.match(state.history.undo_label ?? '', /^Cleanup \(split tracks, reembed, recluster\)$/);

  // z: the backup, byte for byte, with the review stack as it was before the cleanup.
  let st = await svc.undo({ ep_id: EP, revision: state.revision });
  assert.deepEqual(hashTree(dir, noBackups), pristine);
  assert.equal(st.revision, named.revision);
  assert.equal(st.history.can_redo, true);
  assert.match(st.history.redo_label ?? '', /^Cleanup/);
  assert.equal(st.history.undo_label, named.history.undo_label, 'the pre-cleanup steps are back');

  // shift+z: the post-cleanup state, byte for byte; then z again.
  st = await svc.redo({ ep_id: EP, revision: st.revision });
  assert.deepEqual(hashTree(dir, noBackups), cleaned);
  assert.match(st.history.undo_label ?? '', /^Cleanup/);
  assert.equal(st.history.can_redo, false);

  // An edit made after the cleanup and undone again does not block undoing the cleanup.
  const id = st.identities.identities.find((i) => !i.locked)!;
  const edited = await svc.applyReview({ ep_id: EP, revision: st.revision, command: { op: 'label', identity_id: id.identity_id, name: 'Temp' } });
  assert.equal(edited.history.can_redo, false);
  st = await svc.undo({ ep_id: EP, revision: edited.revision });
  assert.match(st.history.undo_label ?? '', /^Cleanup/);
  st = await svc.undo({ ep_id: EP, revision: st.revision });
  assert.deepEqual(hashTree(dir, noBackups), pristine);

  // The review step from before the cleanup undoes normally; that hides the cleanup redo.
  st = await svc.undo({ ep_id: EP, revision: st.revision });
  assert.equal(st.identities.identities.find((i) => i.identity_id === someone.identity_id)!.labels.name, someone.labels.name);
  assert.equal(st.history.redo_label, named.history.undo_label);
  // …and redoing it brings the cleanup back as the next redo.
  st = await svc.redo({ ep_id: EP, revision: st.revision });
  assert.match(st.history.redo_label ?? '', /^Cleanup/);

  // A change made outside the review stack makes the redo unsafe: refused as a conflict.
  const stray = join(dir, `data/manifests/${EP}/notes.txt`);
  writeFileSync(stray, 'added by hand');
  await assert.rejects(svc.redo({ ep_id: EP, revision: st.revision }), (e: unknown) => e instanceof IpcFailure && e.error.code === 'conflict' && /changed after the cleanup was undone \(data\/manifests\/undo-s01e01\/notes\.txt\)/.test(e.error.message));
  rmSync(stray);
  st = await svc.redo({ ep_id: EP, revision: st.revision });
  assert.match(st.history.undo_label ?? '', /^Cleanup/);
  // Same on the undo side.
  writeFileSync(stray, 'added by hand');
  await assert.rejects(svc.undo({ ep_id: EP, revision: st.revision }), (e: unknown) => e instanceof IpcFailure && e.error.code === 'conflict' && /changed after the cleanup .*notes\.txt/.test(e.error.message));
  rmSync(stray);
  st = await svc.undo({ ep_id: EP, revision: st.revision });
  assert.deepEqual(hashTree(dir, noBackups), pristine);
});
