// The questions asked one at a time: "Same person?" about two identities (review:same-person), then
// "Is this <name>?" about an unlabeled identity and its best cast-library suggestion. Built from the
// live document, so a question an optimistic edit answered (a merge, a label) is gone at once.
import { QUESTION_FACES, questionFaces } from '../../../../shared/cluster/same-person';
import type { SamePersonQuestion } from '../../../../shared/ipc';
import type { Identity } from '../../../../shared/schema';
import type { AppState } from '../appState';
import type { CastSuggestionsData } from '../cast/slice';

type CastSuggestion = CastSuggestionsData['suggestions'][string][number];

export type Question =
  | { kind: 'same'; key: string; pair: SamePersonQuestion }
  | { kind: 'cast'; key: string; identityId: string; suggestion: CastSuggestion };

/**
 * A cast suggestion is asked about (and hinted on grid cards) only from this cosine score: below it
 * the best match of a stranger (≈ 0.0–0.2 with the eval and default packs) would read as a claim.
 */
export const CAST_QUESTION_MIN_SCORE = 0.3;
export { QUESTION_FACES };

export const pairQuestionKey = (a: string, b: string) => `same:${a}/${b}`;
export const castQuestionKey = (identityId: string, personId: string) => `cast:${identityId}/${personId}`;

const isLabeled = (i: Identity) => !!(i.labels.name || i.labels.person_id);

/** y merges into the identity with a lock, then a label, then more tracks (`a` has at least as many). */
export function mergeTarget(a: Identity, b: Identity): { target: string; source: string } {
  const rank = (i: Identity) => (i.locked ? 2 : 0) + (isLabeled(i) ? 1 : 0);
  return rank(b) > rank(a) ? { target: b.identity_id, source: a.identity_id } : { target: a.identity_id, source: b.identity_id };
}

/** Up to `n` faces of an identity from the track summaries: its cover, then a sample of each track in turn. */
export function identityFaces(ident: Identity, tracks: AppState['tracks'], n = QUESTION_FACES): string[] {
  return questionFaces(ident.canonical_face_path, ident.track_ids.map((t) => tracks[t]?.sample_crops ?? []), n);
}

let memo: { doc: unknown; data: unknown; cast: unknown; answered: unknown; out: Question[] } | null = null;

export const questionSelectors = {
  /** Every open question, same-person first (a merge can settle a cast question too). */
  questions(s: AppState): Question[] {
    const doc = s.doc, data = s.samePerson?.ep_id === s.epId ? s.samePerson : null, cast = s.castSuggestions?.ep_id === s.epId ? s.castSuggestions : null;
    if (memo && memo.doc === doc && memo.data === data && memo.cast === cast && memo.answered === s.answered) return memo.out;
    const live = new Map(doc?.identities.map((i) => [i.identity_id, i]));
    // Answers the service has not yet reflected in a fetched list (an n changes no identity).
    const waiting = new Set(s.answered.filter((a) => !data || data.revision <= a.revision).map((a) => a.key));
    const same: Question[] = (data?.pairs ?? [])
      .filter((p) => live.has(p.a) && live.has(p.b))
      .map((pair) => ({ kind: 'same' as const, key: pairQuestionKey(pair.a, pair.b), pair }));
    const castQs: Question[] = [...live.values()]
      .filter((i) => !isLabeled(i))
      .map((i) => ({ i, best: cast?.suggestions[i.identity_id]?.[0] }))
      .filter((x): x is { i: Identity; best: CastSuggestion } => !!x.best && x.best.score >= CAST_QUESTION_MIN_SCORE)
      .sort((x, y) => y.best.score - x.best.score)
      .map(({ i, best }) => ({ kind: 'cast' as const, key: castQuestionKey(i.identity_id, best.person_id), identityId: i.identity_id, suggestion: best }));
    const out = [...same, ...castQs].filter((q) => !waiting.has(q.key));
    memo = { doc, data, cast, answered: s.answered, out };
    return out;
  },
  /** The question on screen (the index wraps within the list), or null when none is open. */
  current(s: AppState): Question | null {
    const qs = questionSelectors.questions(s);
    return qs.length ? qs[Math.min(s.questionIndex, qs.length - 1)] : null;
  },
  /** 1-based place of the question on screen ("3 of 7"); 0 when none. */
  position(s: AppState): number {
    const of = questionSelectors.questions(s).length;
    return of ? Math.min(s.questionIndex, of - 1) + 1 : 0;
  },
  count(s: AppState): number {
    return questionSelectors.questions(s).length;
  },
};
