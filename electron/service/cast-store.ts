// Persistence of a show's cast library: cast.json + cast_embeddings.npy, committed as one pair.
// Each file is replaced atomically, but two renames are not one: a crash between them leaves a new
// npy beside the old json. cast.json therefore records the sha256 of the npy rows it was written
// with, and the npy being replaced is kept as cast_embeddings.prev.npy (a hard link, no copy). A
// reader that finds the pair disagreeing takes the previous npy when it matches, else rebuilds the
// rows from the episodes' own track embeddings (every reference names its episode and track), so a
// crash never leaves a library that cannot be loaded.
import { createHash } from 'node:crypto';
import { link, stat, unlink } from 'node:fs/promises';
import { castPaths } from '../../shared/layout';
import { castLibrarySchema, type CastLibraryDoc } from '../../shared/schema/cast';
import { embeddingsMetaSchema } from '../../shared/schema/faces';
import { StoreError } from '../store/errors';
import { readJson, writeJson } from '../store/json';
import { readNpy, writeNpy } from '../store/npy';
import type { Workspace } from '../store/workspace';

export interface CastLibraryState {
  doc: CastLibraryDoc;
  /** Row i = references[i]. */
  embeddings: Float32Array[];
}

export { castPaths };

const exists = (p: string) => stat(p).then(() => true, () => false);
const nowIso = () => new Date().toISOString();

export function emptyLibrary(show: string): CastLibraryDoc {
  return castLibrarySchema.parse({
    schema_version: 'cast_v1', show, model_id: null, embedding_dim: null, embeddings_rows: 0,
    people: [], references: [], rejections: [], auto_assignments: [], updated_at: nowIso(),
  });
}

/** sha256 of the rows as little-endian float32 bytes, in order: what cast.json pins its npy with. */
export function rowsHash(data: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}

/** A loaded pair; `repaired` says why the rows did not come from cast_embeddings.npy as it is. */
export interface CastRead {
  state: CastLibraryState;
  repaired: string | null;
}

/** The rows of `npyRel` when they are the ones `doc` was written with, else the reason they are not. */
async function matchingRows(ws: Workspace, npyRel: string, doc: CastLibraryDoc): Promise<Float32Array[] | string> {
  const path = ws.abs(npyRel);
  if (!(await exists(path))) return `${npyRel} is missing`;
  const npy = await readNpy(path, { requireFinite: true }).catch((err: Error) => err);
  if (npy instanceof Error) return npy.message;
  const [rows, dim] = npy.shape;
  if (npy.shape.length !== 2 || rows !== doc.embeddings_rows || dim !== doc.embedding_dim) {
    return `${npyRel} has shape (${npy.shape.join(', ')}) but cast.json expects (${doc.embeddings_rows}, ${doc.embedding_dim})`;
  }
  if (doc.embeddings_sha256 !== undefined && rowsHash(npy.data) !== doc.embeddings_sha256) return `${npyRel} holds other rows than cast.json was written with`;
  return Array.from({ length: rows }, (_, i) => npy.data.subarray(i * dim, (i + 1) * dim));
}

/**
 * Rows for `doc.references` from each reference's episode (track_embeddings.npy by track_order).
 * References whose episode, track or embedder is gone are dropped: they could not be suggested from.
 */
async function rebuildFromEpisodes(ws: Workspace, doc: CastLibraryDoc): Promise<CastLibraryState> {
  const episodes = new Map<string, ((trackId: string) => Float32Array | undefined) | null>();
  const rowsOf = async (epId: string) => {
    if (!episodes.has(epId)) {
      const p = ws.paths(epId);
      const found = await (async () => {
        const meta = await readJson(ws.abs(p.embeddingsMeta), embeddingsMetaSchema);
        if (meta.model_id !== doc.model_id || meta.embedding_dim !== doc.embedding_dim) return null;
        const npy = await readNpy(ws.abs(p.trackEmbeddingsNpy), { requireFinite: true });
        const dim = meta.embedding_dim;
        if (npy.shape[0] !== meta.track_order.length || npy.shape[1] !== dim) return null;
        const row = new Map(meta.track_order.map((t, i) => [t, i]));
        return (t: string) => {
          const r = row.get(t);
          return r === undefined ? undefined : Float32Array.from(npy.data.subarray(r * dim, (r + 1) * dim));
        };
      })().catch(() => null);
      episodes.set(epId, found);
    }
    return episodes.get(epId)!;
  };
  const kept: CastLibraryDoc['references'] = [];
  const embeddings: Float32Array[] = [];
  for (const r of doc.references) {
    const e = (await rowsOf(r.ep_id))?.(r.track_id);
    if (!e) continue;
    kept.push(r);
    embeddings.push(e);
  }
  return { doc: { ...doc, references: kept, embeddings_rows: kept.length }, embeddings };
}

/** Reads the pair, falling back to the previous npy or to the episodes when the two disagree (never writes). */
export async function readCastPair(ws: Workspace, show: string): Promise<CastRead> {
  const p = castPaths(show);
  const jsonPath = ws.abs(p.json);
  if (!(await exists(jsonPath))) return { state: { doc: emptyLibrary(show), embeddings: [] }, repaired: null };
  const doc = await readJson(jsonPath, castLibrarySchema);
  if (doc.show !== show) throw new StoreError({ file: jsonPath, field: 'show', message: `is "${doc.show}" but the file is under ${castPaths(show).dir}/` });
  if (doc.embeddings_rows === 0) return { state: { doc, embeddings: [] }, repaired: null };
  const current = await matchingRows(ws, p.npy, doc);
  if (typeof current !== 'string') return { state: { doc, embeddings: current }, repaired: null };
  const prev = await matchingRows(ws, p.prevNpy, doc);
  if (typeof prev !== 'string') return { state: { doc, embeddings: prev }, repaired: `${current} (an interrupted save); took ${p.prevNpy}` };
  const rebuilt = await rebuildFromEpisodes(ws, doc);
  return {
    state: rebuilt,
    repaired: `${current} (an interrupted save); rebuilt ${rebuilt.embeddings.length} of ${doc.references.length} reference rows from the episodes' track embeddings`,
  };
}

/**
 * Commits the pair: the npy being replaced is kept as the previous one, then the new npy, then
 * cast.json naming the new rows' hash. A crash at any point leaves a pair `readCastPair` can load.
 */
export async function writeCastPair(ws: Workspace, state: CastLibraryState): Promise<CastLibraryState> {
  const p = castPaths(state.doc.show);
  const rows = state.embeddings.length;
  const doc: CastLibraryDoc = { ...state.doc, embeddings_rows: rows, updated_at: nowIso() };
  delete doc.embeddings_sha256;
  if (rows > 0) {
    const dim = doc.embedding_dim!;
    const flat = new Float32Array(rows * dim);
    state.embeddings.forEach((e, i) => flat.set(e, i * dim));
    const npy = ws.abs(p.npy);
    const prev = ws.abs(p.prevNpy);
    await unlink(prev).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
    // No hard links on this file system: without the previous npy a reader rebuilds from the episodes.
    await link(npy, prev).catch((err: NodeJS.ErrnoException) => { if (!['ENOENT', 'EPERM', 'ENOTSUP', 'EXDEV'].includes(err.code ?? '')) throw err; });
    await writeNpy(npy, flat, [rows, dim]);
    doc.embeddings_sha256 = rowsHash(flat);
  }
  const saved = await writeJson(ws.abs(p.json), doc, castLibrarySchema);
  return { doc: saved, embeddings: state.embeddings };
}
