// `node --import tsx scripts/eval-real/cluster-sweep.ts <eval-real.json> [--gates a,b] [--thresholds x,y] [--variants]`
// Re-pools and re-clusters the episodes an eval:real run wrote (its JSON names the workspaces and the
// track labels) under every quality gate × cluster threshold, with the pipeline's own pooling and
// planning (recluster.ts), and prints eval:real's identity scores per clip as a markdown table.
// --variants adds the pooling and linkage variants measured against the default (docs/DECISIONS.md).
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { readJson } from '../../electron/store/json';
import { Workspace } from '../../electron/store/workspace';
import type { Face } from '../../shared/schema';
import type { RealScores } from './metrics';
import { loadScoredEpisode, recluster, regate, scoreIdentities, type ReclusterOptions, type ScoredEpisode } from './recluster';

const reportSchema = z.object({
  results: z.array(z.object({ clip: z.string(), epId: z.string(), workspace: z.string(), before: z.object({ trackLabels: z.record(z.string(), z.string()) }) })),
});

interface Variant {
  name: string;
  gate: number;
  opts: (ep: ScoredEpisode, faces: Face[]) => ReclusterOptions;
}

/** Face embeddings minus the mean of the episode's accepted faces, re-normalised. */
function centred(ep: ScoredEpisode, faces: readonly Face[]): Float32Array {
  const { dim, rows } = ep;
  const mean = new Float64Array(dim);
  let n = 0;
  faces.forEach((f, i) => {
    if (f.rejection_reason) return;
    n++;
    for (let k = 0; k < dim; k++) mean[k] += rows[i * dim + k];
  });
  const out = new Float32Array(rows.length);
  for (let i = 0; i < faces.length; i++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += (out[i * dim + k] = rows[i * dim + k] - mean[k] / Math.max(1, n)) ** 2;
    for (let k = 0; k < dim; k++) out[i * dim + k] /= Math.sqrt(s) || 1;
  }
  return out;
}

/** Only each track's k best accepted faces are pooled. */
function bestK(faces: readonly Face[], k: number): Face[] {
  const byTrack = new Map<string, number[]>();
  faces.forEach((f, i) => f.rejection_reason || byTrack.set(f.track_id, [...(byTrack.get(f.track_id) ?? []), i]));
  const drop = new Set<number>();
  for (const idx of byTrack.values()) idx.sort((a, b) => faces[b].quality_score - faces[a].quality_score).slice(k).forEach((i) => drop.add(i));
  return faces.map((f, i) => (drop.has(i) ? { ...f, rejection_reason: 'not_best' } : f));
}

function variants(gates: number[], thresholds: number[], extra: boolean): Variant[] {
  const out: Variant[] = [];
  for (const gate of gates) for (const thresh of thresholds) out.push({ name: `gate ${gate}, average ${thresh}`, gate, opts: (_, faces) => ({ thresh, faces }) });
  if (!extra) return out;
  for (const thresh of [0.2, 0.25, 0.3]) out.push({ name: `gate 0.35, centred on the episode mean, average ${thresh}`, gate: 0.35, opts: (ep, faces) => ({ thresh, faces, rows: centred(ep, faces) }) });
  for (const thresh of [0.25, 0.3, 0.33]) out.push({ name: `gate 0.35, complete ${thresh}`, gate: 0.35, opts: (_, faces) => ({ thresh, faces, linkage: 'complete' }) });
  for (const thresh of [-0.2, 0, 0.3]) out.push({ name: `gate 0.4, ward ${thresh}`, gate: 0.4, opts: (_, faces) => ({ thresh, faces, linkage: 'ward' }) });
  for (const k of [1, 3]) out.push({ name: `gate 0.4, ${k} best face(s) per track, average 0.33`, gate: 0.4, opts: (_, faces) => ({ thresh: 0.33, faces: bestK(faces, k) }) });
  out.push({ name: 'gate 0.4, weights quality², average 0.33', gate: 0.4, opts: (_, faces) => ({ thresh: 0.33, faces: faces.map((f) => ({ ...f, quality_score: f.quality_score ** 2 })) }) });
  return out;
}

const f2 = (v: number) => v.toFixed(2);
const cell = (s: RealScores) =>
  `${s.labeledIdentities} (${s.identities}) | ${s.impureIdentities.length} (${s.multiTrackImpure.length}) | ${f2(s.trackWcp)} | ${f2(s.bcubed.precision)} / ${f2(s.bcubed.recall)} / ${f2(s.bcubed.f1)}`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { gates: { type: 'string', default: '0.35,0.4,0.45,0.5' }, thresholds: { type: 'string', default: '0.3,0.33,0.36' }, variants: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new Error('usage: cluster-sweep.ts <eval-real.json> [--gates a,b] [--thresholds x,y] [--variants]');
  const list = (s: string, what: string) => s.split(',').map((v) => {
    const x = Number(v);
    if (!(x >= 0 && x <= 1)) throw new Error(`--${what}: expected numbers in [0, 1], got "${v}"`);
    return x;
  });
  const report = await readJson(positionals[0], reportSchema);
  const eps = await Promise.all(report.results.map(async (r) => ({ clip: r.clip, ep: await loadScoredEpisode(new Workspace(r.workspace), r.epId, r.before.trackLabels) })));
  const head = eps.map((e) => `${e.clip}: identities with cast (all) | impure (≥ 2 stray tracks) | WCP | B-cubed P / R / F`).join(' | ');
  console.log(`| variant | ${head} |\n|---|${eps.map(() => '---|---|---|---|').join('')}`);
  for (const v of variants(list(values.gates!, 'gates'), list(values.thresholds!, 'thresholds'), values.variants!)) {
    const cells = eps.map(({ ep }) => {
      const faces = regate(ep.faces, v.gate);
      return cell(scoreIdentities(ep, recluster(ep, v.opts(ep, faces))));
    });
    console.log(`| ${v.name} | ${cells.join(' | ')} |`);
  }
}

main().catch((err) => {
  console.error(`cluster-sweep: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
