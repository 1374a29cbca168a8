// Screen time of one episode from its artifacts: tracks.jsonl + identities.json (+ scene cuts and the
// video's duration when known) → data/manifests/{ep}/screentime.json and screentime.csv, validated and
// written atomically. The maths is shared/screentime.ts; this file only gathers inputs and writes.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { episodePaths } from '../../shared/layout';
import { identitiesDocSchema, type IdentitiesDoc } from '../../shared/schema/identities';
import { trackSchema } from '../../shared/schema/tracks';
import { screentimeCsv, screentimeDocSchema, type ScreentimeDoc } from '../../shared/schema/screentime';
import { computeScreenTime } from '../../shared/screentime';
import { writeFileAtomic } from '../store/atomic';
import { readJson, writeJson } from '../store/json';
import { readJsonl } from '../store/jsonl';
import { detectMetaSchema, sidePaths } from '../pipeline/sidefiles';

export interface ScreenTimeInputs {
  /** Episode length in seconds (wins over everything else). */
  durationS?: number;
  /** Video file to probe for its duration when durationS is not given. */
  videoPath?: string;
  /** Scene cut times in seconds; when omitted they come from detect_meta.json (see sceneInfoFromDetectMeta). */
  sceneCutsS?: number[];
  appearanceGapS?: number;
  /** The review service's in-memory document (newer than identities.json mid-edit); else read from disk. */
  identities?: IdentitiesDoc;
}

export function screentimePaths(epId: string) {
  const p = episodePaths(epId);
  return { json: p.screentimeJson, csv: p.screentimeCsv };
}

/**
 * Scene cuts and video duration as the detect stage recorded them in detect_meta.json (validated with
 * the pipeline's own schema); undefined when the episode was not made by the pipeline.
 */
export async function sceneInfoFromDetectMeta(root: string, epId: string): Promise<{ sceneCutsS?: number[]; durationS?: number }> {
  const path = join(root, sidePaths(epId).detectMeta);
  try {
    await stat(path);
  } catch {
    return {};
  }
  const meta = await readJson(path, detectMetaSchema);
  return { sceneCutsS: meta.scene_cuts.map((c) => c.ts_s), durationS: meta.video.duration_sec > 0 ? meta.video.duration_sec : undefined };
}

/** Computes (does not write) the screentime document of `epId` in the workspace at `root`. */
export async function computeEpisodeScreenTime(root: string, epId: string, inputs: ScreenTimeInputs = {}): Promise<ScreentimeDoc> {
  const paths = episodePaths(epId);
  const tracks = await readJsonl(join(root, paths.tracks), trackSchema);
  const identities = inputs.identities ?? (await readJson(join(root, paths.identities), identitiesDocSchema));
  const fromRun = await sceneInfoFromDetectMeta(root, epId);

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

/**
 * Re-exports screentime.json/csv after a review edit, when the episode has them: they name identities,
 * and an edit (a merge) can remove one. Keeps an explicitly given duration; the rest is recomputed.
 */
export async function refreshEpisodeScreenTime(root: string, epId: string, identities: IdentitiesDoc): Promise<boolean> {
  const path = join(root, screentimePaths(epId).json);
  const old = await readJson(path, screentimeDocSchema).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!old) return false;
  await exportEpisodeScreenTime(root, epId, { identities, durationS: old.duration_source === 'given' ? old.episode_duration_s : undefined });
  return true;
}

