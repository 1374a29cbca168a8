// Labeling helper for the real-clip ground truth (eval/labels/<clip>.json). Not part of the scoring.
//
//   node --import tsx scripts/eval-real/label-tool.ts sheets <workspace> <ep_id> <out_dir> [track ids,… [cell px]]
//     contact sheets of every track's boxes (every analysed frame, time under each crop, tracks
//     labeled by id) plus one sheet of detections no track holds ("untracked"), to judge by eye
//     against ../shared/eval/faces/ref-*.
//   node --import tsx scripts/eval-real/label-tool.ts frames <workspace> <ep_id> <out.png> <t,t,…>
//     whole frames at those times with every box drawn and named by its track (to place a track in a shot).
//   node --import tsx scripts/eval-real/label-tool.ts missed <other workspace> <ep_id> <labels.json> <out_dir>
//     boxes another run found that no label covers (faces the labeling run missed), to name as "extra".
//   node --import tsx scripts/eval-real/label-tool.ts write <workspace> <ep_id> <assign.json> <labels.json>
//     writes the labels: every box of the run (tracked or not) with the person its assignment gives.
//
// assign.json: { "clip": "<file name>", "people": [...], "tracks": { "<track_id>": <who> },
//   "untracked": [{ "from": s, "to": s, "box": [x1,y1,x2,y2]?, "person": name }] , "drop": [...] }
// where <who> is a name, or a list of [from_s, name] segments (a track that follows a pan from one
// person to another: name from from_s until the next segment). Names: a cast member, "other" (an
// extra), "unknown" (cannot decide), or "none" (not a face: the box is left out of the labels).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { buildTracks } from '../../electron/pipeline/track';
import { decodeFrames } from '../../electron/pipeline/decode';
import { cropBox } from '../../electron/pipeline/face-crop';
import { detectMetaSchema, sidePaths, type DetectMeta } from '../../electron/pipeline/sidefiles';
import { episodeArtifacts } from '../../electron/store/artifacts';
import { Workspace } from '../../electron/store/workspace';
import { readJson } from '../../electron/store/json';
import { writeFileAtomic } from '../../electron/store/atomic';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { formatLabels, labelsDocSchema, nearestFrame, type LabelsDoc } from './labels';
import { iou, type Box } from '../../shared/geometry';
import { runStateSettings } from './run-tracks';
import type { Detection } from '../../shared/schema/detections';

interface Cell { ts: number; frame: number; bbox: readonly number[] }

async function loadRun(wsDir: string, epId: string) {
  const ws = new Workspace(wsDir);
  const meta = await readJson(ws.abs(sidePaths(epId).detectMeta), detectMetaSchema);
  const detections = await episodeArtifacts(ws, epId).readDetections();
  const settings = { ...defaultPipelineSettings(), ...(await runStateSettings(ws, epId, 'track')) };
  const built = buildTracks({
    epId, detections, frames: meta.frames, cutFrames: meta.scene_cuts.map((c) => c.frame_idx),
    width: meta.video.width, height: meta.video.height, durationSec: meta.video.duration_sec, settings,
  });
  return { ws, meta, detections, built };
}

const key = (frame: number, b: readonly number[]) => `${frame}:${b.map((v) => v.toFixed(5)).join(',')}`;

