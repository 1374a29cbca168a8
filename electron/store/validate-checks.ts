// The per-artifact checks of validateEpisode (validate.ts), one method per file, sharing what later
// files are checked against (track ids, embeddings_meta.json, the embedding dimension, faces rows).
// validateEpisode calls them in a fixed order: each may rely on the state the earlier ones left.
import { access, readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { DEFAULT_EMBEDDING_DIM, type EmbeddingsMeta, embeddingMatrixSchema } from '../../shared/schema';
import { EpisodeArtifacts } from './artifacts';
import { ARTIFACT_KINDS, ARTIFACTS, EXTRA_FILES, type ArtifactKind, type ExtraKind } from './registry';
import { isTempFile } from './atomic';
import { StoreError, type StoreIssue, zodIssues } from './errors';
import { readJson } from './json';
import { readJsonlRows } from './jsonl';
import { readNpy, type NpyArray } from './npy';
import { checkJournal } from './validate-extra';
import { PathEscapeError, type Workspace } from './workspace';
import type { ArtifactReport, ReportKind } from './validate';

/** Row equality tolerance between faces.npy and the embeddings in faces.jsonl. */
export const NPY_JSONL_TOLERANCE = 1e-5;
const MAX_ISSUES_PER_ARTIFACT = 50;

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

export class Collector {
  readonly reports = new Map<ReportKind, ArtifactReport>();
  constructor(
    private readonly arts: EpisodeArtifacts,
    private readonly extras: Record<ExtraKind, { rel: string; abs: string }>,
  ) {
    for (const kind of ARTIFACT_KINDS) {
      this.reports.set(kind, { kind, path: arts.paths[ARTIFACTS[kind].path], status: 'not present', issues: [], moreIssues: 0 });
    }
  }
  /** Adds the row of a file beyond the pipeline artifacts once it is known to be present. */
  addExtra(kind: ExtraKind): void {
    this.reports.set(kind, { kind, path: this.extras[kind].rel, status: 'not present', issues: [], moreIssues: 0 });
  }
  present(kind: ReportKind, count?: number): void {
    const r = this.reports.get(kind)!;
    if (r.status === 'not present') r.status = 'ok';
    if (count !== undefined) r.count = count;
  }
  /** A reference to a file the unfinished stage has yet to write: not a problem, the stage is in progress. */
  pending(kind: ReportKind): void {
    const r = this.reports.get(kind)!;
    if (r.status !== 'invalid') r.status = 'in progress';
    r.pending = (r.pending ?? 0) + 1;
  }
  add(kind: ReportKind, ...issues: StoreIssue[]): void {
    const r = this.reports.get(kind)!;
    if (issues.length) r.status = 'invalid';
    for (const i of issues) {
      if (r.issues.length < MAX_ISSUES_PER_ARTIFACT) r.issues.push(i);
      else r.moreIssues++;
    }
  }
  /** Runs `fn`, turning a thrown StoreError (or I/O error) into issues of `kind`. */
  async guard<T>(kind: ReportKind, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof StoreError) this.add(kind, ...err.issues);
      else this.add(kind, { file: kind === 'screentime' || kind === 'journal' ? this.extras[kind].abs : this.arts.path(kind), message: (err as Error).message });
      return undefined;
    }
  }
}

export class EpisodeChecks {
  readonly arts: EpisodeArtifacts;
  readonly c: Collector;
  private readonly screentimeRel: string;
  private readonly journalRel: string;
  private trackIds: Set<string> | null = null;
  private meta: EmbeddingsMeta | undefined;
  private facesNpyPresent = false;
  private facesNpy: NpyArray | undefined;
  private dim = DEFAULT_EMBEDDING_DIM;
  private faceRows: (Float32Array | null)[] | null = null;
  private identityIds: Set<string> | null = null;
  private identitiesAt: { base: string; revision: number } | null = null;

  /** Harvest has not finished: crops it is to write may be missing (set by validateEpisode before any check). */
  harvestPending = false;

  constructor(
    private readonly ws: Workspace,
    private readonly epId: string,
  ) {
    this.arts = new EpisodeArtifacts(ws, epId);
    this.screentimeRel = ws.paths(epId)[EXTRA_FILES.screentime.path];
    this.journalRel = ws.paths(epId)[EXTRA_FILES.journal.path];
    this.c = new Collector(this.arts, {
      screentime: { rel: this.screentimeRel, abs: this.lexical(this.screentimeRel) },
      journal: { rel: this.journalRel, abs: this.lexical(this.journalRel) },
    });
  }

