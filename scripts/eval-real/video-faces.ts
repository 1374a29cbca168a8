// The verification set of video faces (eval/video-faces.json): faces picked from the labeled boxes of
// the real clips — up to PER_SHOT per person and shot, spread over the shot, profiles, blur and small
// faces included as they come — and same-person / different-person pairs between them, within a clip.
// Same-person pairs join faces of different shots where the person has several (what clustering must
// join), else faces of one shot at least MIN_GAP_S apart. Faces are (clip, frame, t, box, person), not
// images: scripts/eval-video-faces.ts crops them from the videos.
import { z } from 'zod';
import { finite, nonNegInt, unit } from '../../shared/schema/common';
import { makeRng, shuffle } from '../synth/rng';
import { NEUTRAL, type LabelsDoc } from './labels';

export const PER_SHOT = 3;
export const MIN_GAP_S = 1;

export const videoFaceSchema = z.strictObject({
  clip: z.string().min(1),
  /** Index among all decoded frames of the video, and its presentation time (s). */
  frame: nonNegInt,
  t: finite,
  box: z.tuple([unit, unit, unit, unit]),
  person: z.string().min(1),
  shot: nonNegInt,
});
export type VideoFace = z.infer<typeof videoFaceSchema>;

const pairSchema = z.tuple([nonNegInt, nonNegInt]);
export const videoFacesDocSchema = z.strictObject({
  schema_version: z.literal('video_faces_v1'),
  source: z.string(),
  faces: z.array(videoFaceSchema).min(2),
  same: z.array(pairSchema),
  diff: z.array(pairSchema),
}).superRefine((doc, ctx) => {
  for (const kind of ['same', 'diff'] as const) {
    doc[kind].forEach(([i, j], k) => {
      const a = doc.faces[i], b = doc.faces[j];
      if (!a || !b) return ctx.addIssue({ code: 'custom', path: [kind, k], message: `face index out of range (${doc.faces.length} faces)` });
      if ((a.person === b.person) !== (kind === 'same')) ctx.addIssue({ code: 'custom', path: [kind, k], message: `${a.person} / ${b.person} is not a ${kind} pair` });
    });
  }
});
export type VideoFacesDoc = z.infer<typeof videoFacesDocSchema>;

/** Shot of a time: the number of scene cuts at or before it. */
export const shotOf = (cuts: readonly number[], t: number) => cuts.filter((c) => c <= t + 1e-6).length;

/** Up to `perShot` named faces per (person, shot), evenly spread over the person's boxes in that shot. */
export function pickFaces(doc: LabelsDoc, frameOf: (t: number) => number, perShot = PER_SHOT): VideoFace[] {
  const groups = new Map<string, VideoFace[]>();
  for (const f of doc.frames) {
    for (const x of f.faces) {
      if (NEUTRAL.has(x.person)) continue;
      const shot = shotOf(doc.scene_cuts, f.t);
      const k = `${x.person}|${shot}`;
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push({ clip: doc.clip, frame: frameOf(f.t), t: f.t, box: x.box, person: x.person, shot });
    }
  }
  const out: VideoFace[] = [];
  for (const g of groups.values()) {
    const n = Math.min(perShot, g.length);
    // Positions (i + 0.5) / n along the shot: the middle for one face, both thirds' centres for two…
    for (let i = 0; i < n; i++) out.push(g[Math.floor(((i + 0.5) * g.length) / n)]);
  }
  return out.sort((a, b) => a.t - b.t || a.box[0] - b.box[0]);
}

/** Seeded sample of same/different pairs among faces of one clip (indices into `faces`, offset added). */
export function samplePairs(faces: readonly VideoFace[], nSame: number, nDiff: number, seed: number, offset = 0): { same: Array<[number, number]>; diff: Array<[number, number]> } {
  const crossShot: Array<[number, number]> = [], inShot: Array<[number, number]> = [], diff: Array<[number, number]> = [];
  const shotsOf = new Map<string, Set<number>>();
  for (const f of faces) shotsOf.set(f.person, (shotsOf.get(f.person) ?? new Set()).add(f.shot));
  for (let i = 0; i < faces.length; i++) {
    for (let j = i + 1; j < faces.length; j++) {
      const a = faces[i], b = faces[j];
      if (a.person !== b.person) diff.push([i + offset, j + offset]);
      else if (a.shot !== b.shot) crossShot.push([i + offset, j + offset]);
      else if (shotsOf.get(a.person)!.size === 1 && Math.abs(a.t - b.t) >= MIN_GAP_S) inShot.push([i + offset, j + offset]);
    }
  }
  const rng = makeRng(seed);
  const take = (l: Array<[number, number]>, n: number) => shuffle(rng, l).slice(0, n).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  return { same: take([...crossShot, ...inShot], nSame), diff: take(diff, nDiff) };
}
