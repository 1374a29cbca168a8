// Re-pools and re-clusters a harvested episode in memory with the pipeline's own pooling
// (shared/cluster/pooling.ts) and identity planning (shared/cluster/plan.ts), under another quality gate,
// threshold or linkage, and scores the identities against the track labels eval:real found
// (metrics.ts). The harvest is not re-run: the faces, their quality and embeddings stay as they are.
import type { Face, Track } from '../../shared/schema';
import type { Linkage } from '../../shared/cluster/agglomerative';
import { planIdentities } from '../../shared/cluster/plan';
import { poolTracks } from '../../shared/cluster/pooling';
import { episodeArtifacts } from '../../electron/store/artifacts';
import type { Workspace } from '../../electron/store/workspace';
import { readSetupLinks } from '../../electron/pipeline/shot-thumbs';
import { scoreRun, type RealScores } from './metrics';

export interface ScoredEpisode {
  epId: string;
  faces: Face[];
  /** faces.npy, row i ↔ faces[i]. */
  rows: Float32Array;
  dim: number;
  tracks: Track[];
  /** Track id → labeled person (eval:real's track labels). */
  labels: Record<string, string>;
  /** The episode's same-setup links (as the cluster stage reads them). */
  setupLinks: [string, string][];
}

export async function loadScoredEpisode(ws: Workspace, epId: string, labels: Record<string, string>): Promise<ScoredEpisode> {
  const art = episodeArtifacts(ws, epId);
  const [faces, npy, tracks] = await Promise.all([art.readFaces(), art.readFacesNpy(), art.readTracks()]);
  const setupLinks = await readSetupLinks({ workspace: ws, epId }, tracks, faces);
  return { epId, faces, rows: npy.data, dim: npy.shape[1], tracks, labels, setupLinks };
}

/**
 * The faces as the harvest would have marked them under another quality gate: the low-quality
 * rejection follows `gate`; pose and other rejections stay (the pose rule does not depend on the gate).
 */
export function regate(faces: readonly Face[], gate: number): Face[] {
  return faces.map((f) => {
    const { rejection_reason: reason, ...rest } = f;
    if (reason && reason !== 'low_quality') return f;
    return f.quality_score < gate ? { ...rest, rejection_reason: 'low_quality' } : rest;
  });
}

export interface ReclusterOptions {
  thresh: number;
  linkage?: Linkage;
  /** Faces as pooled (default: the episode's, e.g. regate()d). */
  faces?: readonly Face[];
  /** Face embeddings as pooled (default: faces.npy). */
  rows?: Float32Array;
  /** false: without the same-setup links. */
  setupLinks?: false;
}

/** Track id → identity id, as the pool and cluster stages would make them (no reviewer work). */
export function recluster(ep: ScoredEpisode, opts: ReclusterOptions): Map<string, string> {
  const faces = opts.faces ?? ep.faces;
  const pooled = poolTracks(faces, opts.rows ?? ep.rows, ep.dim, ep.tracks.map((t) => t.track_id));
  const facesPerTrack = new Map<string, number>();
  for (const f of faces) facesPerTrack.set(f.track_id, (facesPerTrack.get(f.track_id) ?? 0) + 1);
  const plan = planIdentities({
    epId: ep.epId,
    tracks: ep.tracks,
    vectors: pooled.vectors,
    vectorTrackOrder: pooled.trackOrder,
    dim: ep.dim,
    facesPerTrack,
    clusterThresh: opts.thresh,
    minClusterSize: 1,
    linkage: opts.linkage ?? 'average',
    setupLinks: opts.setupLinks === false ? [] : ep.setupLinks,
    now: new Date(0).toISOString(),
  });
  const out = new Map<string, string>();
  for (const ident of plan.doc.identities) for (const t of ident.track_ids) out.set(t, ident.identity_id);
  return out;
}

/** eval:real's identity scores of a track → identity assignment (one item per labeled track). */
export function scoreIdentities(ep: ScoredEpisode, identityOf: ReadonlyMap<string, string>): RealScores {
  const faceCount = new Map<string, number>();
  for (const f of ep.faces) faceCount.set(f.track_id, (faceCount.get(f.track_id) ?? 0) + 1);
  // One box per labeled track carrying its label: the track labels are eval:real's already.
  const boxes = Object.entries(ep.labels).map(([track, person]) => ({ track, person }));
  return scoreRun(boxes, ep.tracks.map((t) => ({ track: t.track_id, identity: identityOf.get(t.track_id) ?? null, faces: faceCount.get(t.track_id) ?? 0 })));
}

/** Identities holding tracks of both people. */
export function identitiesJoining(ep: ScoredEpisode, identityOf: ReadonlyMap<string, string>, a: string, b: string): string[] {
  const people = new Map<string, Set<string>>();
  for (const [t, id] of identityOf) {
    const p = ep.labels[t];
    if (p) people.set(id, (people.get(id) ?? new Set()).add(p));
  }
  return [...people].filter(([, ps]) => ps.has(a) && ps.has(b)).map(([id]) => id).sort();
}
