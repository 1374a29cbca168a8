// Typed, validating access to every artifact of one episode. Readers check schema and per-file
// invariants (ids unique, ep_id matches, .npy shapes and norms); writers check the same plus the
// references they can see on disk (track ids in tracks.jsonl) before replacing anything.
// Cross-file consistency of a whole episode is validate.ts's job.
import { access } from 'node:fs/promises';
import {
  DEFAULT_EMBEDDING_DIM,
  type CleanupReport,
  type Detection,
  type EmbeddingsMeta,
  type Face,
  type IdentitiesDoc,
  type Track,
  type TrackMetrics,
  embeddingMatrixSchema,
  embeddingsMetaSchema,
  identitiesDocSchema,
} from '../../shared/schema';
import { parseEpId, type EpisodeId } from '../../shared/episode';
import { type EpisodePaths } from '../../shared/layout';
import { StoreError, type StoreIssue, zodIssues } from './errors';
import { readFaceFacts, type FaceFacts } from './face-facts';
import { readJson, writeJson } from './json';
import { readJsonl, readJsonlRows, writeJsonl, type JsonlReadOptions } from './jsonl';
import { readNpy, writeNpy, type NpyArray } from './npy';
import { ARTIFACT_KINDS, ARTIFACTS, type ArtifactInput, type ArtifactKind } from './registry';
import type { Workspace } from './workspace';

export { ARTIFACT_KINDS, type ArtifactKind };

/** Rows as a writer accepts them (schema input: defaulted fields may be omitted). */
export type DetectionInput = ArtifactInput<'detections'>;
export type TrackInput = ArtifactInput<'tracks'>;
export type FaceInput = ArtifactInput<'faces'>;
export type IdentitiesDocInput = ArtifactInput<'identities'>;

/** Finds repeated keys; returns issues naming both lines (1-based). */
function duplicateIssues(file: string, field: string, keys: { key: string; line: number }[]): StoreIssue[] {
  const first = new Map<string, number>();
  const issues: StoreIssue[] = [];
  for (const { key, line } of keys) {
    const prev = first.get(key);
    if (prev !== undefined) issues.push({ file, line, field, message: `duplicate ${field} ${key} (first on line ${prev})` });
    else first.set(key, line);
  }
  return issues;
}