/** Contact sheets of the groups' crops (time under each), several groups per page; returns the page count. */
async function renderSheets(meta: DetectMeta, groups: Array<{ id: string; cells: Cell[] }>, outDir: string, CELL: number): Promise<number> {
  const want = new Set(groups.flatMap((g) => g.cells.map((c) => c.frame)));
  const { width: W, height: H } = meta.video;
  const crops = new Map<string, Buffer>();
  for await (const fr of decodeFrames(meta.video.path, { stride: meta.stride, onlyFrames: want })) {
    for (const g of groups) for (const c of g.cells) {
      if (c.frame !== fr.frameIdx) continue;
      const r = cropBox([c.bbox[0] * W, c.bbox[1] * H, c.bbox[2] * W, c.bbox[3] * H], W, H);
      const img = sharp(Buffer.from(fr.image.data.buffer, fr.image.data.byteOffset, fr.image.data.byteLength), { raw: { width: W, height: H, channels: 3 } });
      crops.set(`${g.id}|${key(c.frame, c.bbox)}`, await img.extract(r).resize(CELL, CELL, { fit: 'contain' }).raw().toBuffer());
    }
  }
  mkdirSync(outDir, { recursive: true });
  const COLS = Math.max(4, Math.floor(1056 / (CELL + 2))), CW = CELL + 2, CH = CELL + 12, TITLE = 16, MAXH = 1200;
  let page: Array<{ g: typeof groups[number]; rows: number; y: number }> = [];
  let y = 0, n = 0;
  const flush = async () => {
    if (!page.length) return;
    const comps: OverlayOptions[] = [];
    let svg = '';
    for (const { g, y: gy } of page) {
      svg += `<text x="2" y="${gy + 12}" font-size="12" font-family="sans-serif" fill="yellow">${g.id} (${g.cells.length} boxes, ${g.cells[0].ts.toFixed(1)}–${g.cells[g.cells.length - 1].ts.toFixed(1)} s)</text>`;
      g.cells.forEach((c, i) => {
        const x = (i % COLS) * CW, cy = gy + TITLE + Math.floor(i / COLS) * CH;
        comps.push({ input: crops.get(`${g.id}|${key(c.frame, c.bbox)}`)!, raw: { width: CELL, height: CELL, channels: 3 }, left: x, top: cy });
        svg += `<text x="${x + 1}" y="${cy + CELL + 10}" font-size="10" font-family="sans-serif" fill="white">${c.ts.toFixed(1)}</text>`;
      });
    }
    const width = COLS * CW;
    comps.push({ input: Buffer.from(`<svg width="${width}" height="${y}" xmlns="http://www.w3.org/2000/svg">${svg}</svg>`), left: 0, top: 0 });
    await sharp({ create: { width, height: y, channels: 3, background: '#202020' } }).composite(comps).png().toFile(join(outDir, `sheet-${String(++n).padStart(2, '0')}.png`));
    page = [];
    y = 0;
  };
  for (const g of groups) {
    const h = TITLE + Math.ceil(g.cells.length / COLS) * CH;
    if (y + h > MAXH && page.length) await flush();
    page.push({ g, rows: 0, y });
    y += h;
  }
  await flush();
  return n;
}

async function sheets(wsDir: string, epId: string, outDir: string, only?: Set<string>, CELL = 64): Promise<void> {
  const { meta, detections, built } = await loadRun(wsDir, epId);
  const tsOf = new Map(meta.frames.map(([f, t]) => [f, t]));
  const groups: Array<{ id: string; cells: Cell[] }> = built.boxes.map((t) => ({
    id: t.track_id,
    cells: t.boxes.map((b) => ({ frame: b.frame_idx, ts: tsOf.get(b.frame_idx)!, bbox: b.bbox })),
  }));
  const inTrack = new Set(built.boxes.flatMap((t) => t.boxes.map((b) => key(b.frame_idx, b.bbox))));
  const untracked = detections.filter((d) => !inTrack.has(key(d.frame_idx, d.bbox)));
  if (untracked.length) groups.push({ id: 'untracked', cells: untracked.map((d) => ({ frame: d.frame_idx, ts: d.ts_s, bbox: d.bbox })) });
  if (only) groups.splice(0, groups.length, ...groups.filter((g) => only.has(g.id) || only.has(g.id.slice(-2))));
  const n = await renderSheets(meta, groups, outDir, CELL);
  console.log(`${groups.length} groups (${untracked.length} untracked boxes) on ${n} sheets in ${outDir}`);
}

