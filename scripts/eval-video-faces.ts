// `npm run eval:video-faces [-- --pack id --models-dir dir --detector-pack id --detector-models-dir dir
//   --candidate name [--ensemble] --json file]`
// Face verification on what the product sees: the faces of eval/video-faces.json (scripts/eval-real/
// video-faces.ts) are cut from the real clips (../shared/eval/videos), re-detected by the detector pack
// inside a box enlarged around the labeled one (the face with the best IoU to the label is kept; when
// none overlaps it by MIN_IOU the five points are guessed from the labeled box, so every pair still
// counts — and counts against the detector), aligned with those five points (ArcFace template), embedded
// by the embedder pack, and scored over the same/different pairs: ROC-AUC, TAR at FAR 1 % and 0.1 %.
// --detector-pack swaps the landmark source alone (e.g. SCRFD's points feeding the default embedder).
// --candidate swaps the embedder for one of models/convert/candidates.ts (converted from its npm
// package); with --ensemble the pack's embedder and the candidate both embed each face, and the face's
// vector is the two L2-normalised embeddings concatenated (renormalised).
//
// `npm run eval:video-faces -- --build` re-samples eval/video-faces.json from eval/labels (seeded).
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { alignFace, ARCFACE_TEMPLATE_112 } from '../electron/models/align';
import { rocAuc, tarAtFar, type PairScores } from '../electron/models/default/metrics';
import { dot } from '../shared/vec';
import { loadPack, REPO_ROOT } from '../electron/models/pack';
import { loadEvalPack, EVAL_DIR } from '../electron/models/eval-pack';
import type { FaceEmbedder, LoadedPack, RgbImage } from '../electron/models/types';
import { openCandidate } from '../models/convert/candidates';
import { decodeFrames, probeVideo } from '../electron/pipeline/decode';
import { writeFileAtomic } from '../electron/store/atomic';
import { readJson, writeJson } from '../electron/store/json';
import { iou, type Box } from '../shared/geometry';
import { labelsDocSchema } from './eval-real/labels';
import { pickFaces, samplePairs, videoFacesDocSchema, type VideoFace, type VideoFacesDoc } from './eval-real/video-faces';

const SET_PATH = join(REPO_ROOT, 'eval/video-faces.json');
/** Per clip: faces per (person, shot), same pairs, different pairs. The Friends clip has 4 shots, the dinner scene 41. */
const BUILD = [
  { clip: 'sitcom_friends_group', perShot: 6, same: 100, diff: 1000 },
  { clip: 'tv_dinner_scene', perShot: 3, same: 200, diff: 2000 },
];
export const MIN_IOU = 0.3;
/** The re-detection window: the labeled box's larger side × CONTEXT, at least MIN_WINDOW px, centred. */
const CONTEXT = 2;
const MIN_WINDOW = 160;

async function build(): Promise<void> {
  const faces: VideoFace[] = [];
  const same: Array<[number, number]> = [], diff: Array<[number, number]> = [];
  for (const [k, b] of BUILD.entries()) {
    const doc = await readJson(join(REPO_ROOT, 'eval/labels', `${b.clip}.json`), labelsDocSchema);
    const info = await probeVideo(join(EVAL_DIR, 'videos', doc.clip));
    const picked = pickFaces(doc, (t) => Math.round(t * info.fps), b.perShot);
    const p = samplePairs(picked, b.same, b.diff, k + 1, faces.length);
    faces.push(...picked);
    same.push(...p.same);
    diff.push(...p.diff);
    console.log(`${b.clip}: ${picked.length} faces, ${p.same.length} same / ${p.diff.length} different pairs`);
  }
  const doc: VideoFacesDoc = videoFacesDocSchema.parse({
    schema_version: 'video_faces_v1',
    source: `eval/labels/*.json named boxes: up to ${BUILD.map((b) => `${b.perShot} (${b.clip})`).join(' / ')} per person and shot, spread over the shot; pairs within a clip, seeded (scripts/eval-real/video-faces.ts)`,
    faces, same, diff,
  });
  // One face or pair per line keeps the file small and its diffs readable.
  const { faces: f, same: s, diff: d, ...head } = doc;
  const lines = (xs: unknown[]) => xs.map((x) => `    ${JSON.stringify(x)}`).join(',\n');
  const text = `${JSON.stringify(head, null, 2).replace(/\n}$/, '')},\n  "faces": [\n${lines(f)}\n  ],\n  "same": [\n${lines(s)}\n  ],\n  "diff": [\n${lines(d)}\n  ]\n}\n`;
  videoFacesDocSchema.parse(JSON.parse(text));
  await writeFileAtomic(SET_PATH, text);
  console.log(`${SET_PATH}: ${faces.length} faces, ${same.length} same, ${diff.length} different pairs`);
}

