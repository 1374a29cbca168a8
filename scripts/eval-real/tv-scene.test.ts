// The labeled TV scene through the default pipeline. The same-setup links (shared/cluster/setup-links.ts)
// must join the turned and dark tracks the embedder leaves apart — never two labeled people — and the
// "Same person?" questions (scripts/eval-real/review-sim.ts) must reach below the cluster threshold,
// where what is left split sits: a reviewer answering them in order by our labels ends with the scene's
// people less split than the pipeline left them, and better than when the questions stopped at the
// cluster threshold; a "no" never changes the identities.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { EVAL_DIR } from '../../electron/models/eval-pack';
import { runPipeline } from '../../electron/pipeline/orchestrator';
import { episodeArtifacts } from '../../electron/store/artifacts';
import { readJson } from '../../electron/store/json';
import { detectMetaSchema, shotThumbsSchema, sidePaths } from '../../electron/pipeline/sidefiles';
import { Workspace } from '../../electron/store/workspace';
import type { IdentitiesDoc } from '../../shared/schema';
import { evaluateEpisode } from './evaluate';
import { labelsDocSchema } from './labels';
import { loadScoredEpisode, recluster, regate, scoreIdentities, type ScoredEpisode } from './recluster';
import { simulateQuestions, type QuestionEmbeddings } from './review-sim';

const EP = 'tvdinnerscene-s01e01';
const REPO = new URL('../..', import.meta.url).pathname;
let root: string;
let ep: ScoredEpisode;
let doc: IdentitiesDoc;
let emb: QuestionEmbeddings;
let shots: { start_frame: number }[];
let cuts: number[];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-questions-tv-'));
  await runPipeline({ videoPath: join(EVAL_DIR, 'videos', 'tv_dinner_scene.mp4'), workspace: root, epId: EP });
  const ws = new Workspace(root);
  const labels = await readJson(new URL('../../eval/labels/tv_dinner_scene.json', import.meta.url).pathname, labelsDocSchema);
  const evaluation = await evaluateEpisode(ws, EP, labels);
  ep = await loadScoredEpisode(ws, EP, evaluation.trackLabels);
  const art = episodeArtifacts(ws, EP);
  doc = await art.readIdentities();
  const te = await art.readTrackEmbeddings();
  emb = { vectors: te.matrix.data, dim: te.meta.embedding_dim, trackOrder: te.trackOrder };
  const meta = await readJson(ws.abs(sidePaths(EP).detectMeta), detectMetaSchema);
  shots = (await readJson(ws.abs(sidePaths(EP).shotThumbs), shotThumbsSchema)).shots;
  cuts = meta.scene_cuts.map((c) => c.frame_idx);
});

test('same-setup links join the turned and dark tracks to their people, and no two labeled people', () => {
  assert.deepEqual(shots.map((s) => s.start_frame), [shots[0]?.start_frame ?? -1, ...cuts], 'one shot thumbnail per shot, split at the scene cuts');
  const identityOf = new Map<string, string>();
  for (const i of doc.identities) for (const t of i.track_ids) identityOf.set(t, i.identity_id);
  const withLinks = scoreIdentities(ep, identityOf);
  const without = scoreIdentities(ep, recluster(ep, { thresh: doc.metadata.cluster_thresh, faces: regate(ep.faces, 0.4), setupLinks: false }));
  console.log(`# ${ep.setupLinks.length} links; identities ${without.identities} → ${withLinks.identities}, B-cubed F ${without.bcubed.f1.toFixed(3)} → ${withLinks.bcubed.f1.toFixed(3)}, WCP ${without.trackWcp.toFixed(3)} → ${withLinks.trackWcp.toFixed(3)}`);
  assert.ok(ep.setupLinks.length >= 20, `${ep.setupLinks.length} links`);
  const wrong = ep.setupLinks.filter(([a, b]) => ep.labels[a] && ep.labels[b] && ep.labels[a] !== ep.labels[b]);
  assert.deepEqual(wrong, [], 'no link between two labeled people');
  assert.ok(withLinks.bcubed.f1 >= without.bcubed.f1 + 0.05, `F ${without.bcubed.f1} → ${withLinks.bcubed.f1}`);
  assert.ok(withLinks.trackWcp >= 0.99 && withLinks.multiTrackImpure.length === 0, `WCP ${withLinks.trackWcp}, ${withLinks.multiTrackImpure.length} identities mixing people on ≥ 2 tracks`);
  assert.ok(withLinks.labeledIdentities <= 8, `${withLinks.labeledIdentities} identities with cast for 6 people`);
});
after(() => rm(root, { recursive: true, force: true }));

test('answering the questions joins what is left split; stopping at the cluster threshold joined less', () => {
  const q = simulateQuestions(ep, doc, emb, 60);
  const atThreshold = simulateQuestions(ep, doc, emb, 60, doc.metadata.cluster_thresh);
  const end = (s: typeof q) => s.f1[s.f1.length - 1];
  console.log(`# from the floor: ${q.answers} → F ${q.f1[0].toFixed(3)} → ${end(q).toFixed(3)}; from the cluster threshold: ${atThreshold.answers} → ${end(atThreshold).toFixed(3)}`);
  assert.ok(end(q) >= 0.96 && end(q) > q.f1[0], `F ${q.f1[0]} → ${end(q)} after ${q.answers.length} answers`);
  assert.ok(end(q) > end(atThreshold), `floor ${end(q)} vs threshold ${end(atThreshold)}`);
  assert.ok(q.answers.includes('y'), q.answers);
  // A "no" records a cannot-link and leaves the identities as they were; a "yes" only joins one person.
  [...q.answers].forEach((a, i) => {
    if (a === 'n') assert.equal(q.f1[i + 1], q.f1[i], `answer ${i + 1}`);
    else assert.ok(q.f1[i + 1] > q.f1[i], `answer ${i + 1}`);
  });
});

test('--no-same-setup-links: the cluster stage makes no join (the identities the embedder alone gives)', async () => {
  const before = doc.identities.length;
  execFileSync(process.execPath, [join(REPO, 'bin/screenalytics.mjs'), 'cluster', EP, '--workspace', root, '--no-same-setup-links'], { stdio: 'pipe' });
  const off = await episodeArtifacts(new Workspace(root), EP).readIdentities();
  const identityOf = new Map<string, string>();
  for (const i of off.identities) for (const t of i.track_ids) identityOf.set(t, i.identity_id);
  const without = scoreIdentities(ep, recluster(ep, { thresh: doc.metadata.cluster_thresh, faces: regate(ep.faces, 0.4), setupLinks: false }));
  assert.equal(off.identities.length, without.identities, `${off.identities.length} identities with the links off, ${before} with them`);
  assert.ok(off.identities.length > before);
});
