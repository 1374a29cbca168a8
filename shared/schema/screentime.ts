import { z } from 'zod';
import { epIdSchema, finite, identityIdSchema, isoTimestamp, nonNegInt, trackIdSchema, unit } from './common';

/*
 * screentime.json (screentime_v1) — data/manifests/{ep_id}/screentime.json
 *
 * | field                      | type            | meaning                                                            |
 * |----------------------------|-----------------|--------------------------------------------------------------------|
 * | schema_version             | "screentime_v1" |                                                                    |
 * | ep_id                      | string          | episode                                                            |
 * | created_at                 | ISO 8601        | when it was computed                                               |
 * | episode_duration_s         | float ≥ 0       | denominator of `share`                                             |
 * | duration_source            | enum            | "video" (probed, or detect_meta.json), "given", "tracks_extent" (last track end)|
 * | appearance_gap_s           | float ≥ 0       | gaps up to this long join runs into one appearance                 |
 * | scene_cuts_known           | bool            | false → `scenes` and every `per_scene` are empty                   |
 * | scenes[]                   | object          | {scene_index, start_s, end_s}: [0,cut1), [cut1,cut2), …, [cutN,end]  |
 * | people[]                   | object          | one per labeled person (labels.person_id, else slug of labels.name)|
 * | identities[]               | object          | one per identity in identities.json, labeled or not                |
 *
 * Each person / identity entry carries:
 * | seconds                    | float ≥ 0       | length of the union of its tracks' [start_s, end_s] (no double count)|
 * | share                      | float in [0,1]  | seconds / episode_duration_s                                       |
 * | appearance_count           | int             | = appearances.length                                               |
 * | first_appearance_s / last_appearance_s | float or null | start of the first / end of the last on-screen run      |
 * | appearances[]              | object          | {start_s, end_s, seconds, track_ids}: track_ids earliest first     |
 * | per_scene[]                | object          | {scene_index, seconds}, only scenes where it is on screen          |
 * People add person_id, name, identity_ids; identities add identity_id, person_id|null, name|null,
 * locked, track_ids. Both lists are sorted by seconds, longest first.
 *
 * screentime.csv — one row per labeled person, same order as people[]. Columns:
 *   person_id, name, identity_ids (";"-joined), seconds, share (0–1, 4 decimals),
 *   appearances (count), first_appearance_s, last_appearance_s,
 *   then, when scene cuts are known, one column per scene: scene_000_s, scene_001_s, …
 * Seconds have 3 decimals; empty first/last cells mean "never on screen". RFC 4180 quoting.
 */

const nonNeg = finite.refine((v) => v >= 0, { message: 'must be ≥ 0' });

const appearanceSchema = z
  .strictObject({
    start_s: nonNeg,
    end_s: nonNeg,
    seconds: nonNeg,
    track_ids: z.array(trackIdSchema).min(1),
  })
  .refine((a) => a.start_s <= a.end_s, { message: 'start_s must be ≤ end_s', path: ['end_s'] });

const statsShape = {
  seconds: nonNeg,
  share: unit,
  appearance_count: nonNegInt,
  first_appearance_s: nonNeg.nullable(),
  last_appearance_s: nonNeg.nullable(),
  appearances: z.array(appearanceSchema),
  per_scene: z.array(z.strictObject({ scene_index: nonNegInt, seconds: nonNeg })),
};

const countMatches = (e: { appearance_count: number; appearances: unknown[] }) => e.appearance_count === e.appearances.length;
const countMessage = { message: 'appearance_count must equal appearances.length', path: ['appearance_count'] };

export const personScreenTimeSchema = z
  .strictObject({
    person_id: z.string().min(1),
    name: z.string().min(1),
    identity_ids: z.array(identityIdSchema).min(1),
    ...statsShape,
  })
  .refine(countMatches, countMessage);

export const identityScreenTimeSchema = z
  .strictObject({
    identity_id: identityIdSchema,
    person_id: z.string().min(1).nullable(),
    name: z.string().min(1).nullable(),
    locked: z.boolean(),
    track_ids: z.array(trackIdSchema),
    ...statsShape,
  })
  .refine(countMatches, countMessage);

export const sceneSchema = z
  .strictObject({ scene_index: nonNegInt, start_s: nonNeg, end_s: nonNeg })
  .refine((s) => s.start_s <= s.end_s, { message: 'start_s must be ≤ end_s', path: ['end_s'] });

export const screentimeDocSchema = z
  .strictObject({
    schema_version: z.literal('screentime_v1'),
    ep_id: epIdSchema,
    created_at: isoTimestamp,
    episode_duration_s: nonNeg,
    duration_source: z.enum(['video', 'given', 'tracks_extent']),
    appearance_gap_s: nonNeg,
    scene_cuts_known: z.boolean(),
    scenes: z.array(sceneSchema),
    people: z.array(personScreenTimeSchema),
    identities: z.array(identityScreenTimeSchema),
  })
  .superRefine((doc, ctx) => {
    const sceneCount = doc.scenes.length;
    const check = (list: 'people' | 'identities') =>
      doc[list].forEach((e, i) =>
        e.per_scene.forEach((p, j) => {
          if (p.scene_index >= sceneCount) {
            ctx.addIssue({ code: 'custom', path: [list, i, 'per_scene', j, 'scene_index'], message: `no scene ${p.scene_index} (${sceneCount} scenes)` });
          }
        }),
      );
    check('people');
    check('identities');
    if (!doc.scene_cuts_known && sceneCount > 0) {
      ctx.addIssue({ code: 'custom', path: ['scenes'], message: 'scenes must be empty when scene_cuts_known is false' });
    }
  });
export type ScreentimeDoc = z.infer<typeof screentimeDocSchema>;

// Hand-written: RFC 4180 quoting is a few lines and no CSV library is a dependency here.
function csvCell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const SCREENTIME_CSV_BASE_COLUMNS = [
  'person_id',
  'name',
  'identity_ids',
  'seconds',
  'share',
  'appearances',
  'first_appearance_s',
  'last_appearance_s',
] as const;

const sec = (v: number | null) => (v === null ? null : v.toFixed(3));

/** screentime.csv text (CRLF line ends per RFC 4180) for a validated document. */
export function screentimeCsv(doc: ScreentimeDoc): string {
  const sceneCols = doc.scenes.map((s) => `scene_${String(s.scene_index).padStart(3, '0')}_s`);
  const lines = [[...SCREENTIME_CSV_BASE_COLUMNS, ...sceneCols].join(',')];
  for (const p of doc.people) {
    const perScene = new Map(p.per_scene.map((x) => [x.scene_index, x.seconds]));
    const row: (string | number | null)[] = [
      p.person_id,
      p.name,
      p.identity_ids.join(';'),
      sec(p.seconds),
      p.share.toFixed(4),
      p.appearance_count,
      sec(p.first_appearance_s),
      sec(p.last_appearance_s),
      ...doc.scenes.map((s) => sec(perScene.get(s.scene_index) ?? 0)),
    ];
    lines.push(row.map(csvCell).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