function cropRgb(img: RgbImage, x0: number, y0: number, w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) data.set(img.data.subarray(((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x0 + w) * 3), y * w * 3);
  return { data, width: w, height: h };
}

/** The ArcFace template's five points scaled into a square around the box: a frontal guess. */
function guessLandmarks(b: readonly number[]): number[] {
  const side = Math.max(b[2] - b[0], b[3] - b[1]);
  const cx = (b[0] + b[2]) / 2, cy = (b[1] + b[3]) / 2;
  return ARCFACE_TEMPLATE_112.map((v, i) => (i % 2 === 0 ? cx : cy) + ((v - 56) / 112) * side);
}

interface Embedded { vec: Float32Array; found: boolean; iou: number }

/** One vector per face: each embedder on its own aligned crop, concatenated when there are several. */
async function embedAll(img: RgbImage, lm: number[], embs: FaceEmbedder[]): Promise<Float32Array> {
  const parts = await Promise.all(embs.map(async (e) => (await e.embed([alignFace(img, lm, e.inputSize, e.alignTemplate)]))[0]));
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    for (let k = 0; k < p.length; k++) out[at + k] = p[k] / Math.sqrt(parts.length);
    at += p.length;
  }
  return out;
}

async function embedClip(clip: string, faces: VideoFace[], det: LoadedPack, embs: FaceEmbedder[]): Promise<Embedded[]> {
  const video = join(EVAL_DIR, 'videos', `${clip}.mp4`);
  const info = await probeVideo(video);
  const byFrame = new Map<number, number[]>();
  faces.forEach((f, i) => byFrame.set(f.frame, [...(byFrame.get(f.frame) ?? []), i]));
  const out: Embedded[] = new Array(faces.length);
  for await (const fr of decodeFrames(video, { info, onlyFrames: new Set(byFrame.keys()) })) {
    const { width: W, height: H } = fr.image;
    for (const i of byFrame.get(fr.frameIdx) ?? []) {
      const f = faces[i];
      if (Math.abs(fr.tsS - f.t) > 0.5 / info.fps) throw new Error(`eval/video-faces.json: faces[${i}]: frame ${f.frame} is at ${fr.tsS.toFixed(3)} s, the set says ${f.t} s`);
      const b = [f.box[0] * W, f.box[1] * H, f.box[2] * W, f.box[3] * H];
      const side = Math.min(W, H, Math.max(MIN_WINDOW, CONTEXT * Math.max(b[2] - b[0], b[3] - b[1])));
      const x0 = Math.round(Math.min(W - side, Math.max(0, (b[0] + b[2] - side) / 2)));
      const y0 = Math.round(Math.min(H - side, Math.max(0, (b[1] + b[3] - side) / 2)));
      const s = Math.round(side);
      const [dets] = await det.detector.detect([cropRgb(fr.image, x0, y0, s, s)]);
      const local: Box = [b[0] - x0, b[1] - y0, b[2] - x0, b[3] - y0];
      const best = dets.map((d) => ({ d, v: iou(d.bbox, local) })).sort((p, q) => q.v - p.v)[0];
      const found = best !== undefined && best.v >= MIN_IOU;
      const lm = found ? best.d.landmarks.map((v, k) => v + (k % 2 === 0 ? x0 : y0)) : guessLandmarks(b);
      out[i] = { vec: await embedAll(fr.image, lm, embs), found, iou: best?.v ?? 0 };
    }
  }
  const missing = out.findIndex((e) => e === undefined);
  if (missing >= 0) throw new Error(`${video}: frame ${faces[missing].frame} of eval/video-faces.json was not decoded`);
  return out;
}

async function openPack(id: string, dir?: string): Promise<LoadedPack> {
  if (id === 'eval' && !dir) return loadEvalPack();
  return loadPack({ packId: id, device: 'cpu', ...(dir ? { userModelDir: resolve(dir) } : {}) });
}

function scores(ps: PairScores) {
  const f1 = tarAtFar(ps, 0.01), f01 = tarAtFar(ps, 0.001);
  return { same: ps.same.length, diff: ps.diff.length, auc: rocAuc(ps), tarFar1: f1.tar, thrFar1: f1.threshold, tarFar01: f01.tar, thrFar01: f01.threshold };
}

