// The markdown table eval:real prints: one row per clip and stage (before / after cleanup).
import type { EpisodeEvaluation } from './evaluate';
import type { ReviewSimulation } from './review-sim';

export interface ReportRow {
  clip: string;
  people: string[];
  before: EpisodeEvaluation;
  after: EpisodeEvaluation | null;
  questions?: ReviewSimulation;
}

const f2 = (v: number) => v.toFixed(2);
const pct = (a: number, b: number) => (b ? `${a}/${b} (${((100 * a) / b).toFixed(1)}%)` : '—');

function row(clip: string, stage: string, people: number, e: EpisodeEvaluation): string {
  const split = Object.entries(e.peopleSplit).filter(([, n]) => n > 1).map(([p, n]) => `${p} ${n}`).join(', ') || 'none';
  const impure = `${e.impureIdentities.length}${e.multiTrackImpure.length ? ` (${e.multiTrackImpure.length} with ≥ 2 stray tracks)` : ''}`;
  const mixed = `${e.mixedTracks.length}${e.mixedTracksAllBoxes ? ` / ${e.mixedTracksAllBoxes.length}` : ' / —'}`;
  return `| ${clip} | ${stage} | ${e.labeledIdentities} (${e.identities}) for ${people} | ${impure} | ${mixed} | ${e.labeledTracks}/${e.tracks} | ${f2(e.trackWcp)} | ${f2(e.bcubed.precision)} / ${f2(e.bcubed.recall)} / ${f2(e.bcubed.f1)} | ${f2(e.bcubedFaces.f1)} | ${split} | ${pct(e.recall.detectedNamed, e.recall.labeledNamed)} |`;
}

/** B-cubed F after the first n answers (the last one when fewer were asked). */
const fAfter = (q: ReviewSimulation, n: number) => f2(q.f1[Math.min(n, q.f1.length - 1)]);

function questionsTable(rows: readonly ReportRow[]): string[] {
  const asked = rows.filter((r) => r.questions);
  if (!asked.length) return [];
  const lines = [
    '"Same person?" questions on the pipeline\'s identities, answered by the labels in the order asked (y merges, n keeps apart):',
    '',
    '| clip | answers (y / n) | B-cubed F before | after 5 | after 10 | after 20 | after all | answers in order |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of asked) {
    const q = r.questions!;
    const yes = [...q.answers].filter((a) => a === 'y').length;
    lines.push(`| ${r.clip} | ${q.answers.length} (${yes} / ${q.answers.length - yes}) | ${fAfter(q, 0)} | ${fAfter(q, 5)} | ${fAfter(q, 10)} | ${fAfter(q, 20)} | ${fAfter(q, q.answers.length)} | ${q.answers || '—'} |`);
  }
  return lines;
}

export function formatTable(title: string, rows: readonly ReportRow[]): string {
  const lines = [
    `### eval:real — ${title}`,
    '',
    '| clip | stage | identities with cast (all) for people | impure identities | mixed tracks (faces / all boxes) | labeled tracks | track WCP | B-cubed P / R / F | B-cubed F by faces | people split | cast boxes detected |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const people = r.people.length;
    lines.push(row(r.clip, 'pipeline', people, r.before));
    if (r.after) lines.push(row(r.clip, 'after cleanup', people, r.after));
  }
  lines.push('', ...questionsTable(rows), '');
  for (const r of rows) {
    for (const [stage, e] of [['pipeline', r.before], ['after cleanup', r.after]] as const) {
      if (!e) continue;
      const detail = [
        e.impureIdentities.length ? `impure: ${e.impureIdentities.join(', ')}` : '',
        e.mixedTracks.length ? `mixed (faces): ${e.mixedTracks.join(', ')}` : '',
        e.mixedTracksAllBoxes?.length ? `mixed (all boxes): ${e.mixedTracksAllBoxes.join(', ')}` : '',
        `faces ${e.faces} (${e.facesMatched} on a labeled box); ${e.framesWithoutDetection}/${e.analysedFrames} analysed frames without a detection; all labeled boxes detected ${pct(e.recall.detected, e.recall.labeled)}`,
      ].filter(Boolean);
      lines.push(`- ${r.clip}, ${stage}: ${detail.join('; ')}`);
    }
  }
  return lines.join('\n');
}
