// Ground-truth face boxes of the real clips (eval/labels/<clip>.json): per analysed timestamp, every
// face box (normalised x1,y1,x2,y2) with a person — a cast member, "other" (an extra) or "unknown"
// (cannot decide) — and the shot boundaries of the labeling run. Boxes, not track ids, so the labels hold for any detector, tracker or analysis rate:
// a pipeline box takes the label of the labeled box it overlaps (IoU ≥ minIou, one-to-one per frame) at
// the nearest labeled timestamp within maxDt seconds.
import { z } from 'zod';
import { finite, unit } from '../../shared/schema/common';
import { iou, type Box } from '../../shared/geometry';

export const NEUTRAL = new Set(['other', 'unknown']);

export const labelsDocSchema = z.strictObject({
  schema_version: z.literal('real_labels_v1'),
  clip: z.string().min(1),
  video: z.strictObject({ width: z.number().int().positive(), height: z.number().int().positive(), fps: finite, duration_sec: finite }),
  people: z.array(z.string().min(1)).min(1),
  source: z.string(),
  /** Shot boundaries (s) found by the labeling run's scene-cut detector: for sampling across shots, not ground truth. */
  scene_cuts: z.array(finite),
  frames: z.array(z.strictObject({
    t: finite,
    faces: z.array(z.strictObject({ box: z.tuple([unit, unit, unit, unit]), person: z.string().min(1) })),
  })),
}).superRefine((doc, ctx) => {
  const allowed = new Set([...doc.people, ...NEUTRAL]);
  doc.frames.forEach((f, i) => {
    if (i > 0 && f.t <= doc.frames[i - 1].t) ctx.addIssue({ code: 'custom', path: ['frames', i, 't'], message: 'timestamps must increase' });
    f.faces.forEach((x, j) => {
      if (!allowed.has(x.person)) ctx.addIssue({ code: 'custom', path: ['frames', i, 'faces', j, 'person'], message: `"${x.person}" is not in people nor other/unknown` });
      if (x.box[2] <= x.box[0] || x.box[3] <= x.box[1]) ctx.addIssue({ code: 'custom', path: ['frames', i, 'faces', j, 'box'], message: 'x2 > x1 and y2 > y1 required' });
    });
  });
});
export type LabelsDoc = z.infer<typeof labelsDocSchema>;
export type LabeledFace = LabelsDoc['frames'][number]['faces'][number];

/** One labeled frame per line: small diffs when labels change, and readable. */
export function formatLabels(doc: LabelsDoc): string {
  const { frames, ...head } = labelsDocSchema.parse(doc);
  const top = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  return `${top},\n  "frames": [\n${frames.map((f) => `    ${JSON.stringify(f)}`).join(',\n')}\n  ]\n}\n`;
}

export const MATCH_IOU = 0.5;
export const MAX_DT = 0.05;

/** Index of the labeled frame nearest to ts within maxDt, or -1 (frames sorted by t). */
export function nearestFrame(frames: ReadonlyArray<{ t: number }>, ts: number, maxDt = MAX_DT): number {
  let lo = 0, hi = frames.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (frames[mid].t < ts) lo = mid + 1;
    else hi = mid;
  }
  let best = lo;
  if (lo > 0 && Math.abs(frames[lo - 1].t - ts) <= Math.abs(frames[lo].t - ts)) best = lo - 1;
  return Math.abs(frames[best].t - ts) <= maxDt + 1e-9 ? best : -1;
}

/**
 * Greedy one-to-one matching by IoU (highest first) of predicted boxes to labeled boxes of one frame.
 * Returns, per prediction, the index of its labeled box or -1.
 */
export function matchBoxes(preds: readonly Box[], labeled: readonly Box[], minIou = MATCH_IOU): number[] {
  const pairs: Array<{ p: number; l: number; v: number }> = [];
  preds.forEach((p, pi) => labeled.forEach((l, li) => {
    const v = iou(p, l);
    if (v >= minIou) pairs.push({ p: pi, l: li, v });
  }));
  pairs.sort((a, b) => b.v - a.v || a.p - b.p || a.l - b.l);
  const out = preds.map(() => -1);
  const used = new Set<number>();
  for (const { p, l } of pairs) {
    if (out[p] !== -1 || used.has(l)) continue;
    out[p] = l;
    used.add(l);
  }
  return out;
}

export interface TimedBox { ts: number; bbox: Box }

/**
 * The person of each predicted box: its matched labeled box's person, or null (no labeled frame near
 * its time, or no labeled box overlapping it enough). Boxes are grouped by timestamp, so matching stays
 * one-to-one within a frame.
 */
export function labelBoxes(doc: LabelsDoc, preds: readonly TimedBox[], maxDt = MAX_DT, minIou = MATCH_IOU): Array<string | null> {
  const out: Array<string | null> = preds.map(() => null);
  const byTs = new Map<number, number[]>();
  preds.forEach((p, i) => byTs.set(p.ts, [...(byTs.get(p.ts) ?? []), i]));
  for (const [ts, idx] of byTs) {
    const fi = nearestFrame(doc.frames, ts, maxDt);
    if (fi < 0) continue;
    const faces = doc.frames[fi].faces;
    const m = matchBoxes(idx.map((i) => preds[i].bbox), faces.map((f) => f.box), minIou);
    m.forEach((li, k) => { if (li >= 0) out[idx[k]] = faces[li].person; });
  }
  return out;
}
