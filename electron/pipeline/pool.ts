// Stage "pool": one embedding per track → data/embeds/{ep}/track_embeddings.npy, with its row order
// and pooling rule in embeddings_meta.json (through electron/store/artifacts, which validates both).
// Rule (shared/cluster/pooling.ts POOLING_RULE): quality-weighted mean of accepted faces, re-normalised;
// a track with only rejected faces uses its best rejected face; a track with no face row is left out
// (clustering makes it a singleton).
import type { EmbeddingsMeta, Face, Track } from '../../shared/schema';
import { POOLING_RULE, poolTracks } from '../../shared/cluster/pooling';
import { episodeArtifacts, type EpisodeArtifacts } from '../store/artifacts';
import { readNpy } from '../store/npy';
import { checkAborted, type StageContext, type SettingKey } from './context';

export interface EpisodeFaces {
  faces: Face[];
  rows: Float32Array;
  dim: number;
}

export function artifactsOf(ctx: Pick<StageContext, 'workspace' | 'epId'>): EpisodeArtifacts {
  return episodeArtifacts(ctx.workspace, ctx.epId);
}

/** faces.jsonl + faces.npy, each validated, and checked against each other (row i ↔ line i+1). */
export async function readEpisodeFaces(ctx: Pick<StageContext, 'workspace' | 'epId'>): Promise<EpisodeFaces> {
  const art = artifactsOf(ctx);
  const [faces, npy] = await Promise.all([art.readFaces(), art.readFacesNpy()]);
  if (faces.length !== npy.shape[0]) {
    throw new Error(`${art.path('facesNpy')}: ${npy.shape[0]} rows but ${art.path('faces')} has ${faces.length} lines`);
  }
  return { faces, rows: npy.data, dim: npy.shape[1] };
}

export function readTracks(ctx: Pick<StageContext, 'workspace' | 'epId'>): Promise<Track[]> {
  return artifactsOf(ctx).readTracks();
}

/**
 * Makes embeddings_meta.json describe the faces.npy on disk. The store's writeFaces writes it with the
 * faces; a harvest that wrote faces.npy/faces.jsonl directly leaves it missing or stale, so it is
 * (re)made from the .npy header here: model id from the loaded pack, else the one recorded, else "unknown".
 */
async function syncEmbeddingsMeta(ctx: StageContext, art: EpisodeArtifacts): Promise<void> {
  const npy = await readNpy(art.path('facesNpy'), { requireFinite: true });
  if (npy.shape.length !== 2) throw new Error(`${art.path('facesNpy')}: expected 2 dimensions (faces × dim), got (${npy.shape.join(', ')})`);
  const [rows, dim] = npy.shape;
  const old = (await art.exists('embeddingsMeta')) ? await art.readEmbeddingsMeta().catch(() => null) : null;
  const modelId = ctx.pack?.embedder.modelId ?? old?.model_id ?? 'unknown';
  if (old && old.faces_rows === rows && old.embedding_dim === dim && old.model_id === modelId) return;
  if (modelId === 'unknown') ctx.log('warn', 'pool: no model pack loaded and no embeddings_meta.json; model_id recorded as "unknown"');
  await art.writeEmbeddingsMeta({ ep_id: ctx.epId, model_id: modelId, embedding_dim: dim, faces_rows: rows, track_order: [], pooling: 'none', created_at: new Date().toISOString() });
}

/** The pool stage reads no setting: its output depends on its inputs only. */
export const reads = [] as const satisfies readonly SettingKey[];

export async function poolEpisode(ctx: StageContext): Promise<void> {
  checkAborted(ctx.signal);
  await syncEmbeddingsMeta(ctx, artifactsOf(ctx));
  const tracks = await readTracks(ctx);
  ctx.progress({ stage: 'pool', done: 0, total: tracks.length });
  const { faces, rows, dim } = await readEpisodeFaces(ctx);
  checkAborted(ctx.signal);
  const pooled = poolTracks(faces, rows, dim, tracks.map((t) => t.track_id));
  await artifactsOf(ctx).writeTrackEmbeddings(pooled.trackOrder, pooled.vectors, POOLING_RULE);
  const list = (ids: string[]) => `${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}`;
  if (pooled.fallbackTracks.length) {
    ctx.log('info', `pool: ${pooled.fallbackTracks.length} track(s) have no accepted face and use their best rejected face: ${list(pooled.fallbackTracks)}`);
  }
  if (pooled.missingTracks.length) {
    ctx.log('warn', `pool: ${pooled.missingTracks.length} track(s) have no face row and will be singletons: ${list(pooled.missingTracks)}`);
  }
  ctx.progress({ stage: 'pool', done: tracks.length, total: tracks.length });
}

/**
 * Pooled track embeddings as on disk, pooling first when they are missing or do not match the current
 * faces/tracks (never pooled, pooling rule changed, a pooled track gone, a track with faces not pooled).
 */
export async function loadOrPool(ctx: StageContext): Promise<{ meta: EmbeddingsMeta; vectors: Float32Array }> {
  const art = artifactsOf(ctx);
  const stale = async () => {
    if (!(await art.exists('trackEmbeddingsNpy')) || !(await art.exists('embeddingsMeta'))) return true;
    const meta = await art.readEmbeddingsMeta().catch(() => null);
    if (!meta || meta.pooling !== POOLING_RULE) return true;
    const [tracks, faces] = await Promise.all([art.readTracks(), art.readFaces()]);
    const ids = new Set(tracks.map((t) => t.track_id));
    const withFaces = new Set(faces.map((f) => f.track_id));
    const pooled = new Set(meta.track_order);
    return (
      meta.faces_rows !== faces.length ||
      meta.track_order.some((t) => !ids.has(t)) ||
      tracks.some((t) => withFaces.has(t.track_id) && !pooled.has(t.track_id))
    );
  };
  // Any doubt (unreadable meta, changed dim) → pool again; poolEpisode reports real problems itself.
  if (await stale().catch(() => true)) await poolEpisode(ctx);
  const { meta, matrix } = await art.readTrackEmbeddings();
  return { meta, vectors: matrix.data };
}
