// Stage "pool": one embedding per track → data/embeds/{ep}/track_embeddings.npy, with its row order
// (and model id, dim, pooling rule) in embeddings_meta.json. Rule: shared/cluster/pooling.ts POOLING_RULE
// — quality-weighted mean of accepted faces, re-normalised; a track with only rejected faces uses its
// best rejected face; a track with no face row is left out (clustering makes it a singleton).
import { existsSync } from 'node:fs';
import { faceSchema, embeddingsMetaSchema, trackSchema, type EmbeddingsMeta, type Face, type Track } from '../../shared/schema';
import { POOLING_RULE, poolTracks, type PooledTracks } from '../../shared/cluster/pooling';
import { readJson, writeJson } from '../store/json';
import { readJsonl } from '../store/jsonl';
import { readNpy, writeNpy } from '../store/npy';
import { StoreError } from '../store/errors';
import { checkAborted, type StageContext } from './context';

export interface EpisodeFaces {
  faces: Face[];
  rows: Float32Array;
  dim: number;
}

/** faces.npy + faces.jsonl, checked against each other (row i ↔ line i+1). */
export async function readEpisodeFaces(ctx: Pick<StageContext, 'workspace' | 'paths'>): Promise<EpisodeFaces> {
  const npyPath = ctx.workspace.abs(ctx.paths.facesNpy);
  const jsonlPath = ctx.workspace.abs(ctx.paths.faces);
  const npy = await readNpy(npyPath, { requireFinite: true });
  if (npy.shape.length !== 2) {
    throw new StoreError({ file: npyPath, field: 'shape', message: `expected 2 dimensions (faces × dim), got (${npy.shape.join(', ')})` });
  }
  const [rows, dim] = npy.shape;
  const faces = await readJsonl(jsonlPath, faceSchema(dim));
  if (faces.length !== rows) {
    throw new StoreError({ file: npyPath, field: 'shape', message: `${rows} rows but ${jsonlPath} has ${faces.length} lines` });
  }
  return { faces, rows: npy.data, dim };
}

export async function readTracks(ctx: Pick<StageContext, 'workspace' | 'paths'>): Promise<Track[]> {
  return readJsonl(ctx.workspace.abs(ctx.paths.tracks), trackSchema);
}

export async function readEmbeddingsMeta(ctx: Pick<StageContext, 'workspace' | 'paths'>): Promise<EmbeddingsMeta | null> {
  const p = ctx.workspace.abs(ctx.paths.embeddingsMeta);
  return existsSync(p) ? readJson(p, embeddingsMetaSchema) : null;
}

export async function poolEpisode(ctx: StageContext): Promise<void> {
  checkAborted(ctx.signal);
  const tracks = await readTracks(ctx);
  ctx.progress({ stage: 'pool', done: 0, total: tracks.length });
  const { faces, rows, dim } = await readEpisodeFaces(ctx);
  checkAborted(ctx.signal);
  const pooled = poolTracks(faces, rows, dim, tracks.map((t) => t.track_id));
  await writePooled(ctx, pooled, faces.length);
  if (pooled.fallbackTracks.length) {
    ctx.log('info', `pool: ${pooled.fallbackTracks.length} track(s) have no accepted face and use their best rejected face: ${pooled.fallbackTracks.slice(0, 10).join(', ')}${pooled.fallbackTracks.length > 10 ? ', …' : ''}`);
  }
  if (pooled.missingTracks.length) {
    ctx.log('warn', `pool: ${pooled.missingTracks.length} track(s) have no face row and will be singletons: ${pooled.missingTracks.slice(0, 10).join(', ')}${pooled.missingTracks.length > 10 ? ', …' : ''}`);
  }
  ctx.progress({ stage: 'pool', done: tracks.length, total: tracks.length });
}

async function writePooled(ctx: StageContext, pooled: PooledTracks, facesRows: number): Promise<void> {
  const previous = await readEmbeddingsMeta(ctx).catch(() => null);
  const modelId = ctx.pack?.embedder.modelId ?? previous?.model_id;
  if (!modelId) ctx.log('warn', 'pool: no model pack loaded and no earlier embeddings_meta.json; model_id recorded as "unknown"');
  await writeNpy(ctx.workspace.abs(ctx.paths.trackEmbeddingsNpy), pooled.vectors, [pooled.trackOrder.length, pooled.dim]);
  await writeJson(
    ctx.workspace.abs(ctx.paths.embeddingsMeta),
    {
      ep_id: ctx.epId,
      model_id: modelId ?? 'unknown',
      embedding_dim: pooled.dim,
      faces_rows: facesRows,
      track_order: pooled.trackOrder,
      pooling: POOLING_RULE,
      created_at: new Date().toISOString(),
    },
    embeddingsMetaSchema,
  );
}

/**
 * Pooled track embeddings as on disk, re-pooling first when they are missing or do not match the
 * current faces/tracks (faces_rows changed, or a pooled track id no longer exists).
 */
export async function loadOrPool(ctx: StageContext): Promise<{ meta: EmbeddingsMeta; vectors: Float32Array }> {
  const npyPath = ctx.workspace.abs(ctx.paths.trackEmbeddingsNpy);
  let meta = await readEmbeddingsMeta(ctx);
  const stale = async () => {
    if (!meta || !existsSync(npyPath)) return true;
    const [tracks, faces] = await Promise.all([readTracks(ctx), readEpisodeFaces(ctx)]);
    const ids = new Set(tracks.map((t) => t.track_id));
    const withFaces = new Set(faces.faces.map((f) => f.track_id));
    const pooled = new Set(meta.track_order);
    return (
      meta.faces_rows !== faces.faces.length ||
      meta.embedding_dim !== faces.dim ||
      meta.track_order.some((t) => !ids.has(t)) ||
      tracks.some((t) => withFaces.has(t.track_id) && !pooled.has(t.track_id))
    );
  };
  if (await stale()) {
    await poolEpisode(ctx);
    meta = await readEmbeddingsMeta(ctx);
  }
  const npy = await readNpy(npyPath, { requireFinite: true });
  const expect = [meta!.track_order.length, meta!.embedding_dim];
  if (npy.shape.length !== 2 || npy.shape[0] !== expect[0] || npy.shape[1] !== expect[1]) {
    throw new StoreError({ file: npyPath, field: 'shape', message: `(${npy.shape.join(', ')}) does not match embeddings_meta.json (${expect.join(', ')})` });
  }
  return { meta: meta!, vectors: npy.data };
}
