// What the review read channels return, built from a loaded episode (no I/O), plus the mapping of
// errors onto the IPC error contract.
import { stat } from 'node:fs/promises';
import type { Refusal } from '../../shared/commands/schema';
import { embeddingStats } from '../../shared/cluster/pooling';
import { dot } from '../../shared/vec';
import { unionLength } from '../../shared/geometry';
import { IpcFailure, type IpcError, type ResponseOf, type TrackSummary } from '../../shared/ipc';
import type { EpisodeId } from '../../shared/episode';
import { identitiesDocSchema, type IdentitiesDoc } from '../../shared/schema';
import { readJson } from '../store/json';
import type { Workspace } from '../store/workspace';
import { StoreError, withoutRoot } from '../store/errors';
import { PathEscapeError } from '../store/workspace';
import { revisionOf, type EpisodeData, type TrackInfo } from '../store/review';

export const fail = (code: IpcError['code'], message: string, extra: Partial<IpcError> = {}): never => {
  throw new IpcFailure({ code, message, ...extra });
};

export function refusalToFailure(r: Refusal): never {
  const code = r.code === 'locked' || r.code === 'not_found' || r.code === 'conflict' ? r.code : 'invalid_request';
  return fail(code, r.message, {
    reason: r.code,
    ...(r.overlaps ? { overlaps: r.overlaps } : {}),
    ...(r.locked_ids ? { locked_ids: r.locked_ids } : {}),
  });
}

/** Rethrows any error as the IpcFailure the contract promises (paths relative to the workspace `root`). */
export function toIpcFailure(err: unknown, root: string): never {
  if (err instanceof IpcFailure) throw err;
  const message = withoutRoot(root, (err as Error)?.message ?? String(err));
  if (err instanceof PathEscapeError) fail('invalid_request', message);
  if (err instanceof StoreError) fail('internal', message);
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') fail('not_found', message);
  return fail('internal', message);
}

// The inode is part of the stamp: every atomic rewrite is a new file, even within one mtime tick.
export const fileStamp = (p: string) => stat(p).then((s) => `${s.ino}:${s.mtimeMs}:${s.size}`, () => '-');

/** What a cached episode state was read from: identities.json and the journal appended before it. */
export const reviewStamp = async (files: { identities: string; journal: string }) => `${await fileStamp(files.identities)}|${await fileStamp(files.journal)}`;

export function episodeSummary(ep: { epId: string; show: string; season: number; episode: number }, doc: IdentitiesDoc | null) {
  const ids = doc?.identities ?? [];
  return {
    ep_id: ep.epId,
    show: ep.show,
    season: ep.season,
    episode: ep.episode,
    has_identities: !!doc,
    num_identities: ids.length,
    num_tracks: doc?.metadata.num_tracks ?? 0,
    num_labeled: ids.filter((i) => !!i.labels.name).length,
    num_locked: ids.filter((i) => i.locked).length,
    updated_at: ids.reduce<string | null>((m, i) => (m === null || i.updated_at > m ? i.updated_at : m), null),
  };
}

/**
 * An episode's row in episodes:list, from the loaded document or identities.json. A broken episode
 * (unreadable identities.json, a symlink out of the workspace) is listed with its error: one bad
 * episode must not hide the others.
 */
export async function episodeListing(ws: Workspace, ep: EpisodeId, loaded: IdentitiesDoc | undefined) {
  try {
    const doc = loaded ?? (await readJson(ws.abs(ws.paths(ep).identities), identitiesDocSchema).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    }));
    return episodeSummary(ep, doc);
  } catch (err) {
    return { ...episodeSummary(ep, null), error: withoutRoot(ws.root, (err as Error).message) };
  }
}

