// `screenalytics screentime <ep_id> --workspace <dir>`: prints screen time per person (and unlabeled
// identities) and writes data/manifests/{ep_id}/screentime.json + screentime.csv.
import { resolve } from 'node:path';
import { exportEpisodeScreenTime } from '../service/screentime';
import type { ScreentimeDoc } from '../../shared/schema/screentime';
import { numberOption, parseEpisodeCommand, parseNumber } from './args';

const USAGE = `usage: screenalytics screentime <ep_id> --workspace <dir> [options]
  --video <file>        probe this video for the episode length (share denominator)
  --duration <seconds>  episode length (else detect_meta.json, else the end of the last track)
  --scene-cuts <s,s,…>  scene cut times in seconds (else detect_meta.json; none = no per-scene columns)
  --gap <seconds>       gaps up to this long join one appearance (default 1)`;

const fmtS = (s: number | null) => (s === null ? '-' : s.toFixed(1));

/** Plain fixed-width table: the terminal is the only consumer, a table library would add nothing. */
export function formatScreenTimeTable(doc: ScreentimeDoc): string {
  const rows: string[][] = [['person', 'identities', 'seconds', 'share', 'appearances', 'first', 'last']];
  for (const p of doc.people) {
    rows.push([p.name, String(p.identity_ids.length), p.seconds.toFixed(1), `${(p.share * 100).toFixed(1)}%`, String(p.appearance_count), fmtS(p.first_appearance_s), fmtS(p.last_appearance_s)]);
  }
  for (const i of doc.identities.filter((x) => x.person_id === null)) {
    rows.push([`(unlabeled) ${i.identity_id}`, '1', i.seconds.toFixed(1), `${(i.share * 100).toFixed(1)}%`, String(i.appearance_count), fmtS(i.first_appearance_s), fmtS(i.last_appearance_s)]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const head = `${doc.ep_id}: ${doc.episode_duration_s.toFixed(1)} s (${doc.duration_source.replace('_', ' ')})` +
    (doc.scene_cuts_known ? `, ${doc.scenes.length} scenes` : ', scene cuts unknown');
  return [head, line(rows[0]), ...rows.slice(1).map(line)].join('\n');
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseEpisodeCommand(args, USAGE, {
    video: { type: 'string' },
    duration: { type: 'string' },
    'scene-cuts': { type: 'string' },
    gap: { type: 'string' },
  });
  if (typeof parsed === 'number') return parsed;
  const { values, epId } = parsed;
  const nonNegative = { min: 0 };
  const sceneCuts = values['scene-cuts'];
  const { doc, jsonPath, csvPath } = await exportEpisodeScreenTime(resolve(parsed.workspace), epId, {
    videoPath: values.video,
    durationS: numberOption('--duration', values.duration, nonNegative),
    sceneCutsS: sceneCuts !== undefined ? sceneCuts.split(',').filter((s) => s.trim()).map((s) => parseNumber('--scene-cuts', s, nonNegative)) : undefined,
    appearanceGapS: numberOption('--gap', values.gap, nonNegative),
  });
  console.log(formatScreenTimeTable(doc));
  console.log(`\nwrote ${jsonPath}\nwrote ${csvPath}`);
  return 0;
}
