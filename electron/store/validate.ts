// Whole-episode validation (spec §10): schema and invariants of every artifact present, plus the
// cross-file checks no single reader can make (§10.3 referential integrity, .npy ↔ .jsonl agreement,
// referenced image files present and confined). Missing artifacts are "not present", not errors: an
// episode mid-pipeline is valid so far.
import { relative } from 'node:path';
import { formatIssue, type StoreIssue } from './errors';
import type { ArtifactKind, ExtraKind } from './registry';
import { harvestUnfinished } from './validate-extra';
import { EpisodeChecks } from './validate-checks';
import type { Workspace } from './workspace';

export { NPY_JSONL_TOLERANCE } from './validate-checks';

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

/** Validates every artifact of `epId` in `ws` and their cross-references. Never throws on bad data. */
export async function validateEpisode(ws: Workspace, epId: string): Promise<EpisodeReport> {
  const check = new EpisodeChecks(ws, epId);
  check.harvestPending = await harvestUnfinished(ws, epId);
  // In this order: tracks.jsonl gives the track ids later files are checked against, embeddings_meta.json
  // and faces.npy the embedding dimension faces.jsonl is read with, and identities.json the identity ids
  // of screentime.json and the revision the journal is checked against.
  await check.detections();
  await check.tracks();
  await check.trackMetrics();
  await check.embeddingsMetaAndMatrix();
  await check.faces();
  check.facesNpyRows();
  await check.trackEmbeddings();
  await check.identities();
  await check.cleanupReport();
  await check.screentime();
  const warnings: string[] = [];
  await check.journal(warnings);
  await check.tempFiles(warnings);

  const artifacts = [...check.c.reports.values()];
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
