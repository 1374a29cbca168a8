// Which faces of an episode teach the show's cast library: only those of identities a reviewer
// locked (a lock is the reviewer's "this is final"), and of those only the faces consistent with the
// identity (shared/cast.ts consistentReferences), so a track that drifted onto another person or a
// face rejected by a reviewer never becomes a reference.
import { consistentReferences, type ReferenceFace } from '../../shared/cast';
import type { IdentitiesDoc, Identity } from '../../shared/schema/identities';
import type { CastReference } from '../../shared/schema/cast';
import { episodeArtifacts } from '../store/artifacts';
import type { Workspace } from '../store/workspace';
import { fileStamp } from './review-views';

export interface ConfirmedReference {
  label: { person_id: string; name: string };
  ref: Omit<CastReference, 'added_at'>;
  embedding: Float32Array;
}

type FaceRow = ReferenceFace & { crop: string };

/** Parsed faces per episode, kept while faces.jsonl is the same file (sync runs after every edit). */
const faceCache = new Map<string, { stamp: string; byTrack: Map<string, FaceRow[]> }>();

/** Usable faces of the episode by track (faces.jsonl; rows a pipeline or a reviewer rejected left out). */
async function facesByTrack(ws: Workspace, epId: string): Promise<Map<string, FaceRow[]> | null> {
  const file = ws.abs(ws.paths(epId).faces);
  const stamp = await fileStamp(file);
  const key = `${ws.root}|${epId}`;
  const hit = faceCache.get(key);
  if (hit && hit.stamp === stamp && stamp !== '-') return hit.byTrack;
  const faces = await episodeArtifacts(ws, epId).readFaces().catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!faces) return null;
  const out = new Map<string, FaceRow[]>();
  for (const f of faces) {
    if (f.rejection_reason) continue;
    const list = out.get(f.track_id) ?? [];
    list.push({ track_id: f.track_id, embedding: f.embedding, crop: f.crop_path });
    out.set(f.track_id, list);
  }
  faceCache.set(key, { stamp, byTrack: out });
  return out;
}

/**
 * References of one episode: per locked, labeled identity, one per track with consistent faces.
 * Without faces.jsonl (an episode embedded before faces were kept) each pooled track stands for one
 * face, so whole outlier tracks are still left out.
 */
export async function confirmedReferences(
  ws: Workspace,
  epId: string,
  doc: IdentitiesDoc,
  labelOf: (i: Identity) => { person_id: string; name: string } | null,
  trackEmbedding: (trackId: string) => ArrayLike<number> | undefined,
  removed: ReadonlySet<string>,
): Promise<ConfirmedReference[]> {
  const confirmed = doc.identities.filter((i) => i.locked && labelOf(i));
  if (confirmed.length === 0) return [];
  const byTrack = await facesByTrack(ws, epId);
  const out: ConfirmedReference[] = [];
  for (const ident of confirmed) {
    const label = labelOf(ident)!;
    const faces: FaceRow[] = ident.track_ids.flatMap((t) => {
      if (removed.has(removedKey(label.person_id, epId, t))) return [];
      if (byTrack) return byTrack.get(t) ?? [];
      const e = trackEmbedding(t);
      return e ? [{ track_id: t, embedding: e, crop: '' }] : [];
    });
    const refs = new Map(consistentReferences(faces).map((r) => [r.track_id, r]));
    for (const t of ident.track_ids) {
      const r = refs.get(t);
      if (!r) continue;
      const crop = faces[r.best].crop;
      out.push({
        label,
        ref: { person_id: label.person_id, ep_id: epId, identity_id: ident.identity_id, track_id: t, faces: r.faces, ...(crop ? { face_crop: crop } : {}) },
        embedding: r.embedding,
      });
    }
  }
  return out;
}

/** Key of a removed reference (cast.json removed_references). */
export const removedKey = (personId: string, epId: string, trackId: string) => `${personId}|${epId}|${trackId}`;
