// What the "Same person?" questions are worth on a labeled clip: a reviewer answers them in the order
// the app asks them (shared/cluster/same-person.ts, from the same floor), truthfully by the labels — y
// merges the pair, n records that they are different people (the review commands, constraints and all,
// as the app applies them) — and the identities are scored after every answer.
import { applyCommand } from '../../shared/commands';
import { questionFloor, samePersonCandidates } from '../../shared/cluster/same-person';
import { emptyConstraints, type IdentitiesDoc, type ReviewConstraints } from '../../shared/schema';
import { majority } from './metrics';
import { scoreIdentities, type ScoredEpisode } from './recluster';

export interface ReviewSimulation {
  /** One letter per question answered, in order: y (merged) or n (different people). */
  answers: string;
  /** B-cubed F of the identities before any answer, then after each one. */
  f1: number[];
}

export interface QuestionEmbeddings {
  vectors: Float32Array;
  dim: number;
  trackOrder: readonly string[];
}

const NOW = '2026-01-01T00:00:00.000Z';

/** The labeled person most of the identity's labeled tracks show (null: none labeled). */
function personOf(ep: ScoredEpisode, trackIds: readonly string[]): string | null {
  const n = new Map<string, number>();
  for (const t of trackIds) if (ep.labels[t]) n.set(ep.labels[t], (n.get(ep.labels[t]) ?? 0) + 1);
  return majority(n);
}

function f1Of(ep: ScoredEpisode, doc: IdentitiesDoc): number {
  const identityOf = new Map<string, string>();
  for (const i of doc.identities) for (const t of i.track_ids) identityOf.set(t, i.identity_id);
  return scoreIdentities(ep, identityOf).bcubed.f1;
}

/** Answers up to `maxQuestions` questions, the top one each time (the list is re-ranked after every
 *  answer, as the app does), from the app's floor unless `floor` sets another. */
export function simulateQuestions(ep: ScoredEpisode, start: IdentitiesDoc, emb: QuestionEmbeddings, maxQuestions: number, floor = questionFloor(start.metadata.cluster_thresh)): ReviewSimulation {
  let doc = start;
  let constraints: ReviewConstraints = emptyConstraints();
  const out: ReviewSimulation = { answers: '', f1: [f1Of(ep, doc)] };
  while (out.answers.length < maxQuestions) {
    const [top] = samePersonCandidates({ identities: doc.identities, ...emb, constraints, minSimilarity: floor, limit: 1 });
    if (!top) break;
    const tracksOf = (id: string) => doc.identities.find((i) => i.identity_id === id)!.track_ids;
    const a = personOf(ep, tracksOf(top.a));
    const same = a !== null && a === personOf(ep, tracksOf(top.b));
    const r = same
      ? applyCommand(doc, { op: 'merge', target_id: top.a, source_ids: [top.b], allow_overlap: true }, NOW, { constraints })
      : applyCommand(doc, { op: 'notSamePerson', identity_ids: [top.a, top.b] }, NOW, { constraints });
    if (!r.ok || !r.constraints) throw new Error(`${ep.epId}: answering ${top.a}/${top.b} failed: ${JSON.stringify(r)}`);
    doc = r.doc;
    constraints = r.constraints;
    out.answers += same ? 'y' : 'n';
    out.f1.push(f1Of(ep, doc));
  }
  return out;
}