  // Lexical paths: `present` checks each one is confined before anything reads it.
  private lexical(rel: string): string {
    return join(this.ws.root, rel);
  }
  private file(k: ArtifactKind): string {
    return this.lexical(this.arts.paths[ARTIFACTS[k].path]);
  }
  private fileOf(k: ReportKind): string {
    return k === 'screentime' ? this.lexical(this.screentimeRel) : k === 'journal' ? this.lexical(this.journalRel) : this.file(k);
  }
  /** Whether `rel` exists inside the workspace; one leading out (a symlink) is a problem of `kind`, not an abort. */
  private async present(kind: ReportKind, rel: string): Promise<boolean> {
    try {
      return await exists(this.ws.abs(rel));
    } catch (err) {
      if (!(err instanceof PathEscapeError)) throw err;
      if (!this.c.reports.has(kind)) this.c.addExtra(kind as ExtraKind);
      this.c.add(kind, { file: rel, message: err.message });
      return false;
    }
  }
  private async has(k: ArtifactKind): Promise<boolean> {
    const yes = await this.present(k, this.arts.paths[ARTIFACTS[k].path]);
    if (yes) this.c.present(k);
    return yes;
  }
  /** Checks a manifest image reference: confined to the workspace and the file exists (or harvest, which writes it, is still to finish). */
  private async checkRef(kind: ArtifactKind, ref: string, line: number | undefined, field: string): Promise<void> {
    let abs: string;
    try {
      abs = this.ws.resolveManifestRef(this.epId, ref);
    } catch (err) {
      this.c.add(kind, { file: this.file(kind), line, field, message: (err as Error).message });
      return;
    }
    if (await exists(abs)) return;
    if (this.harvestPending) this.c.pending(kind);
    else this.c.add(kind, { file: this.file(kind), line, field, message: `"${ref}" does not exist (${relative(this.ws.root, abs)})` });
  }
  private checkTrack(kind: ReportKind, t: string, line: number | undefined, field: string): void {
    if (this.trackIds && !this.trackIds.has(t)) this.c.add(kind, { file: this.fileOf(kind), line, field, message: `${t} is not in tracks.jsonl` });
  }
  private needTracks(kind: ReportKind): void {
    if (!this.trackIds) this.c.add(kind, { file: this.fileOf(kind), message: 'refers to tracks but tracks.jsonl is not present' });
  }

  async detections(): Promise<void> {
    const { c, epId } = this;
    if (!(await this.has('detections'))) return;
    let n = 0;
    await c.guard('detections', async () => {
      for await (const _ of readJsonlRows(this.file('detections'), ARTIFACTS.detections.schema(epId), { onInvalid: (i) => c.add('detections', ...i) })) n++;
    });
    c.present('detections', n);
  }

  async tracks(): Promise<void> {
    const { c, epId } = this;
    if (!(await this.has('tracks'))) return;
    const file = this.file('tracks');
    const firstLine = new Map<string, number>();
    const refs: { ref: string; line: number; field: string }[] = [];
    await c.guard('tracks', async () => {
      for await (const { line, value } of readJsonlRows(file, ARTIFACTS.tracks.schema(epId), { onInvalid: (i) => c.add('tracks', ...i) })) {
        const prev = firstLine.get(value.track_id);
        if (prev !== undefined) c.add('tracks', { file, line, field: 'track_id', message: `duplicate track_id ${value.track_id} (first on line ${prev})` });
        else firstLine.set(value.track_id, line);
        value.sample_thumbs.forEach((ref, j) => refs.push({ ref, line, field: `sample_thumbs[${j}]` }));
      }
    });
    for (const r of refs) await this.checkRef('tracks', r.ref, r.line, r.field);
    this.trackIds = new Set(firstLine.keys());
    c.present('tracks', firstLine.size);
  }

  async trackMetrics(): Promise<void> {
    if (!(await this.has('trackMetrics'))) return;
    const tm = await this.c.guard('trackMetrics', () => readJson(this.file('trackMetrics'), ARTIFACTS.trackMetrics.schema(this.epId)));
    tm?.longest_tracks.forEach((l, i) => this.checkTrack('trackMetrics', l.track_id, undefined, `longest_tracks[${i}].track_id`));
  }

  /** embeddings_meta.json, then faces.npy read (checked by facesNpyRows once faces.jsonl is read). */
  async embeddingsMetaAndMatrix(): Promise<void> {
    if (await this.has('embeddingsMeta')) {
      this.meta = await this.c.guard('embeddingsMeta', () => readJson(this.file('embeddingsMeta'), ARTIFACTS.embeddingsMeta.schema(this.epId)));
    }
    // faces.npy is decoded before faces.jsonl: between harvest and pooling there is no
    // embeddings_meta.json yet, and the matrix's shape is then the record of the embedding dimension.
    this.facesNpyPresent = await this.has('facesNpy');
    const facesNpy = this.facesNpyPresent ? await this.c.guard('facesNpy', () => readNpy(this.file('facesNpy'), { requireFinite: true })) : undefined;
    if (facesNpy) this.c.present('facesNpy', facesNpy.shape[0]);
    this.facesNpy = facesNpy;
    this.dim = this.meta?.embedding_dim ?? (facesNpy?.shape.length === 2 ? facesNpy.shape[1] : DEFAULT_EMBEDDING_DIM);
  }