interface EvalOptions {
  pack?: string; 'models-dir'?: string; 'detector-pack'?: string; 'detector-models-dir'?: string;
  candidate?: string; ensemble?: boolean; json?: string;
}

async function evaluate(values: EvalOptions): Promise<void> {
  const set = await readJson(SET_PATH, videoFacesDocSchema);
  if (values.ensemble && !values.candidate) throw new Error('--ensemble needs --candidate <name>');
  const emb = await openPack(values.pack!, values['models-dir']);
  const cand = values.candidate ? await openCandidate(values.candidate) : undefined;
  const embs = cand ? (values.ensemble ? [emb.embedder, cand] : [cand]) : [emb.embedder];
  const detId = values['detector-pack'] ?? values.pack!;
  const det = detId === values.pack && !values['detector-models-dir'] ? emb : await openPack(detId, values['detector-models-dir'] ?? values['models-dir']);
  try {
    const vecs: Float32Array[] = new Array(set.faces.length);
    const found: boolean[] = new Array(set.faces.length);
    const clips = [...new Set(set.faces.map((f) => f.clip))];
    for (const clip of clips) {
      const idx = set.faces.map((f, i) => (f.clip === clip ? i : -1)).filter((i) => i >= 0);
      const e = await embedClip(clip.replace(/\.mp4$/, ''), idx.map((i) => set.faces[i]), det, embs);
      idx.forEach((i, k) => { vecs[i] = e[k].vec; found[i] = e[k].found; });
    }
    const pairsOf = (keep: (i: number) => boolean): PairScores => ({
      same: set.same.filter(([i]) => keep(i)).map(([i, j]) => dot(vecs[i], vecs[j])),
      diff: set.diff.filter(([i]) => keep(i)).map(([i, j]) => dot(vecs[i], vecs[j])),
    });
    const rows = [...clips.map((c) => ({ name: c, keep: (i: number) => set.faces[i].clip === c })), { name: 'both clips', keep: () => true }].map((r) => ({
      clip: r.name,
      faces: set.faces.filter((_, i) => r.keep(i)).length,
      redetected: found.filter((v, i) => v && r.keep(i)).length,
      ...scores(pairsOf(r.keep)),
    }));
    const embName = embs.map((e) => `${e.modelId}, ${e.dim}-d`).join(' + ');
    const title = `embedder ${cand ? embName : `${emb.id} (${embName})`}, landmarks from ${det.id} (${det.detector.modelId})`;
    console.log(`### eval:video-faces — ${title}\n`);
    console.log('| clip | faces (re-detected) | same / different pairs | AUC | TAR@FAR1% (thr) | TAR@FAR0.1% (thr) |\n|---|---|---|---|---|---|');
    for (const r of rows) {
      console.log(`| ${r.clip} | ${r.faces} (${r.redetected}) | ${r.same} / ${r.diff} | ${r.auc.toFixed(3)} | ${r.tarFar1.toFixed(3)} (${r.thrFar1.toFixed(3)}) | ${r.tarFar01.toFixed(3)} (${r.thrFar01.toFixed(3)}) |`);
    }
    const embId = cand ? [...(values.ensemble ? [emb.id] : []), values.candidate!.replace(/\W+/g, '-')].join('+') : emb.id;
    const jsonPath = resolve(values.json ?? join('.cache/eval-video-faces', `${embId}--${det.id}.json`));
    await writeJson(jsonPath, { title, embedder: embs.map((e) => e.modelId).join(' + '), detector: det.detector.modelId, rows }, z.unknown());
    console.log(`\nJSON: ${jsonPath}`);
  } finally {
    await Promise.allSettled([emb.detector.dispose(), emb.embedder.dispose(), ...(cand ? [cand.dispose()] : []), ...(det !== emb ? [det.detector.dispose(), det.embedder.dispose()] : [])]);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      build: { type: 'boolean', default: false },
      pack: { type: 'string', default: 'default' },
      'models-dir': { type: 'string' },
      'detector-pack': { type: 'string' },
      'detector-models-dir': { type: 'string' },
      candidate: { type: 'string' },
      ensemble: { type: 'boolean', default: false },
      json: { type: 'string' },
    },
  });
  if (values.build) await build();
  else await evaluate(values);
}

main().catch((err) => {
  console.error(`eval:video-faces: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