/** Track summaries and per-identity on-screen seconds added to the review state by `episode:open`. */
export function episodeTracks(doc: IdentitiesDoc, data: EpisodeData): Pick<ResponseOf<'episode:open'>, 'tracks' | 'identity_seconds'> {
  const owner = new Map<string, string>();
  for (const i of doc.identities) for (const t of i.track_ids) owner.set(t, i.identity_id);
  const tracks = [...data.tracks.values()].map((info) => trackSummary(info, owner.get(info.track.track_id) ?? null));
  const identity_seconds: Record<string, number> = {};
  for (const i of doc.identities) {
    const spans = i.track_ids.map((t) => data.tracks.get(t)?.track).filter((t) => !!t).map((t) => [t.start_s, t.end_s] as [number, number]);
    identity_seconds[i.identity_id] = onScreenSeconds(spans);
  }
  return { tracks, identity_seconds };
}

export function identityDetail(epId: string, doc: IdentitiesDoc, data: EpisodeData, identityId: string): ResponseOf<'identity:detail'> {
  const identity = doc.identities.find((i) => i.identity_id === identityId);
  if (!identity) return fail('not_found', `identity ${identityId} not found in ${epId}`);
  const centroids = identityCentroids(doc, data);
  const own = centroids.get(identity.identity_id);
  const tracks = identity.track_ids
    .map((t) => data.tracks.get(t))
    .filter((info) => !!info)
    .sort((a, b) => a.track.start_s - b.track.start_s || a.track.track_id.localeCompare(b.track.track_id))
    .map((info) => {
      const v = trackVector(data, info.track.track_id);
      return {
        ...trackSummary(info, identity.identity_id),
        crops: info.crops,
        face_rows: info.faceRows,
        quality: info.quality,
        similarity: v && own ? dot(v, own) : null,
      };
    });
  const suggestions = own
    ? doc.identities
        .filter((o) => o.identity_id !== identity.identity_id && centroids.has(o.identity_id))
        .map((o) => ({
          identity_id: o.identity_id,
          similarity: dot(own, centroids.get(o.identity_id)!),
          name: o.labels.name ?? null,
          num_tracks: o.track_ids.length,
          locked: o.locked,
          canonical_face_path: o.canonical_face_path,
        }))
        .sort((a, b) => b.similarity - a.similarity)
        .slice(0, 8)
    : [];
  return { ep_id: epId, revision: revisionOf(doc), identity, tracks, suggestions };
}

/** Up to `n` items spread evenly over the list (first and last included). */
export function spread<T>(list: T[], n: number): T[] {
  if (list.length <= n) return list.slice();
  return Array.from({ length: n }, (_, i) => list[Math.round((i * (list.length - 1)) / (n - 1))]);
}

export function trackSummary(info: TrackInfo, identityId: string | null): TrackSummary {
  const t = info.track;
  return {
    track_id: t.track_id,
    identity_id: identityId,
    start_s: t.start_s,
    end_s: t.end_s,
    frame_span: [t.frame_span[0], t.frame_span[1]],
    faces: info.faces,
    sample_crops: spread(info.crops, 3),
    avg_conf: t.stats.avg_conf,
  };
}

/** Seconds on screen: length of the union of the tracks' [start_s, end_s] intervals. */
export const onScreenSeconds = unionLength;

/** Unit centroid of each identity's track embeddings (identities without embedded tracks are absent). */
export function identityCentroids(doc: IdentitiesDoc, data: EpisodeData): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  const emb = data.emb;
  if (!emb) return out;
  for (const ident of doc.identities) {
    const rows = ident.track_ids.map((t) => emb.row.get(t)).filter((r): r is number => r !== undefined);
    if (rows.length) out.set(ident.identity_id, embeddingStats(emb.data, emb.dim, rows).centroid);
  }
  return out;
}

export function trackVector(data: EpisodeData, trackId: string): Float32Array | null {
  const emb = data.emb;
  const r = emb?.row.get(trackId);
  if (!emb || r === undefined) return null;
  return emb.data.subarray(r * emb.dim, (r + 1) * emb.dim);
}