  async faces(): Promise<void> {
    const { c, epId, dim, meta } = this;
    if (!(await this.has('faces'))) return;
    const file = this.file('faces');
    this.needTracks('faces');
    const rows: (Float32Array | null)[] = [];
    this.faceRows = rows;
    const firstLine = new Map<string, number>();
    const refs: { ref: string; line: number }[] = [];
    await c.guard('faces', async () => {
      const onInvalid = (issues: StoreIssue[]) => {
        c.add('faces', ...issues);
        rows.push(null);
      };
      for await (const { line, value } of readJsonlRows(file, ARTIFACTS.faces.schema(epId, dim), { onInvalid })) {
        rows.push(Float32Array.from(value.embedding));
        const prev = firstLine.get(value.face_id);
        if (prev !== undefined) c.add('faces', { file, line, field: 'face_id', message: `duplicate face_id ${value.face_id} (first on line ${prev})` });
        else firstLine.set(value.face_id, line);
        this.checkTrack('faces', value.track_id, line, 'track_id');
        if (value.crop_path) refs.push({ ref: value.crop_path, line });
      }
    });
    for (const r of refs) await this.checkRef('faces', r.ref, r.line, 'crop_path');
    c.present('faces', rows.length);
    if (meta && meta.faces_rows !== rows.length) {
      c.add('embeddingsMeta', { file: this.file('embeddingsMeta'), field: 'faces_rows', message: `is ${meta.faces_rows} but faces.jsonl has ${rows.length} lines` });
    }
  }

  private checkMatrix(kind: 'facesNpy' | 'trackEmbeddingsNpy', arr: NpyArray, rows: number | undefined): void {
    const parsed = embeddingMatrixSchema(this.dim, rows).safeParse(arr);
    if (!parsed.success) this.c.add(kind, ...zodIssues(this.file(kind), parsed.error, () => undefined));
  }

  /** faces.npy against its schema and, row by row, against the embeddings of faces.jsonl. */
  facesNpyRows(): void {
    const { c, dim, faceRows } = this;
    if (this.facesNpy) {
      const arr = this.facesNpy;
      this.checkMatrix('facesNpy', arr, faceRows?.length);
      if (arr && faceRows && arr.shape.length === 2 && arr.shape[1] === dim) {
        const n = Math.min(arr.shape[0], faceRows.length);
        for (let i = 0; i < n; i++) {
          const row = faceRows[i];
          if (!row || row.length !== dim) continue;
          const npyRow = arr.data.subarray(i * dim, (i + 1) * dim);
          let worst = 0;
          for (let j = 0; j < dim; j++) worst = Math.max(worst, Math.abs(npyRow[j] - row[j]));
          if (!(worst <= NPY_JSONL_TOLERANCE)) {
            c.add('facesNpy', { file: this.file('facesNpy'), field: `rows[${i}]`, message: `differs from the embedding on faces.jsonl line ${i + 1} by up to ${worst.toExponential(2)} (> ${NPY_JSONL_TOLERANCE})` });
          }
        }
      }
    } else if (faceRows && !this.facesNpyPresent) {
      c.add('faces', { file: this.file('faces'), message: `faces.npy (${this.arts.paths.facesNpy}) is not present; it must hold one row per line` });
    }
  }

  async trackEmbeddings(): Promise<void> {
    const { c, meta } = this;
    if (!(await this.has('trackEmbeddingsNpy'))) return;
    if (!meta) c.add('trackEmbeddingsNpy', { file: this.file('trackEmbeddingsNpy'), message: 'embeddings_meta.json (track_order) is missing or invalid, so its rows have no track ids' });
    const arr = await c.guard('trackEmbeddingsNpy', () => readNpy(this.file('trackEmbeddingsNpy'), { requireFinite: true }));
    if (arr) {
      c.present('trackEmbeddingsNpy', arr.shape[0]);
      this.checkMatrix('trackEmbeddingsNpy', arr, meta?.track_order.length);
    }
    if (meta) {
      this.needTracks('trackEmbeddingsNpy');
      const seen = new Set<string>();
      meta.track_order.forEach((t, i) => {
        if (seen.has(t)) c.add('embeddingsMeta', { file: this.file('embeddingsMeta'), field: `track_order[${i}]`, message: `duplicate track id ${t}` });
        seen.add(t);
        this.checkTrack('embeddingsMeta', t, undefined, `track_order[${i}]`);
      });
    }
  }