/** Full frames at the given times with every box drawn and named by its track id ("u" = untracked). */
async function frames(wsDir: string, epId: string, outPath: string, times: number[]): Promise<void> {
  const { meta, detections, built } = await loadRun(wsDir, epId);
  const trackOf = new Map<string, string>();
  for (const t of built.boxes) for (const b of t.boxes) trackOf.set(key(b.frame_idx, b.bbox), t.track_id.slice(-2));
  const want = new Map<number, number>();
  for (const ts of times) {
    const best = meta.frames.reduce((a, f) => (Math.abs(f[1] - ts) < Math.abs(a[1] - ts) ? f : a));
    want.set(best[0], best[1]);
  }
  const { width: W, height: H } = meta.video;
  const comps: OverlayOptions[] = [];
  const COLS = 2;
  let i = 0;
  for await (const fr of decodeFrames(meta.video.path, { stride: meta.stride, onlyFrames: new Set(want.keys()) })) {
    let svg = `<text x="4" y="16" font-size="16" fill="yellow" font-family="sans-serif">t=${fr.tsS.toFixed(2)}</text>`;
    for (const d of detections.filter((x) => x.frame_idx === fr.frameIdx)) {
      const [x1, y1, x2, y2] = [d.bbox[0] * W, d.bbox[1] * H, d.bbox[2] * W, d.bbox[3] * H];
      svg += `<rect x="${x1}" y="${y1}" width="${x2 - x1}" height="${y2 - y1}" fill="none" stroke="lime" stroke-width="2"/>`;
      svg += `<text x="${x1}" y="${y1 - 2}" font-size="14" fill="lime" font-family="sans-serif">${trackOf.get(key(d.frame_idx, d.bbox)) ?? 'u'}</text>`;
    }
    const raw = Buffer.from(fr.image.data.buffer, fr.image.data.byteOffset, fr.image.data.byteLength);
    const img = await sharp(raw, { raw: { width: W, height: H, channels: 3 } })
      .composite([{ input: Buffer.from(`<svg width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${svg}</svg>`), left: 0, top: 0 }]).png().toBuffer();
    comps.push({ input: img, left: (i % COLS) * W, top: Math.floor(i / COLS) * H });
    i++;
  }
  await sharp({ create: { width: COLS * W, height: Math.ceil(i / COLS) * H, channels: 3, background: '#000' } }).composite(comps).png().toFile(outPath);
  console.log(`${i} frames → ${outPath}`);
}

/**
 * Boxes of another run (another detector) that overlap no labeled box (IoU < 0.3 at the nearest labeled
 * time): candidate faces the labeling run missed, or that run's false detections. Sheets them (group
 * "missed", in time order) and prints each as a JSON line to name and copy into assign.json "extra".
 */
async function missed(wsDir: string, epId: string, labelsPath: string, outDir: string): Promise<void> {
  const { meta, detections } = await loadRun(wsDir, epId);
  const doc = labelsDocSchema.parse(JSON.parse(readFileSync(labelsPath, 'utf8')));
  const cells: Cell[] = [];
  for (const d of detections) {
    const fi = nearestFrame(doc.frames, d.ts_s);
    if (fi < 0) continue;
    const box = d.bbox as unknown as Box;
    if (doc.frames[fi].faces.some((x) => iou(box, x.box) >= 0.3)) continue;
    cells.push({ frame: d.frame_idx, ts: d.ts_s, bbox: d.bbox });
    console.log(JSON.stringify({ t: doc.frames[fi].t, box: d.bbox.map(r4), person: '?' }));
  }
  const n = await renderSheets(meta, [{ id: 'missed', cells }], outDir, 96);
  console.error(`${cells.length} boxes overlap no label; ${n} sheet(s) in ${outDir}`);
}

type Who = string | Array<[number, string]>;
interface Assign {
  clip: string;
  people: string[];
  tracks: Record<string, Who>;
  untracked?: Array<{ from: number; to: number; box?: [number, number, number, number]; person: string }>;
  /** Faces the labeling run did not detect, boxed by another detector (found with `missed`), added as they are. */
  extra?: Array<{ t: number; box: [number, number, number, number]; person: string }>;
}

function nameAt(who: Who, ts: number): string {
  if (typeof who === 'string') return who;
  let name = who[0][1];
  for (const [from, n] of who) if (ts >= from - 1e-6) name = n;
  return name;
}

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

