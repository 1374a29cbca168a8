// "Same person?" candidates (shared/cluster/same-person.ts) on the real Friends clip through the
// default pipeline (as `npm run demo`), scored against our labels (eval/README.md): the pairs asked
// about, most similar first, against the labeled person of each identity (majority of its faces).
// The default embedder is weak across poses (a frontal and a three-quarter view of one person sit at
// cosine ≈ 0.07), so the list asks from well below the cluster threshold and is not all true; what it
// must do is put a true pair among the first and be far more often right than a pair drawn at random
// early on, and an answered "no" must stop the question.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordEdit } from '../../shared/cluster/reviewer-constraints';
import { questionFloor, samePersonCandidates, type SamePersonPair } from '../../shared/cluster/same-person';
import type { Box } from '../../shared/cluster/trackmatch';
import { applyCommand } from '../../shared/commands';
import { emptyConstraints, type IdentitiesDoc } from '../../shared/schema';
import { EVAL_DIR } from '../../electron/models/eval-pack';
import { runPipeline } from '../../electron/pipeline/orchestrator';
import { episodeArtifacts } from '../../electron/store/artifacts';
import { Workspace } from '../../electron/store/workspace';
import { labelBoxes, labelsDocSchema, NEUTRAL } from './labels';
import { readRunDetections } from './run-tracks';

const EP = 'friends-s01e01';
let root: string;
let doc: IdentitiesDoc;
let who: Map<string, string | null>;
let emb: { vectors: Float32Array; dim: number; trackOrder: readonly string[] };

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sa-same-person-'));
  await runPipeline({ videoPath: join(EVAL_DIR, 'videos', 'sitcom_friends_group.mp4'), workspace: root, epId: EP });
  const ws = new Workspace(root);
  const art = episodeArtifacts(ws, EP);
  const labels = labelsDocSchema.parse(JSON.parse(await readFile(new URL('../../eval/labels/sitcom_friends_group.json', import.meta.url), 'utf8')));
  const run = await readRunDetections(ws, EP);
  const tsOf = new Map(run.meta.frames.map(([f, t]) => [f, t]));
  const faces = await art.readFaces();
  const person = labelBoxes(labels, faces.map((f) => ({ ts: tsOf.get(f.frame_idx) ?? -1, bbox: f.bbox as unknown as Box })));
  doc = await art.readIdentities();
  who = new Map(doc.identities.map((ident) => {
    const n = new Map<string, number>();
    faces.forEach((f, i) => {
      const p = person[i];
      if (ident.track_ids.includes(f.track_id) && p && !NEUTRAL.has(p)) n.set(p, (n.get(p) ?? 0) + 1);
    });
    return [ident.identity_id, [...n].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null];
  }));
  const te = await art.readTrackEmbeddings();
  emb = { vectors: te.matrix.data, dim: te.meta.embedding_dim, trackOrder: te.trackOrder };
});
after(() => rm(root, { recursive: true, force: true }));

const truth = (p: SamePersonPair) => who.get(p.a) !== null && who.get(p.a) === who.get(p.b);

test('the one person split in two is among the first questions, and they are right far more often than chance', () => {
  const floor = questionFloor(doc.metadata.cluster_thresh);
  const pairs = samePersonCandidates({ identities: doc.identities, ...emb, minSimilarity: floor });
  const ids = doc.identities.map((i) => i.identity_id);
  let same = 0, all = 0;
  for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
    all++;
    if (who.get(ids[i]) !== null && who.get(ids[i]) === who.get(ids[j])) same++;
  }
  const precisionAt = (k: number) => pairs.slice(0, k).filter(truth).length / Math.min(k, pairs.length);
  console.log(`# ${ids.length} identities (${[...who.values()].join(', ')}); ${same} of ${all} pairs are one person (chance ${(same / all).toFixed(3)})`);
  console.log(`# ${pairs.length} pairs at cosine ≥ ${floor.toFixed(3)}: ${pairs.map((p) => `${p.a}/${p.b} ${p.similarity.toFixed(3)} ${truth(p) ? 'same' : `${who.get(p.a)}≠${who.get(p.b)}`}`).join('; ')}`);
  console.log(`# precision@1 ${precisionAt(1)}, @3 ${precisionAt(3).toFixed(2)}, all ${precisionAt(pairs.length).toFixed(2)}`);
  assert.ok(same >= 1, 'the run splits someone (the question has an answer to find)');
  assert.ok(pairs.length >= 1);
  assert.ok(pairs.slice(0, 3).some(truth), `first three: ${pairs.slice(0, 3).map((p) => `${who.get(p.a)} / ${who.get(p.b)}`).join('; ')}`);
  assert.ok(precisionAt(3) >= 4 * (same / all), `precision of the first three ${precisionAt(3)} vs chance ${same / all}`);
  assert.ok(pairs.some((p) => p.similarity < doc.metadata.cluster_thresh), 'the list goes below the cluster threshold');
});

test('answering "no" (a cannot-link) stops the question; answering "yes" (a merge) leaves no such pair', () => {
  const ask = (d: IdentitiesDoc, constraints = emptyConstraints()) => samePersonCandidates({ identities: d.identities, ...emb, constraints, minSimilarity: questionFloor(d.metadata.cluster_thresh) });
  const [top] = ask(doc);
  const key = (p: SamePersonPair) => `${p.a}/${p.b}`;
  // "No": the notSamePerson review command, which records a cannot-link between the two track sets.
  const no = applyCommand(doc, { op: 'notSamePerson', identity_ids: [top.a, top.b] }, '2026-01-01T00:00:00.000Z', { constraints: emptyConstraints() });
  assert.ok(no.ok && no.constraints, JSON.stringify(no));
  assert.ok(!ask(no.doc, no.constraints).map(key).includes(key(top)));
  // "Yes": the merge (overlap allowed after the reviewer's confirmation), with its constraints recorded.
  const merged = applyCommand(doc, { op: 'merge', target_id: top.a, source_ids: [top.b], allow_overlap: true }, '2026-01-01T00:00:00.000Z', { constraints: emptyConstraints() });
  assert.ok(merged.ok, JSON.stringify(merged));
  const after = ask(merged.doc, recordEdit(emptyConstraints(), doc, merged.doc));
  assert.ok(after.every((p) => p.a !== top.b && p.b !== top.b), 'the merged-away identity is never asked about');
});
