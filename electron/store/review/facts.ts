// The facts of one episode that review commands and views read: tracks, per-track face facts (counts,
// crops, quality) and the pooled track embeddings, loaded once through the validating store.
import { stat } from 'node:fs/promises';
import type { CommandContext, TrackFacts } from '../../../shared/commands/schema';
import { embeddingStats } from '../../../shared/cluster/pooling';
import { embeddingsMetaSchema, trackSchema, type Track } from '../../../shared/schema';
import { episodeArtifacts } from '../artifacts';
import { readJson } from '../json';
import { readJsonlStream } from '../jsonl';
import { readNpy } from '../npy';
import type { Workspace } from '../workspace';

export interface FaceRow {
  face_id: string;
  crop_path: string;
  rejected: boolean;
  frame_idx: number;
  /** The frame's time, on the track's own frame → time line (its frame_span against start_s..end_s). */
  ts_s: number;
  /** Normalised [x1, y1, x2, y2] in the source frame. */
  bbox: [number, number, number, number];
}

/** Time of source frame `frame` inside `track`: linear between the track's first and last frame. */
export function frameTime(track: Pick<Track, 'start_s' | 'end_s' | 'frame_span'>, frame: number): number {
  const [f0, f1] = track.frame_span;
  if (f1 <= f0) return track.start_s;
  return track.start_s + ((frame - f0) / (f1 - f0)) * (track.end_s - track.start_s);
}

export interface TrackInfo {
  track: Track;
  faces: number;
  /** Crop refs in time order (faces' crop_path; legacy sample_thumbs when faces carry none). */
  crops: string[];
  /** faces.jsonl rows of the track in time order: what a reviewer splits at or rejects, and where the face is in its frame. */
  faceRows: FaceRow[];
  quality: number | null;
  /** The track's best face crop: accepted faces first, then the highest quality_score (TrackFacts.cover). */
  cover?: { crop: string; score: number };
}

export interface EpisodeData {
  epId: string;
  tracks: Map<string, TrackInfo>;
  /** Pooled, unit-norm track embeddings (row per track of `embRows`), when track_embeddings.npy exists. */
  emb: { dim: number; data: Float32Array; row: Map<string, number> } | null;
  /** mtimes of the files read, to notice a pipeline re-run. */
  stamp: string;
}

async function mtime(path: string): Promise<string> {
  return stat(path).then(
    (s) => `${s.mtimeMs}:${s.size}`,
    () => '-',
  );
}

export async function episodeStamp(ws: Workspace, epId: string): Promise<string> {
  const p = ws.paths(epId);
  const parts = await Promise.all([p.tracks, p.faces, p.trackEmbeddingsNpy].map((f) => mtime(ws.abs(f))));
  return parts.join('|');
}

const exists = (path: string) => stat(path).then(() => true, () => false);

export async function loadEpisodeData(ws: Workspace, epId: string): Promise<EpisodeData> {
  const p = ws.paths(epId);
  const stamp = await episodeStamp(ws, epId);
  const tracks = new Map<string, TrackInfo>();
  const tracksPath = ws.abs(p.tracks);
  if (await exists(tracksPath)) {
    for await (const t of readJsonlStream(tracksPath, trackSchema)) tracks.set(t.track_id, { track: t, faces: 0, crops: [], faceRows: [], quality: null });
  }
  const facesPath = ws.abs(p.faces);
  if (await exists(facesPath)) {
    const perTrack = new Map<string, { frame: number; crop: string; q: number; id: string; rejected: boolean; bbox: FaceRow['bbox'] }[]>();
    for await (const f of episodeArtifacts(ws, epId).faceFacts()) {
      let list = perTrack.get(f.track_id);
      if (!list) perTrack.set(f.track_id, (list = []));
      list.push({ frame: f.frame_idx, crop: f.crop_path, q: f.quality_score, id: f.face_id, rejected: !!f.rejection_reason, bbox: f.bbox });
    }
    for (const [trackId, list] of perTrack) {
      const info = tracks.get(trackId);
      if (!info) continue;
      list.sort((a, b) => a.frame - b.frame);
      info.faces = list.length;
      info.crops = list.map((x) => x.crop).filter((c) => c !== '');
      info.faceRows = list.map((x) => ({
        face_id: x.id, crop_path: x.crop, rejected: x.rejected, frame_idx: x.frame, ts_s: frameTime(info.track, x.frame), bbox: x.bbox,
      }));
      info.quality = list.reduce((s, x) => s + x.q, 0) / list.length;
      for (const x of list) {
        // Accepted faces rank above rejected ones whatever their quality.
        const score = x.q + (x.rejected ? 0 : 1);
        if (x.crop && (!info.cover || score > info.cover.score)) info.cover = { crop: x.crop, score };
      }
    }
  }
  for (const info of tracks.values()) if (info.crops.length === 0) info.crops = info.track.sample_thumbs.slice();

  let emb: EpisodeData['emb'] = null;
  const npyPath = ws.abs(p.trackEmbeddingsNpy);
  const metaPath = ws.abs(p.embeddingsMeta);
  if ((await exists(npyPath)) && (await exists(metaPath))) {
    const meta = await readJson(metaPath, embeddingsMetaSchema);
    const arr = await readNpy(npyPath, { requireFinite: true });
    if (arr.shape.length !== 2 || arr.shape[0] !== meta.track_order.length || arr.shape[1] !== meta.embedding_dim) {
      throw new Error(
        `${npyPath}: shape (${arr.shape.join(', ')}) does not match embeddings_meta.json (${meta.track_order.length} tracks × ${meta.embedding_dim})`,
      );
    }
    emb = { dim: meta.embedding_dim, data: arr.data, row: new Map(meta.track_order.map((t, i) => [t, i])) };
  }
  return { epId, tracks, emb, stamp };
}

/** Facts the pure commands use: face counts, frame spans (overlap check), a thumb for new identities, stats. */
export function commandContext(data: EpisodeData): CommandContext {
  const tracks: Record<string, TrackFacts> = {};
  for (const [id, info] of data.tracks) {
    tracks[id] = { faces: info.faces, frame_span: [info.track.frame_span[0], info.track.frame_span[1]], thumb: info.crops[0], crops: info.crops, cover: info.cover };
  }
  const emb = data.emb;
  return {
    tracks,
    statsFor: emb
      ? (trackIds) => {
          const rows = trackIds.map((t) => emb.row.get(t)).filter((r): r is number => r !== undefined);
          if (!rows.length) return null;
          const s = embeddingStats(emb.data, emb.dim, rows);
          return { centroid_norm: s.centroidNorm, variance: s.variance };
        }
      : undefined,
  };
}