async function write(wsDir: string, epId: string, assignPath: string, outPath: string): Promise<void> {
  const { meta, detections, built } = await loadRun(wsDir, epId);
  const a = JSON.parse(readFileSync(assignPath, 'utf8')) as Assign;
  const byKey = new Map<string, string>();
  for (const t of built.boxes) {
    const who = a.tracks[t.track_id];
    if (who === undefined) throw new Error(`${assignPath}: tracks: no entry for ${t.track_id}`);
    for (const b of t.boxes) byKey.set(key(b.frame_idx, b.bbox), nameAt(who, meta.frames.find(([f]) => f === b.frame_idx)![1]));
  }
  const untrackedName = (d: Detection): string => {
    for (const u of a.untracked ?? []) {
      if (d.ts_s < u.from - 1e-6 || d.ts_s > u.to + 1e-6) continue;
      if (u.box && !(d.bbox[0] < u.box[2] && d.bbox[2] > u.box[0] && d.bbox[1] < u.box[3] && d.bbox[3] > u.box[1])) continue;
      return u.person;
    }
    return 'unknown';
  };
  const frames = meta.frames.map(([f, t]) => ({
    t: r4(t),
    faces: detections
      .filter((d) => d.frame_idx === f)
      .map((d) => ({ box: d.bbox.map(r4) as [number, number, number, number], person: byKey.get(key(f, d.bbox)) ?? untrackedName(d) }))
      .filter((x) => x.person !== 'none')
      .concat((a.extra ?? []).filter((x) => Math.abs(x.t - r4(t)) < 1e-3 && x.person !== 'none').map((x) => ({ box: x.box, person: x.person }))),
  }));
  (a.extra ?? []).forEach((x, i) => {
    if (!frames.some((f) => Math.abs(x.t - f.t) < 1e-3)) throw new Error(`${assignPath}: extra[${i}].t: ${x.t} is not a labeled time`);
  });
  const doc: LabelsDoc = {
    schema_version: 'real_labels_v1',
    clip: a.clip,
    video: { width: meta.video.width, height: meta.video.height, fps: meta.video.fps, duration_sec: meta.video.duration_sec },
    people: a.people,
    source: `boxes: ${meta.model_id} detections at ${meta.frames.length} analysed frames; names judged by eye per track against ../shared/eval/faces/ref-* (contact sheets of every box), tracks split where they follow a pan${a.extra?.length ? `; plus ${a.extra.length} face(s) ${meta.model_id} missed, boxed by another detector` : ''}`,
    scene_cuts: meta.scene_cuts.map((c) => r4(c.ts_s)),
    frames,
  };
  await writeFileAtomic(outPath, formatLabels(doc));
  const counts = new Map<string, number>();
  for (const fr of frames) for (const x of fr.faces) counts.set(x.person, (counts.get(x.person) ?? 0) + 1);
  console.log(`${outPath}: ${frames.length} frames, boxes per person: ${[...counts].map(([p, c]) => `${p} ${c}`).join(', ')}`);
}

const [cmd, ...rest] = process.argv.slice(2);
const run = cmd === 'sheets' && rest.length >= 3 && rest.length <= 5
  ? sheets(rest[0], rest[1], rest[2], rest[3] ? new Set(rest[3].split(',')) : undefined, rest[4] ? Number(rest[4]) : undefined)
  : cmd === 'frames' && rest.length === 4 ? frames(rest[0], rest[1], rest[2], rest[3].split(',').map(Number))
  : cmd === 'missed' && rest.length === 4 ? missed(rest[0], rest[1], rest[2], rest[3])
  : cmd === 'write' && rest.length === 4 ? write(rest[0], rest[1], rest[2], rest[3])
  : Promise.reject(new Error('usage: label-tool.ts sheets <ws> <ep> <out_dir> | write <ws> <ep> <assign.json> <labels.json>'));
run.catch((e) => {
  console.error(`label-tool: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
