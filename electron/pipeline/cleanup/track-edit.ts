// A reviewer's track edit (shared/commands/schema.ts splitTrack / rejectFace) applied to the episode on
// disk: the same write-back as a cleanup (write-back.ts: backup, validating writers, validation,
// rollback), and one step of the review undo stack whose inverse is that backup (store/review/cleanup-steps.ts).
//   splitTrack: split-tracks.ts with the reviewer's cut; both parts get new ids (crops move with them),
//     the second part leaves for an identity of its own (shared removeTrack), identities.json starts
//     a new base (its journal named the old track ids), and the constraints follow: every fact of the
//     old track holds for both parts, plus "the parts are two people".
//   rejectFace: rejection_reason "reviewer"; the track is pooled again (track_embeddings.npy), the
//     identity's embedding stats follow.
import { applyCommand } from '../../../shared/commands/apply';
import { backupStepLabel } from '../../../shared/commands/history';
import { REVIEWER_REJECTION, type Refusal, type TrackEdit } from '../../../shared/commands/schema';
import { embeddingStats } from '../../../shared/cluster/pooling';
import { recordEdit, translateConstraints } from '../../../shared/cluster/reviewer-constraints';
import { identityThumbRef } from '../../../shared/layout';
import type { Face, IdentitiesDoc, ReviewConstraints } from '../../../shared/schema';
import { defaultPipelineSettings } from '../../../shared/schema/settings';
import { episodeArtifacts } from '../../store/artifacts';
import type { Workspace } from '../../store/workspace';
import type { StageContext } from '../context';
import { readEpisodeFaces, readTracks } from '../pool';
import { applySplitsToIdentities, pool } from './recluster';
import { splitTracks } from './split-tracks';
import { dropRedoMarkers, pushBackupStep } from '../../store/review';
import { commitEpisodeEdit } from './write-back';

export class TrackEditRefusal extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.message);
  }
}
const refuse = (code: Refusal['code'], message: string, extra: Partial<Refusal> = {}): never => {
  throw new TrackEditRefusal({ ok: false, code, message, ...extra });
};

export interface TrackEditInput {
  workspace: Workspace;
  epId: string;
  edit: TrackEdit;
  /** identities.json as the review service holds it (journal settled) and its constraints. */
  doc: IdentitiesDoc;
  constraints: ReviewConstraints;
  now: string;
}

export interface TrackEditResult {
  label: string;
  /** Workspace-relative backup folder (the step's inverse). */
  backup: string;
  /** For splitTrack: the two new track ids, in time order. */
  into: string[];
}

/** Identity stats of `trackIds` from pooled vectors and faces (as the cluster stage computes them). */
function restat(doc: IdentitiesDoc, ids: ReadonlySet<string>, pooled: ReturnType<typeof pool>, dim: number, faces: readonly Face[]): IdentitiesDoc {
  const row = new Map(pooled.trackOrder.map((t, i) => [t, i]));
  const count = new Map<string, number>();
  for (const f of faces) count.set(f.track_id, (count.get(f.track_id) ?? 0) + 1);
  const identities = doc.identities.map((i) => {
    if (!ids.has(i.identity_id)) return i;
    const s = embeddingStats(pooled.vectors, dim, i.track_ids.flatMap((t) => (row.has(t) ? [row.get(t)!] : [])));
    const n = i.track_ids.reduce((a, t) => a + (count.get(t) ?? 0), 0);
    return { ...i, embedding_stats: { centroid_norm: s.centroidNorm, variance: s.variance, num_tracks: i.track_ids.length, num_faces_total: n } };
  });
  return { ...doc, identities };
}

