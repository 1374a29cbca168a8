// What the "Same person?" questions are worth on the labeled TV scene (scripts/eval-real/review-sim.ts):
// the clustering leaves one person's turned and frontal tracks apart, below its own threshold, so the
// questions must reach below it. A reviewer answering them in order by our labels must end with the
// scene's people far less split than the pipeline left them, and better than when the questions
// stopped at the cluster threshold; a "no" never changes the identities.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVAL_DIR } from '../../electron/models/eval-pack';
import { runPipeline } from '../../electron/pipeline/orchestrator';
import { episodeArtifacts } from '../../electron/store/artifacts';
import { readJson } from '../../electron/store/json';
import { Workspace } from '../../electron/store/workspace';
import type { IdentitiesDoc } from '../../shared/schema';
import { evaluateEpisode } from './evaluate';
import { labelsDocSchema } from './labels';
import { loadScoredEpisode, type ScoredEpisode } from './recluster';
import { simulateQuestions, type QuestionEmbeddings } from './review-sim';

const EP = 'tvdinnerscene-s01e01';
let root: string;
let ep: ScoredEpisode;
let doc: IdentitiesDoc;
let emb: QuestionEmbeddings;

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
});
after(() => rm(root, { recursive: true, force: true }));

test('answering the questions joins most of the TV scene\'s split people; stopping at the cluster threshold joined fewer', () => {
  const q = simulateQuestions(ep, doc, emb, 60);
  const atThreshold = simulateQuestions(ep, doc, emb, 60, doc.metadata.cluster_thresh);
  const end = (s: typeof q) => s.f1[s.f1.length - 1];
  console.log(`# from the floor: ${q.answers} → F ${q.f1[0].toFixed(3)} → ${end(q).toFixed(3)}; from the cluster threshold: ${atThreshold.answers} → ${end(atThreshold).toFixed(3)}`);
  assert.ok(q.f1[0] < 0.9, `the pipeline leaves people split (F ${q.f1[0]})`);
  assert.ok(end(q) >= 0.95, `F after ${q.answers.length} answers: ${end(q)}`);
  assert.ok(end(q) > end(atThreshold) + 0.03, `floor ${end(q)} vs threshold ${end(atThreshold)}`);
  assert.ok([...q.answers].filter((a) => a === 'y').length >= 4, q.answers);
  // A "no" records a cannot-link and leaves the identities as they were; a "yes" only joins one person.
  [...q.answers].forEach((a, i) => {
    if (a === 'n') assert.equal(q.f1[i + 1], q.f1[i], `answer ${i + 1}`);
    else assert.ok(q.f1[i + 1] > q.f1[i], `answer ${i + 1}`);
  });
});
