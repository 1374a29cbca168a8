// "Same person?" questions of a loaded episode (review:same-person): the pairs that
// shared/cluster/same-person.ts ranks, each side shown by a few of its faces. Built from the episode
// state cache (no I/O): the reviewer's cannot-links are the "no" answers, so an answered pair is gone
// as soon as the answer is saved, and back after its undo.
import { QUESTION_FACES, questionFaces, questionFloor, samePersonCandidates } from '../../shared/cluster/same-person';
import type { ResponseOf } from '../../shared/ipc';
import type { IdentitiesDoc, Identity, ReviewConstraints } from '../../shared/schema';
import { revisionOf, type EpisodeData } from '../store/review';
import { spread } from './review-views';

/** Questions asked at most per request (the most similar). */
export const QUESTION_LIMIT = 100;

/** A track's face crops in time order, without rejected faces — unless every one is: a dark or turned
 *  track the quality gate set aside entirely is still a track of the identity, and often the very one
 *  a question is about, so it is shown by the faces it has. */
function trackCrops(data: EpisodeData, trackId: string): string[] {
  const info = data.tracks.get(trackId);
  if (!info) return [];
  const accepted = info.faceRows.filter((f) => !f.rejected).map((f) => f.crop_path);
  return accepted.length ? accepted : info.crops;
}

/** Up to `n` faces of the identity: its cover, then faces of its tracks in turn, each track's spread over its time. */
export function identityFaces(ident: Identity, data: EpisodeData, n = QUESTION_FACES): string[] {
  return questionFaces(ident.canonical_face_path, ident.track_ids.map((t) => spread(trackCrops(data, t), n)), n);
}

type Questions = ResponseOf<'review:same-person'>;
/**
 * Answers per loaded document and limit: every edit replaces the document (and its constraints with
 * it), and ranking all pairs of a 2,000-identity episode takes seconds, so it is done once per revision.
 */
const answered = new WeakMap<IdentitiesDoc, Map<number, Questions>>();

/** The episode's questions as review:same-person answers them. */
export function samePersonQuestions(
  epId: string,
  st: { doc: IdentitiesDoc; constraints: ReviewConstraints; data: EpisodeData },
  limit = QUESTION_LIMIT,
): Questions {
  const byLimit = answered.get(st.doc) ?? new Map<number, Questions>();
  answered.set(st.doc, byLimit);
  let out = byLimit.get(limit);
  if (!out) byLimit.set(limit, (out = rankQuestions(epId, st, limit)));
  return out;
}

function rankQuestions(epId: string, st: { doc: IdentitiesDoc; constraints: ReviewConstraints; data: EpisodeData }, limit: number): Questions {
  const { doc, data } = st;
  const threshold = questionFloor(doc.metadata.cluster_thresh);
  const revision = revisionOf(doc);
  const emb = data.emb;
  if (!emb) return { ep_id: epId, revision, threshold, pairs: [] };
  const trackOrder: string[] = [];
  for (const [t, r] of emb.row) trackOrder[r] = t;
  const pairs = samePersonCandidates({
    identities: doc.identities,
    vectors: emb.data,
    dim: emb.dim,
    trackOrder,
    constraints: st.constraints,
    minSimilarity: threshold,
    limit,
  });
  const byId = new Map(doc.identities.map((i) => [i.identity_id, i]));
  return {
    ep_id: epId,
    revision,
    threshold,
    pairs: pairs.map((p) => ({ ...p, a_faces: identityFaces(byId.get(p.a)!, data), b_faces: identityFaces(byId.get(p.b)!, data) })),
  };
}