  async identities(): Promise<void> {
    const { c, meta } = this;
    if (!(await this.has('identities'))) return;
    this.needTracks('identities');
    const doc = await c.guard('identities', () => readJson(this.file('identities'), ARTIFACTS.identities.schema(this.epId)));
    this.identityIds = doc ? new Set(doc.identities.map((i) => i.identity_id)) : null;
    this.identitiesAt = doc ? { base: doc.metadata.created_at, revision: doc.metadata.revision ?? 0 } : null;
    if (!doc) return;
    c.present('identities', doc.identities.length);
    for (const [i, ident] of doc.identities.entries()) {
      ident.track_ids.forEach((t, j) => this.checkTrack('identities', t, undefined, `identities[${i}].track_ids[${j}]`));
      if (ident.canonical_face_path) await this.checkRef('identities', ident.canonical_face_path, undefined, `identities[${i}].canonical_face_path`);
    }
    const m = doc.metadata;
    if (meta && m.embedding_dim !== undefined && m.embedding_dim !== meta.embedding_dim) {
      c.add('identities', { file: this.file('identities'), field: 'metadata.embedding_dim', message: `is ${m.embedding_dim} but embeddings_meta.json says ${meta.embedding_dim}` });
    }
    if (meta && m.model_id !== undefined && m.model_id !== meta.model_id) {
      c.add('identities', { file: this.file('identities'), field: 'metadata.model_id', message: `is "${m.model_id}" but embeddings_meta.json says "${meta.model_id}"` });
    }
  }

  async cleanupReport(): Promise<void> {
    if (await this.has('cleanupReport')) {
      await this.c.guard('cleanupReport', () => readJson(this.file('cleanupReport'), ARTIFACTS.cleanupReport.schema(this.epId)));
    }
  }

  // screentime.json (an export of the review state): its schema, and every identity and track it names
  // must exist. It may lag behind later review edits, so membership is not compared, only existence.
  async screentime(): Promise<void> {
    const { c, identityIds } = this;
    if (!(await this.present('screentime', this.screentimeRel))) return;
    c.addExtra('screentime');
    c.present('screentime');
    const st = await c.guard('screentime', () => readJson(this.lexical(this.screentimeRel), EXTRA_FILES.screentime.schema(this.epId)));
    if (!st) return;
    c.present('screentime', st.identities.length);
    this.needTracks('screentime');
    const file = this.fileOf('screentime');
    if (!identityIds) c.add('screentime', { file, message: 'refers to identities but identities.json is not present or invalid' });
    const checkIdentity = (id: string, field: string) => {
      if (identityIds && !identityIds.has(id)) c.add('screentime', { file, field, message: `${id} is not in identities.json` });
    };
    const checkAppearances = (list: 'people' | 'identities', i: number, apps: { track_ids: string[] }[]) =>
      apps.forEach((a, j) => a.track_ids.forEach((t, k) => this.checkTrack('screentime', t, undefined, `${list}[${i}].appearances[${j}].track_ids[${k}]`)));
    st.people.forEach((p, i) => {
      p.identity_ids.forEach((id, j) => checkIdentity(id, `people[${i}].identity_ids[${j}]`));
      checkAppearances('people', i, p.appearances);
    });
    st.identities.forEach((e, i) => {
      checkIdentity(e.identity_id, `identities[${i}].identity_id`);
      e.track_ids.forEach((t, j) => this.checkTrack('screentime', t, undefined, `identities[${i}].track_ids[${j}]`));
      checkAppearances('identities', i, e.appearances);
    });
  }

  /** The review journal, against the identities.json it was written over; its warnings go to `warnings`. */
  async journal(warnings: string[]): Promise<void> {
    const { c, journalRel } = this;
    if (!(await this.present('journal', journalRel))) return;
    c.addExtra('journal');
    const j = await c.guard('journal', () => checkJournal(this.lexical(journalRel), this.identitiesAt, journalRel));
    if (j) {
      c.present('journal', j.entries);
      c.add('journal', ...j.issues);
      warnings.push(...j.warnings);
    }
  }

  /** Warnings for leftovers of interrupted atomic writes beside faces.jsonl and faces.npy. */
  async tempFiles(warnings: string[]): Promise<void> {
    for (const dir of new Set([dirname(this.file('faces')), dirname(this.file('facesNpy'))])) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const n of names.filter(isTempFile)) warnings.push(`${relative(this.ws.root, dir)}/${n}: leftover of an interrupted write (safe to delete)`);
    }
  }
}