function refusing(issues: StoreIssue[]): StoreError {
  return new StoreError(issues.map((i) => ({ ...i, message: i.message.startsWith('refusing') ? i.message : `refusing to write: ${i.message}` })));
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Track embeddings with the row order that gives them meaning. */
export interface TrackEmbeddings {
  meta: EmbeddingsMeta;
  /** Row i of `matrix` is the pooled embedding of `trackOrder[i]`. */
  trackOrder: string[];
  matrix: NpyArray;
}

export class EpisodeArtifacts {
  readonly ep: EpisodeId;
  /** Workspace-relative paths (shared/episode.ts). */
  readonly paths: EpisodePaths;

  constructor(
    readonly ws: Workspace,
    epId: string,
  ) {
    this.ep = parseEpId(epId);
    this.paths = ws.paths(this.ep);
  }

  get epId(): string {
    return this.ep.epId;
  }

  /** Absolute, confined path of an artifact. */
  path(kind: ArtifactKind): string {
    return this.ws.abs(this.paths[ARTIFACTS[kind].path]);
  }

  /** Whether the artifact file exists (missing optional artifacts are normal mid-pipeline). */
  exists(kind: ArtifactKind): Promise<boolean> {
    return exists(this.path(kind));
  }

  // ---- detections.jsonl ------------------------------------------------------------------------

  /** Streams detections (validated; ep_id must be this episode's). */
  async *detections(opts: JsonlReadOptions = {}): AsyncGenerator<Detection> {
    for await (const row of readJsonlRows(this.path('detections'), ARTIFACTS.detections.schema(this.epId), opts)) yield row.value;
  }
  async readDetections(): Promise<Detection[]> {
    return readJsonl(this.path('detections'), ARTIFACTS.detections.schema(this.epId));
  }
  async writeDetections(rows: Iterable<DetectionInput>): Promise<number> {
    return writeJsonl(this.path('detections'), rows, ARTIFACTS.detections.schema(this.epId));
  }

  // ---- tracks.jsonl ----------------------------------------------------------------------------

  /** All tracks; duplicate track_ids are an error naming both lines. */
  async readTracks(): Promise<Track[]> {
    const file = this.path('tracks');
    const rows: Track[] = [];
    const keys: { key: string; line: number }[] = [];
    for await (const { line, value } of readJsonlRows(file, ARTIFACTS.tracks.schema(this.epId))) {
      rows.push(value);
      keys.push({ key: value.track_id, line });
    }
    const dups = duplicateIssues(file, 'track_id', keys);
    if (dups.length) throw new StoreError(dups);
    return rows;
  }
  async writeTracks(rows: Iterable<TrackInput>): Promise<number> {
    const list = [...rows];
    const file = this.path('tracks');
    const dups = duplicateIssues(file, 'track_id', list.map((t, i) => ({ key: String(t?.track_id), line: i + 1 })));
    if (dups.length) throw refusing(dups);
    return writeJsonl(file, list, ARTIFACTS.tracks.schema(this.epId));
  }

  /** Track ids of tracks.jsonl, or null if the file does not exist yet. */
  async trackIds(): Promise<Set<string> | null> {
    if (!(await this.exists('tracks'))) return null;
    return new Set((await this.readTracks()).map((t) => t.track_id));
  }

  // ---- track_metrics.json ----------------------------------------------------------------------

  async readTrackMetrics(): Promise<TrackMetrics> {
    return readJson(this.path('trackMetrics'), ARTIFACTS.trackMetrics.schema(this.epId));
  }
  async writeTrackMetrics(value: ArtifactInput<'trackMetrics'>): Promise<TrackMetrics> {
    return writeJson(this.path('trackMetrics'), value, ARTIFACTS.trackMetrics.schema(this.epId));
  }

  // ---- embeddings_meta.json --------------------------------------------------------------------

  async readEmbeddingsMeta(): Promise<EmbeddingsMeta> {
    return readJson(this.path('embeddingsMeta'), ARTIFACTS.embeddingsMeta.schema(this.epId));
  }
  async writeEmbeddingsMeta(value: EmbeddingsMeta): Promise<EmbeddingsMeta> {
    return writeJson(this.path('embeddingsMeta'), value, ARTIFACTS.embeddingsMeta.schema(this.epId));
  }
  /** Embedding dimension recorded for this episode, or the default (512) before any faces exist. */
  async embeddingDim(): Promise<number> {
    if (!(await this.exists('embeddingsMeta'))) return DEFAULT_EMBEDDING_DIM;
    return (await this.readEmbeddingsMeta()).embedding_dim;
  }

  // ---- faces.jsonl + faces.npy -----------------------------------------------------------------

  /** All faces, validated against the embedding dimension from embeddings_meta.json; face_ids unique. */
  async readFaces(): Promise<Face[]> {
    const dim = await this.embeddingDim();
    const file = this.path('faces');
    const rows: Face[] = [];
    const keys: { key: string; line: number }[] = [];
    for await (const { line, value } of readJsonlRows(file, ARTIFACTS.faces.schema(this.epId, dim))) {
      rows.push(value);
      keys.push({ key: value.face_id, line });
    }
    const dups = duplicateIssues(file, 'face_id', keys);
    if (dups.length) throw new StoreError(dups);
    return rows;
  }

  /** faces.jsonl without the embeddings, streamed (face-facts.ts): what review reads on every open. */
  faceFacts(): AsyncGenerator<FaceFacts> {
    return readFaceFacts(this.path('faces'));
  }

  /** faces.npy: (faces_rows, dim) float32, finite, unit-norm rows, row count as recorded in embeddings_meta.json. */
  async readFacesNpy(): Promise<NpyArray> {
    const meta = await this.readEmbeddingsMeta();
    return this.readMatrix('facesNpy', meta.embedding_dim, meta.faces_rows);
  }

  private async readMatrix(kind: 'facesNpy' | 'trackEmbeddingsNpy', dim: number, rows: number): Promise<NpyArray> {
    const file = this.path(kind);
    const arr = await readNpy(file, { requireFinite: true });
    const parsed = embeddingMatrixSchema(dim, rows).safeParse(arr);
    if (!parsed.success) throw new StoreError(zodIssues(file, parsed.error, () => undefined));
    return arr;
  }

  /**
   * Writes faces.npy (row i = faces[i].embedding as float32), faces.jsonl and embeddings_meta.json.
   * Everything is validated first: schema at `embeddingDim`, unique face_ids, crop paths confined to the
   * workspace, and every track_id present in tracks.jsonl (when it exists). The three files are each
   * atomic; they are written npy → jsonl → meta so an interruption shows as a row-count mismatch that
   * the validator reports, never as a torn file.
   */
  async writeFaces(faces: Iterable<FaceInput>, model: { modelId: string; embeddingDim?: number }): Promise<number> {
    const dim = model.embeddingDim ?? DEFAULT_EMBEDDING_DIM;
    const file = this.path('faces');
    const list = [...faces];
    const schema = ARTIFACTS.faces.schema(this.epId, dim);
    const issues: StoreIssue[] = [];
    const valid: Face[] = [];
    list.forEach((f, i) => {
      const parsed = schema.safeParse(f);
      if (parsed.success) valid.push(parsed.data);
      else issues.push(...zodIssues(file, parsed.error, () => i + 1));
    });
    if (issues.length) throw refusing(issues.slice(0, 20));
    issues.push(...duplicateIssues(file, 'face_id', valid.map((f, i) => ({ key: f.face_id, line: i + 1 }))));
    const known = await this.trackIds();
    valid.forEach((f, i) => {
      if (known && !known.has(f.track_id)) issues.push({ file, line: i + 1, field: 'track_id', message: `${f.track_id} is not in tracks.jsonl` });
      if (f.crop_path) {
        try {
          this.ws.resolveManifestRef(this.ep, f.crop_path);
        } catch (err) {
          issues.push({ file, line: i + 1, field: 'crop_path', message: (err as Error).message });
        }
      }
    });
    if (issues.length) throw refusing(issues.slice(0, 20));

    const matrix = new Float32Array(valid.length * dim);
    valid.forEach((f, i) => matrix.set(f.embedding, i * dim));
    const previous = (await this.exists('embeddingsMeta')) ? await this.readEmbeddingsMeta().catch(() => null) : null;
    const keepTracks = previous && previous.model_id === model.modelId && previous.embedding_dim === dim;
    const meta: EmbeddingsMeta = {
      ep_id: this.epId,
      model_id: model.modelId,
      embedding_dim: dim,
      faces_rows: valid.length,
      track_order: keepTracks ? previous.track_order : [],
      pooling: keepTracks ? previous.pooling : 'none',
      created_at: new Date().toISOString(),
    };
    embeddingsMetaSchema.parse(meta);
    await writeNpy(this.path('facesNpy'), matrix, [valid.length, dim]);
    await writeJsonl(file, valid, schema);
    await this.writeEmbeddingsMeta(meta);
    return valid.length;
  }

  // ---- track_embeddings.npy --------------------------------------------------------------------

  async readTrackEmbeddings(): Promise<TrackEmbeddings> {
    const meta = await this.readEmbeddingsMeta();
    const matrix = await this.readMatrix('trackEmbeddingsNpy', meta.embedding_dim, meta.track_order.length);
    return { meta, trackOrder: meta.track_order, matrix };
  }

  /**
   * Writes track_embeddings.npy (row i = pooled embedding of trackOrder[i], unit-norm) and records the
   * order and pooling method in embeddings_meta.json. Needs faces written first (for model and dim).
   */
  async writeTrackEmbeddings(trackOrder: readonly string[], data: Float32Array, pooling: string): Promise<void> {
    const file = this.path('trackEmbeddingsNpy');
    const meta = await this.readEmbeddingsMeta();
    const dim = meta.embedding_dim;
    const issues: StoreIssue[] = duplicateIssues(file, 'track_id', trackOrder.map((key, i) => ({ key, line: i + 1 }))).map(
      ({ line, ...i }) => ({ ...i, field: `trackOrder[${(line ?? 1) - 1}]` }),
    );
    const known = await this.trackIds();
    trackOrder.forEach((t, i) => {
      if (known && !known.has(t)) issues.push({ file, field: `trackOrder[${i}]`, message: `${t} is not in tracks.jsonl` });
    });
    const parsed = embeddingMatrixSchema(dim, trackOrder.length).safeParse({ shape: [data.length / dim, dim], data });
    if (!parsed.success) issues.push(...zodIssues(file, parsed.error, () => undefined));
    const nextMeta = { ...meta, track_order: [...trackOrder], pooling };
    const metaCheck = embeddingsMetaSchema.safeParse(nextMeta);
    if (!metaCheck.success) issues.push(...zodIssues(this.path('embeddingsMeta'), metaCheck.error, () => undefined));
    if (issues.length) throw refusing(issues.slice(0, 20));
    await writeNpy(file, data, [trackOrder.length, dim]);
    await this.writeEmbeddingsMeta(nextMeta);
  }

  // ---- identities.json -------------------------------------------------------------------------

  private identitiesSchema() {
    return ARTIFACTS.identities.schema(this.epId);
  }
  async readIdentities(): Promise<IdentitiesDoc> {
    return readJson(this.path('identities'), this.identitiesSchema());
  }
  /** Validates and writes atomically (see checkIdentities). */
  async writeIdentities(doc: IdentitiesDocInput, trackIds?: ReadonlySet<string>): Promise<IdentitiesDoc> {
    return writeJson(this.path('identities'), await this.checkIdentities(doc, trackIds), identitiesDocSchema);
  }
  /**
   * What writeIdentities would write, or the refusal: schema, ep_id, every track_id in tracks.jsonl when it
   * exists, thumbnail refs confined. `trackIds`: tracks.jsonl's ids when the caller has them loaded.
   */
  async checkIdentities(doc: IdentitiesDocInput, trackIds?: ReadonlySet<string>): Promise<IdentitiesDoc> {
    const file = this.path('identities');
    const parsed = this.identitiesSchema().safeParse(doc);
    if (!parsed.success) throw refusing(zodIssues(file, parsed.error, () => undefined));
    const issues: StoreIssue[] = [];
    const known = trackIds ?? (await this.trackIds());
    parsed.data.identities.forEach((ident, i) => {
      ident.track_ids.forEach((t, j) => {
        if (known && !known.has(t)) issues.push({ file, field: `identities[${i}].track_ids[${j}]`, message: `${t} is not in tracks.jsonl` });
      });
      if (ident.canonical_face_path) {
        try {
          this.ws.resolveManifestRef(this.ep, ident.canonical_face_path);
        } catch (err) {
          issues.push({ file, field: `identities[${i}].canonical_face_path`, message: (err as Error).message });
        }
      }
    });
    if (issues.length) throw refusing(issues.slice(0, 20));
    return parsed.data;
  }

  // ---- cleanup_report.json ---------------------------------------------------------------------

  async readCleanupReport(): Promise<CleanupReport> {
    return readJson(this.path('cleanupReport'), ARTIFACTS.cleanupReport.schema(this.epId));
  }
  async writeCleanupReport(value: ArtifactInput<'cleanupReport'>): Promise<CleanupReport> {
    return writeJson(this.path('cleanupReport'), value, ARTIFACTS.cleanupReport.schema(this.epId));
  }
}

/** Shorthand for `new EpisodeArtifacts(ws, epId)`. */
export function episodeArtifacts(ws: Workspace, epId: string): EpisodeArtifacts {
  return new EpisodeArtifacts(ws, epId);
}
