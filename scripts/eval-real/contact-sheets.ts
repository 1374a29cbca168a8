// `node --import tsx scripts/eval-real/contact-sheets.ts <eval-real.json> <out dir>`
// One PNG per identity of each clip scored in an eval:real JSON report: a row per track (its id,
// labeled person, avg_conf, number of faces) followed by its face crops, so a reviewer of the
// pipeline's output can judge identities by eye next to the numbers.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { z } from 'zod';
import { episodeArtifacts } from '../../electron/store/artifacts';
import { readJson } from '../../electron/store/json';
import { Workspace } from '../../electron/store/workspace';

const TILE = 56;
const LABEL_W = 260;
const MAX_FACES = 16;

const reportSchema = z.object({
  results: z.array(z.object({ clip: z.string(), epId: z.string(), workspace: z.string(), before: z.object({ trackLabels: z.record(z.string(), z.string()) }) })),
});

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

function textTile(text: string, w: number, h: number): Buffer {
  const svg = `<svg width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg"><rect width="100%" height="100%" fill="#222"/><text x="4" y="${h / 2 + 5}" font-family="sans-serif" font-size="14" fill="#fff">${escapeXml(text)}</text></svg>`;
  return Buffer.from(svg);
}

async function sheet(rows: Array<{ title: string; crops: Array<{ path: string; rejected: boolean }> }>, out: string): Promise<void> {
  const width = LABEL_W + MAX_FACES * TILE;
  const layers: OverlayOptions[] = [];
  for (const [r, row] of rows.entries()) {
    layers.push({ input: textTile(row.title, LABEL_W, TILE), left: 0, top: r * TILE });
    for (const [c, crop] of row.crops.slice(0, MAX_FACES).entries()) {
      let img = sharp(crop.path).resize(TILE, TILE, { fit: 'cover' });
      if (crop.rejected) img = img.modulate({ brightness: 0.45 });
      layers.push({ input: await img.toBuffer(), left: LABEL_W + c * TILE, top: r * TILE });
    }
  }
  await sharp({ create: { width, height: Math.max(1, rows.length) * TILE, channels: 3, background: '#000' } }).composite(layers).png({ compressionLevel: 6 }).toFile(out);
}

async function main(): Promise<void> {
  const [reportPath, outDir] = process.argv.slice(2);
  if (!reportPath || !outDir) throw new Error('usage: contact-sheets.ts <eval-real.json> <out dir>');
  const report = await readJson(reportPath, reportSchema);
  for (const r of report.results) {
    const ws = new Workspace(r.workspace);
    const art = episodeArtifacts(ws, r.epId);
    const [faces, tracks, ids] = await Promise.all([art.readFaces(), art.readTracks(), art.readIdentities()]);
    const conf = new Map(tracks.map((t) => [t.track_id, t.stats.avg_conf]));
    const dir = join(outDir, r.clip);
    mkdirSync(dir, { recursive: true });
    for (const ident of ids.identities) {
      const rows = ident.track_ids.map((t) => {
        const fs = faces.filter((f) => f.track_id === t && f.crop_path);
        const crops = fs.map((f) => ({ path: ws.resolveManifestRef(r.epId, f.crop_path!), rejected: Boolean(f.rejection_reason) }));
        return { title: `${t.replace('track-', 't')} ${r.before.trackLabels[t] ?? '—'} c${conf.get(t)?.toFixed(2)} n${fs.length}`, crops };
      });
      await sheet(rows, join(dir, `${ident.identity_id}.png`));
    }
    console.log(`${r.clip}: ${ids.identities.length} sheets in ${dir}`);
  }
}

main().catch((err) => {
  console.error(`contact-sheets: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