export async function applyTrackEdit(input: TrackEditInput): Promise<TrackEditResult> {
  const { workspace: ws, epId, edit, doc } = input;
  const ctx: StageContext = { workspace: ws, epId, paths: ws.paths(epId), settings: defaultPipelineSettings(), progress: () => {}, signal: new AbortController().signal, log: () => {} };
  const tracks0 = await readTracks(ctx);
  const { faces: faces0, rows, dim } = await readEpisodeFaces(ctx);
  const art = episodeArtifacts(ws, epId);
  const modelId = (await art.exists('embeddingsMeta')) ? (await art.readEmbeddingsMeta()).model_id : 'unknown';
  const face = faces0.find((f) => f.face_id === edit.face_id) ?? refuse('not_found', `${edit.face_id} is not in faces.jsonl`);
  const trackId = edit.op === 'splitTrack' ? edit.track_id : face.track_id;
  if (face.track_id !== trackId) refuse('invalid', `${edit.face_id} belongs to ${face.track_id}, not ${trackId}`);
  const owner = doc.identities.find((i) => i.track_ids.includes(trackId));
  if (owner?.locked && !edit.force) refuse('locked', `${owner.identity_id} is locked; confirm to change its track ${trackId}`, { locked_ids: [owner.identity_id] });

  if (edit.op === 'rejectFace') {
    if (face.rejection_reason) refuse('invalid', `${face.face_id} is already rejected (${face.rejection_reason})`);
    const faces = faces0.map((f) => (f === face ? { ...f, rejection_reason: REVIEWER_REJECTION } : f));
    const pooled = pool(tracks0, faces, rows, dim);
    const identities = owner ? restat(doc, new Set([owner.identity_id]), pooled, dim, faces) : doc;
    const actions = ['reject_face', face.face_id];
    const b = await commitEpisodeEdit(ctx, {
      what: `rejection of ${face.face_id}`, actions, faces0, tracks: tracks0, faces, rows, dim, modelId, splits: [], facesChanged: true, pooled,
      previous: doc, identities: owner ? identities : null, needThumbs: owner?.canonical_face_path ? new Map([[owner.identity_id, owner.track_ids]]) : null, constraints: null,
      beforeSeal: (dir) => seal(ws, epId, dir, actions),
    });
    return { label: backupStepLabel(actions), backup: b.dir, into: [] };
  }

  let split;
  try {
    split = splitTracks(tracks0, faces0, rows, dim, { splitCosine: 0, protectedTracks: new Set(), forced: new Map([[trackId, face.frame_idx]]) });
  } catch (err) {
    return refuse('invalid', (err as Error).message);
  }
  const [first, second] = split.splits[0].into;
  const into = new Map([[trackId, [first, second]]]);
  const pooled = pool(split.tracks, split.faces, rows, dim);
  let identities = doc;
  let constraints = translateConstraints(input.constraints, (t) => into.get(t));
  let needThumbs = null as Map<string, string[]> | null;
  if (owner) {
    // A new revision too (the review app waits for the revision to move after an edit).
    const split0 = applySplitsToIdentities(doc, into, input.now);
    const inPlace = { ...split0, metadata: { ...split0.metadata, revision: (doc.metadata.revision ?? 0) + 1 } };
    const r = applyCommand(inPlace, { op: 'removeTrack', track_id: second, force: true }, input.now, { constraints });
    if (!r.ok) return refuse(r.code, r.message);
    const created = r.doc.identities.find((i) => i.track_ids.length === 1 && i.track_ids[0] === second)!;
    const touched = new Set([owner.identity_id, created.identity_id]);
    identities = restat({ ...r.doc, identities: r.doc.identities.map((i) => (touched.has(i.identity_id) ? { ...i, canonical_face_path: identityThumbRef(i.identity_id) } : i)) }, touched, pooled, dim, split.faces);
    // The reviewer moved the second part out on its own: separated, not excluded (it may be clustered with its person).
    constraints = recordEdit(constraints, inPlace, r.doc, { pairs: [[[first], [second]]] });
    needThumbs = new Map(identities.identities.filter((i) => touched.has(i.identity_id)).map((i) => [i.identity_id, i.track_ids]));
  }
  const actions = ['split_track', trackId, face.face_id];
  const b = await commitEpisodeEdit(ctx, {
    what: `split of ${trackId}`, actions, faces0, tracks: split.tracks, faces: split.faces, rows, dim, modelId, splits: split.splits, facesChanged: true, pooled,
    previous: doc, identities: owner ? identities : null, needThumbs, constraints,
    beforeSeal: (dir) => seal(ws, epId, dir, actions),
  });
  return { label: backupStepLabel(actions), backup: b.dir, into: [first, second] };
}

/** The edit becomes the top of the review undo stack; earlier undone cleanups / edits can no longer be redone. */
async function seal(ws: Workspace, epId: string, dir: string, actions: string[]): Promise<void> {
  await dropRedoMarkers(ws, epId);
  await pushBackupStep(ws, epId, dir, actions);
}
