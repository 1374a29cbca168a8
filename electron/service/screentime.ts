// Screen time of one episode from its artifacts: tracks.jsonl + identities.json (+ scene cuts and the
// video's duration when known) → data/manifests/{ep}/screentime.json and screentime.csv, validated and
// written atomically. The maths is shared/screentime.ts; this file only gathers inputs and writes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { episodePaths } from '../../shared/episode';
import { identitiesDocSchema, type IdentitiesDoc } from '../../shared/schema/identities';
import { trackSchema } from '../../shared/schema/tracks';
import { screentimeCsv, screentimeDocSchema, type ScreentimeDoc } from '../../shared/schema/screentime';
import { computeScreenTime } from '../../shared/screentime';
import { writeFileAtomic } from '../store/atomic';
import { readJson, writeJson } from '../store/json';
import { readJsonl } from '../store/jsonl';

export interface ScreenTimeInputs {
  /** Episode length in seconds (wins over everything else). */
  durationS?: number;
  /** Video file to probe for its duration when durationS is not given. */
  videoPath?: string;
  /** Scene cut times in seconds; when omitted they are looked up in the run state (see sceneInfoFromRunState). */
  sceneCutsS?: number[];
  appearanceGapS?: number;
  /** The review service's in-memory document (newer than identities.json mid-edit); else read from disk. */
  identities?: IdentitiesDoc;
}

export function screentimePaths(epId: string) {
  const { manifestsDir } = episodePaths(epId);
  return {
    json: `${manifestsDir}/screentime.json`,
    csv: `${manifestsDir}/screentime.csv`,
    runState: `${manifestsDir}/run_state.json`,
  };
}

const numbers = (v: unknown): number[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : undefined;

/**
 * Scene cuts and duration as the pipeline recorded them. The run-state side file belongs to the
 * pipeline, so this reads only the few fields it needs, wherever the writer nests them
 * (`scene_cuts_s` / `sceneCutsS`, `duration_s` / `durationSec`), instead of binding to its whole schema.
 */
export function sceneInfoFromRunState(state: unknown): { sceneCutsS?: number[]; durationS?: number } {
  const out: { sceneCutsS?: number[]; durationS?: number } = {};
  const visit = (node: unknown, depth: number) => {
    if (!node || typeof node !== 'object' || depth > 4) return;
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (!out.sceneCutsS && /^scene_?cuts_?s$/i.test(k)) out.sceneCutsS = numbers(v);
      else if (out.durationS === undefined && /^(duration_?s|durationSec)$/i.test(k) && typeof v === 'number' && v > 0) out.durationS = v;
      else if (typeof v === 'object') visit(v, depth + 1);
    }
  };
  visit(state, 0);
  return out;
}

async function readRunState(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${path}: ${(err as Error).message}`);
  }
}

/** Computes (does not write) the screentime document of `epId` in the workspace at `root`. */
export async function computeEpisodeScreenTime(root: string, epId: string, inputs: ScreenTimeInputs = {}): Promise<ScreentimeDoc> {
  const paths = episodePaths(epId);
  const tracks = await readJsonl(join(root, paths.tracks), trackSchema);
  const identities = inputs.identities ?? (await readJson(join(root, paths.identities), identitiesDocSchema));
  const fromRun = sceneInfoFromRunState(await readRunState(join(root, screentimePaths(epId).runState)));

  let durationS = inputs.durationS;
  let duration_source: ScreentimeDoc['duration_source'] = 'given';
  if (durationS === undefined && inputs.videoPath) {
    // Loaded lazily: probing spawns ffprobe, which the plain computation does not need.
    const { probeVideo } = await import('../pipeline/decode');
    durationS = (await probeVideo(inputs.videoPath)).durationSec;
    duration_source = 'video';
  }
  if (durationS === undefined && fromRun.durationS !== undefined) {
    durationS = fromRun.durationS;
    duration_source = 'video';
  }
  if (durationS === undefined) duration_source = 'tracks_extent';
  const sceneCutsS = inputs.sceneCutsS ?? fromRun.sceneCutsS;

  const result = computeScreenTime(tracks, identities.identities, {
    durationS,
    sceneCutsS,
    appearanceGapS: inputs.appearanceGapS,
  });
  return screentimeDocSchema.parse({
    schema_version: 'screentime_v1',
    ep_id: epId,
    created_at: new Date().toISOString(),
    duration_source,
    scene_cuts_known: sceneCutsS !== undefined,
    ...result,
  });
}

/** Computes and writes screentime.json and screentime.csv (JSON validated before anything is written). */
export async function exportEpisodeScreenTime(
  root: string,
  epId: string,
  inputs: ScreenTimeInputs = {},
): Promise<{ doc: ScreentimeDoc; jsonPath: string; csvPath: string }> {
  const doc = await computeEpisodeScreenTime(root, epId, inputs);
  const rel = screentimePaths(epId);
  const jsonPath = join(root, rel.json);
  const csvPath = join(root, rel.csv);
  await writeJson(jsonPath, doc, screentimeDocSchema);
  await writeFileAtomic(csvPath, screentimeCsv(doc));
  return { doc, jsonPath, csvPath };
}
