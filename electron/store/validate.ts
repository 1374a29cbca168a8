// Whole-episode validation (spec §10): schema and invariants of every artifact present, plus the
// cross-file checks no single reader can make (§10.3 referential integrity, .npy ↔ .jsonl agreement,
// referenced image files present and confined). Missing artifacts are "not present", not errors: an
// episode mid-pipeline is valid so far.
import { access, readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { DEFAULT_EMBEDDING_DIM, type EmbeddingsMeta, embeddingMatrixSchema } from '../../shared/schema';
import { EpisodeArtifacts } from './artifacts';
import { ARTIFACT_KINDS, ARTIFACTS, EXTRA_FILES, type ArtifactKind, type ExtraKind } from './registry';
import { isTempFile } from './atomic';
import { StoreError, type StoreIssue, formatIssue, zodIssues } from './errors';
import { readJson } from './json';
import { readJsonlRows } from './jsonl';
import { readNpy, type NpyArray } from './npy';
import { checkJournal, harvestUnfinished } from './validate-extra';
import { PathEscapeError, type Workspace } from './workspace';

/** Row equality tolerance between faces.npy and the embeddings in faces.jsonl. */
export const NPY_JSONL_TOLERANCE = 1e-5;
const MAX_ISSUES_PER_ARTIFACT = 50;

/** 'in progress': valid so far, but names files a pipeline stage that has not finished will write. */
export type ArtifactStatus = 'ok' | 'not present' | 'in progress' | 'invalid';
/** Pipeline artifacts plus screentime.json (an export) and the review journal, listed only when present. */
export type ReportKind = ArtifactKind | ExtraKind;

export interface ArtifactReport {
  kind: ReportKind;
  /** Workspace-relative path. */
  path: string;
  status: ArtifactStatus;
  /** Rows (JSONL), identities (identities.json) or matrix rows (.npy) read. */
  count?: number;
  issues: StoreIssue[];
  /** Issues beyond MAX_ISSUES_PER_ARTIFACT that were counted but not kept. */
  moreIssues: number;
  /** Referenced files not written yet by the unfinished stage ('in progress'). */
  pending?: number;
}

export interface EpisodeReport {
  epId: string;
  workspace: string;
  ok: boolean;
  artifacts: ArtifactReport[];
  /** Not errors: leftovers of interrupted writes and the like. */
  warnings: string[];
  /** Set while the pipeline has not finished a stage whose files others already name. */
  inProgress: string | null;
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

class Collector {
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

/** Validates every artifact of `epId` in `ws` and their cross-references. Never throws on bad data. */
export async function validateEpisode(ws: Workspace, epId: string): Promise<EpisodeReport> {
  const arts = new EpisodeArtifacts(ws, epId);
  const screentimeRel = ws.paths(epId)[EXTRA_FILES.screentime.path];
  const journalRel = ws.paths(epId)[EXTRA_FILES.journal.path];
  // Lexical paths: `present` checks each one is confined before anything reads it.
  const lexical = (rel: string) => join(ws.root, rel);
  const c = new Collector(arts, { screentime: { rel: screentimeRel, abs: lexical(screentimeRel) }, journal: { rel: journalRel, abs: lexical(journalRel) } });
  const file = (k: ArtifactKind) => lexical(arts.paths[ARTIFACTS[k].path]);
  const fileOf = (k: ReportKind) => (k === 'screentime' ? lexical(screentimeRel) : k === 'journal' ? lexical(journalRel) : file(k));
  /** Whether `rel` exists inside the workspace; one leading out (a symlink) is a problem of `kind`, not an abort. */
  const present = async (kind: ReportKind, rel: string) => {
    try {
      return await exists(ws.abs(rel));
    } catch (err) {
      if (!(err instanceof PathEscapeError)) throw err;
      if (!c.reports.has(kind)) c.addExtra(kind as ExtraKind);
      c.add(kind, { file: rel, message: err.message });
      return false;
    }
  };
  const has = async (k: ArtifactKind) => {
    const yes = await present(k, arts.paths[ARTIFACTS[k].path]);
    if (yes) c.present(k);
    return yes;
  };

  const harvestPending = await harvestUnfinished(ws, epId);
  /** Checks a manifest image reference: confined to the workspace and the file exists (or harvest, which writes it, is still to finish). */
  const checkRef = async (kind: ArtifactKind, ref: string, line: number | undefined, field: string) => {
    let abs: string;
    try {
      abs = ws.resolveManifestRef(epId, ref);
    } catch (err) {
      c.add(kind, { file: file(kind), line, field, message: (err as Error).message });
      return;
    }
    if (await exists(abs)) return;
    if (harvestPending) c.pending(kind);
    else c.add(kind, { file: file(kind), line, field, message: `"${ref}" does not exist (${relative(ws.root, abs)})` });
  };

  // detections.jsonl
  if (await has('detections')) {
    let n = 0;
    await c.guard('detections', async () => {
      for await (const _ of readJsonlRows(file('detections'), ARTIFACTS.detections.schema(epId), { onInvalid: (i) => c.add('detections', ...i) })) n++;
    });
    c.present('detections', n);
  }

  // tracks.jsonl
  let trackIds: Set<string> | null = null;
  if (await has('tracks')) {
    const firstLine = new Map<string, number>();
    const refs: { ref: string; line: number; field: string }[] = [];
    await c.guard('tracks', async () => {
      for await (const { line, value } of readJsonlRows(file('tracks'), ARTIFACTS.tracks.schema(epId), { onInvalid: (i) => c.add('tracks', ...i) })) {
        const prev = firstLine.get(value.track_id);
        if (prev !== undefined) c.add('tracks', { file: file('tracks'), line, field: 'track_id', message: `duplicate track_id ${value.track_id} (first on line ${prev})` });
        else firstLine.set(value.track_id, line);
        value.sample_thumbs.forEach((ref, j) => refs.push({ ref, line, field: `sample_thumbs[${j}]` }));
      }
    });
    for (const r of refs) await checkRef('tracks', r.ref, r.line, r.field);
    trackIds = new Set(firstLine.keys());
    c.present('tracks', firstLine.size);
  }
  const checkTrack = (kind: ReportKind, t: string, line: number | undefined, field: string) => {
    if (trackIds && !trackIds.has(t)) c.add(kind, { file: fileOf(kind), line, field, message: `${t} is not in tracks.jsonl` });
  };
  const needTracks = (kind: ReportKind) => {
    if (!trackIds) c.add(kind, { file: fileOf(kind), message: 'refers to tracks but tracks.jsonl is not present' });
  };

  // track_metrics.json
  if (await has('trackMetrics')) {
    const tm = await c.guard('trackMetrics', () => readJson(file('trackMetrics'), ARTIFACTS.trackMetrics.schema(epId)));
    tm?.longest_tracks.forEach((l, i) => checkTrack('trackMetrics', l.track_id, undefined, `longest_tracks[${i}].track_id`));
  }

  // embeddings_meta.json
  let meta: EmbeddingsMeta | undefined;
  if (await has('embeddingsMeta')) {
    meta = await c.guard('embeddingsMeta', () => readJson(file('embeddingsMeta'), ARTIFACTS.embeddingsMeta.schema(epId)));
  }
  // faces.npy is decoded before faces.jsonl: between harvest and pooling there is no
  // embeddings_meta.json yet, and the matrix's shape is then the record of the embedding dimension.
  const facesNpyPresent = await has('facesNpy');
  const facesNpy = facesNpyPresent ? await c.guard('facesNpy', () => readNpy(file('facesNpy'), { requireFinite: true })) : undefined;
  if (facesNpy) c.present('facesNpy', facesNpy.shape[0]);
  const dim = meta?.embedding_dim ?? (facesNpy?.shape.length === 2 ? facesNpy.shape[1] : DEFAULT_EMBEDDING_DIM);

  // faces.jsonl
  let faceRows: (Float32Array | null)[] | null = null;
  if (await has('faces')) {
    needTracks('faces');
    faceRows = [];
    const firstLine = new Map<string, number>();
    const refs: { ref: string; line: number }[] = [];
    const rows = faceRows;
    await c.guard('faces', async () => {
      const onInvalid = (issues: StoreIssue[]) => {
        c.add('faces', ...issues);
        rows.push(null);
      };
      for await (const { line, value } of readJsonlRows(file('faces'), ARTIFACTS.faces.schema(epId, dim), { onInvalid })) {
        rows.push(Float32Array.from(value.embedding));
        const prev = firstLine.get(value.face_id);
        if (prev !== undefined) c.add('faces', { file: file('faces'), line, field: 'face_id', message: `duplicate face_id ${value.face_id} (first on line ${prev})` });
        else firstLine.set(value.face_id, line);
        checkTrack('faces', value.track_id, line, 'track_id');
        if (value.crop_path) refs.push({ ref: value.crop_path, line });
      }
    });
    for (const r of refs) await checkRef('faces', r.ref, r.line, 'crop_path');
    c.present('faces', faceRows.length);
    if (meta && meta.faces_rows !== faceRows.length) {
      c.add('embeddingsMeta', { file: file('embeddingsMeta'), field: 'faces_rows', message: `is ${meta.faces_rows} but faces.jsonl has ${faceRows.length} lines` });
    }
  }

  // faces.npy
  const checkMatrix = (kind: 'facesNpy' | 'trackEmbeddingsNpy', arr: NpyArray, rows: number | undefined) => {
    const parsed = embeddingMatrixSchema(dim, rows).safeParse(arr);
    if (!parsed.success) c.add(kind, ...zodIssues(file(kind), parsed.error, () => undefined));
  };
  if (facesNpy) {
    const arr = facesNpy;
    checkMatrix('facesNpy', arr, faceRows?.length);
    if (arr && faceRows && arr.shape.length === 2 && arr.shape[1] === dim) {
      const n = Math.min(arr.shape[0], faceRows.length);
      for (let i = 0; i < n; i++) {
        const row = faceRows[i];
        if (!row || row.length !== dim) continue;
        const npyRow = arr.data.subarray(i * dim, (i + 1) * dim);
        let worst = 0;
        for (let j = 0; j < dim; j++) worst = Math.max(worst, Math.abs(npyRow[j] - row[j]));
        if (!(worst <= NPY_JSONL_TOLERANCE)) {
          c.add('facesNpy', { file: file('facesNpy'), field: `rows[${i}]`, message: `differs from the embedding on faces.jsonl line ${i + 1} by up to ${worst.toExponential(2)} (> ${NPY_JSONL_TOLERANCE})` });
        }
      }
    }
  } else if (faceRows && !facesNpyPresent) {
    c.add('faces', { file: file('faces'), message: `faces.npy (${arts.paths.facesNpy}) is not present; it must hold one row per line` });
  }

  // track_embeddings.npy
  if (await has('trackEmbeddingsNpy')) {
    if (!meta) c.add('trackEmbeddingsNpy', { file: file('trackEmbeddingsNpy'), message: 'embeddings_meta.json (track_order) is missing or invalid, so its rows have no track ids' });
    const arr = await c.guard('trackEmbeddingsNpy', () => readNpy(file('trackEmbeddingsNpy'), { requireFinite: true }));
    if (arr) {
      c.present('trackEmbeddingsNpy', arr.shape[0]);
      checkMatrix('trackEmbeddingsNpy', arr, meta?.track_order.length);
    }
    if (meta) {
      needTracks('trackEmbeddingsNpy');
      const seen = new Set<string>();
      meta.track_order.forEach((t, i) => {
        if (seen.has(t)) c.add('embeddingsMeta', { file: file('embeddingsMeta'), field: `track_order[${i}]`, message: `duplicate track id ${t}` });
        seen.add(t);
        checkTrack('embeddingsMeta', t, undefined, `track_order[${i}]`);
      });
    }
  }

  // identities.json
  let identityIds: Set<string> | null = null;
  let identitiesAt: { base: string; revision: number } | null = null;
  if (await has('identities')) {
    needTracks('identities');
    const doc = await c.guard('identities', () => readJson(file('identities'), ARTIFACTS.identities.schema(epId)));
    identityIds = doc ? new Set(doc.identities.map((i) => i.identity_id)) : null;
    identitiesAt = doc ? { base: doc.metadata.created_at, revision: doc.metadata.revision ?? 0 } : null;
    if (doc) {
      c.present('identities', doc.identities.length);
      for (const [i, ident] of doc.identities.entries()) {
        ident.track_ids.forEach((t, j) => checkTrack('identities', t, undefined, `identities[${i}].track_ids[${j}]`));
        if (ident.canonical_face_path) await checkRef('identities', ident.canonical_face_path, undefined, `identities[${i}].canonical_face_path`);
      }
      const m = doc.metadata;
      if (meta && m.embedding_dim !== undefined && m.embedding_dim !== meta.embedding_dim) {
        c.add('identities', { file: file('identities'), field: 'metadata.embedding_dim', message: `is ${m.embedding_dim} but embeddings_meta.json says ${meta.embedding_dim}` });
      }
      if (meta && m.model_id !== undefined && m.model_id !== meta.model_id) {
        c.add('identities', { file: file('identities'), field: 'metadata.model_id', message: `is "${m.model_id}" but embeddings_meta.json says "${meta.model_id}"` });
      }
    }
  }

  // cleanup_report.json
  if (await has('cleanupReport')) {
    await c.guard('cleanupReport', () => readJson(file('cleanupReport'), ARTIFACTS.cleanupReport.schema(epId)));
  }

  // screentime.json (an export of the review state): its schema, and every identity and track it names
  // must exist. It may lag behind later review edits, so membership is not compared, only existence.
  if (await present('screentime', screentimeRel)) {
    c.addExtra('screentime');
    c.present('screentime');
    const st = await c.guard('screentime', () => readJson(lexical(screentimeRel), EXTRA_FILES.screentime.schema(epId)));
    if (st) {
      c.present('screentime', st.identities.length);
      needTracks('screentime');
      if (!identityIds) c.add('screentime', { file: fileOf('screentime'), message: 'refers to identities but identities.json is not present or invalid' });
      const checkIdentity = (id: string, field: string) => {
        if (identityIds && !identityIds.has(id)) c.add('screentime', { file: fileOf('screentime'), field, message: `${id} is not in identities.json` });
      };
      const checkAppearances = (list: 'people' | 'identities', i: number, apps: { track_ids: string[] }[]) =>
        apps.forEach((a, j) => a.track_ids.forEach((t, k) => checkTrack('screentime', t, undefined, `${list}[${i}].appearances[${j}].track_ids[${k}]`)));
      st.people.forEach((p, i) => {
        p.identity_ids.forEach((id, j) => checkIdentity(id, `people[${i}].identity_ids[${j}]`));
        checkAppearances('people', i, p.appearances);
      });
      st.identities.forEach((e, i) => {
        checkIdentity(e.identity_id, `identities[${i}].identity_id`);
        e.track_ids.forEach((t, j) => checkTrack('screentime', t, undefined, `identities[${i}].track_ids[${j}]`));
        checkAppearances('identities', i, e.appearances);
      });
    }
  }

  const warnings: string[] = [];
  if (await present('journal', journalRel)) {
    c.addExtra('journal');
    const j = await c.guard('journal', () => checkJournal(lexical(journalRel), identitiesAt, journalRel));
    if (j) {
      c.present('journal', j.entries);
      c.add('journal', ...j.issues);
      warnings.push(...j.warnings);
    }
  }
  for (const dir of new Set([dirname(file('faces')), dirname(file('facesNpy'))])) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const n of names.filter(isTempFile)) warnings.push(`${relative(ws.root, dir)}/${n}: leftover of an interrupted write (safe to delete)`);
  }

  const artifacts = [...c.reports.values()];
  const pending = artifacts.reduce((n, a) => n + (a.pending ?? 0), 0);
  const inProgress = pending ? `the harvest stage has not finished (run_state.json): ${pending} referenced crop(s) not written yet` : null;
  return { epId, workspace: ws.root, ok: artifacts.every((a) => a.status !== 'invalid'), artifacts, warnings, inProgress };
}

/** Human-readable report; file paths are shown relative to the workspace. */
export function formatReport(report: EpisodeReport): string {
  const rel = (f: string) => {
    const r = relative(report.workspace, f);
    return r.startsWith('..') ? f : r;
  };
  const out = [`Episode ${report.epId} in ${report.workspace}`];
  const width = Math.max(...report.artifacts.map((a) => a.path.length));
  let problems = 0;
  for (const a of report.artifacts) {
    const mark = a.status === 'ok' ? 'ok  ' : a.status === 'invalid' ? 'FAIL' : a.status === 'in progress' ? '..  ' : '--  ';
    const what =
      a.status === 'not present' ? 'not present'
      : a.status === 'ok' ? (a.count !== undefined ? `${a.count} ${a.kind === 'identities' ? 'identities' : 'rows'}` : 'valid')
      : a.status === 'in progress' ? `in progress (${a.pending} file(s) not written yet)`
      : `${a.issues.length + a.moreIssues} problem(s)`;
    out.push(`  ${mark} ${a.path.padEnd(width)}  ${what}`);
    for (const i of a.issues) out.push(`         ${formatIssue({ ...i, file: rel(i.file) })}`);
    if (a.moreIssues) out.push(`         … and ${a.moreIssues} more`);
    problems += a.issues.length + a.moreIssues;
  }
  for (const w of report.warnings) out.push(`  warning: ${w}`);
  out.push(!report.ok ? `RESULT: invalid (${problems} problem(s))` : report.inProgress ? `RESULT: in progress (${report.inProgress})` : 'RESULT: valid');
  return out.join('\n');
}
