// `npm run eval:detectors`: the detector table behind the default pack's choice
// (models/packs/DETECTORS.md). Every npm-shippable candidate, plus YuNet and SCRFD-500M from
// ../shared/eval/models as references, on the same frames: one every 2 s of the six real clips
// and the three scene photos. Reference faces = SCRFD-500M at 640×640 (score ≥ 0.5). Per candidate:
// CPU ms per frame (detector + its landmark net, one onnxruntime thread),
// recall of reference faces (≥ 24 px wide; IoU ≥ 0.3, as eval-detection.ts counts them — the detectors draw boxes differently), unmatched detections, and landmark error against SCRFD's
// five points (median over matched faces of the mean point distance / inter-ocular distance). Frames are
// scaled to each detector's input by sharp before timing, as ffmpeg hands them to the pipeline.
import { readdirSync } from 'node:fs';
import sharp from 'sharp';
import { join } from 'node:path';
import { readPackManifest, type DetectorSpec } from '../electron/models/manifest';
import { createSession } from '../electron/models/providers';
import { ScrfdDetector } from '../electron/models/scrfd';
import { YuNetDetector } from '../electron/models/yunet';
import { BlazeFaceMeshDetector } from '../electron/models/default/blazeface-facemesh';
import { UltraFaceLandmarkDetector } from '../electron/models/default/ultraface';
import { EVAL_DIR, readRgb } from '../electron/models/default/eval-data';
import { iou } from '../shared/geometry';
import { decodeFrames } from '../electron/pipeline/decode';
import { CANDIDATE_TARGETS, packageFile } from '../models/convert/targets';
import { convertTfjsToOnnx } from '../models/convert/tfjs-to-onnx';
import type { FaceDetector, RawDetection, RgbImage } from '../electron/models/types';

process.env.SCREENALYTICS_ORT_THREADS ??= '1';
const ROOT = join(import.meta.dirname, '..');
const EVAL = EVAL_DIR;
const GEN = join(ROOT, 'models/generated/default');

interface Candidate { name: string; landmarks: string; size: [number, number]; make: () => Promise<FaceDetector> }

const open = async (f: string) => (await createSession(f, 'cpu')).session;
const evalManifest = readPackManifest(join(ROOT, 'models/packs/eval.json'));

function ultraSpec(w: number, h: number, threshold = 0.7): DetectorSpec {
  return {
    kind: 'ultraface-landmark68', file: 'ultraface', input: { name: 'input', size: [w, h], layout: 'NCHW', channelOrder: 'RGB', mean: [127, 127, 127], std: [128, 128, 128], resize: 'letterbox' },
    outputs: { scores: 'scores', loc: 'loc' }, scoreThreshold: threshold, nmsThreshold: 0.4, landmarkOrder: ['left_eye', 'right_eye', 'nose', 'mouth_left', 'mouth_right'],
  };
}
const scrfd = (w: number, h: number) => async () =>
  new ScrfdDetector(await open(join(EVAL, 'models/det_500m.onnx')), { ...evalManifest.detector, input: { ...evalManifest.detector.input, size: [w, h] } }, 'det_500m', 'det_500m.onnx');
const yunetSpec = readPackManifest(join(ROOT, 'models/packs/yunet.json')).detector;
const yunet = (w: number, h: number) => async () =>
  new YuNetDetector(await open(join(EVAL, 'models/face_detection_yunet_2026may.onnx')), { ...yunetSpec, input: { ...yunetSpec.input, size: [w, h] } }, 'yunet', 'yunet.onnx');
const ultra = (w: number, h: number, threshold?: number) => async () =>
  new UltraFaceLandmarkDetector(await open(join(GEN, 'ultraface.onnx')), await open(join(GEN, 'landmark68.onnx')), ultraSpec(w, h, threshold), 'ultraface+landmark68', 'ultraface.onnx');
/** BlazeFace and FaceMesh are no longer in the default pack: converted here from their npm package. */
const candidateOnnx = (file: string) => {
  const t = CANDIDATE_TARGETS.find((c) => c.file === file)!;
  return convertTfjsToOnnx(packageFile(t.pkg, t.source), { dynamicSpatial: t.dynamicSpatial, inputName: t.inputName });
};
const blaze = (scales: [number, number][]) => async () =>
  new BlazeFaceMeshDetector(
    (await createSession(candidateOnnx('blazeface-back.onnx'), 'cpu')).session,
    (await createSession(candidateOnnx('facemesh.onnx'), 'cpu')).session,
    { ...BLAZE_SPEC, params: { ...BLAZE_SPEC.params, scales } }, 'blazeface+facemesh', 'blazeface-back.onnx',
  );
// The shipped BlazeFace + FaceMesh configuration before this table (kept here so the table stays reproducible).
const BLAZE_SPEC: DetectorSpec = {
  kind: 'blazeface-facemesh', file: 'blazeface', extraFiles: { facemesh: 'facemesh' },
  input: { name: 'input', size: [640, 384], layout: 'NHWC', channelOrder: 'RGB', mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5], resize: 'letterbox' },
  outputs: { scores: ['Identity', 'Identity_1'], boxes: ['Identity_2', 'Identity_3'] }, strides: [16, 32], scoreThreshold: 0.5, nmsThreshold: 0.3,
  landmarkOrder: ['left_eye', 'right_eye', 'nose', 'mouth_left', 'mouth_right'],
  params: { scales: [[640, 384], [256, 256]], anchorsPerCell: [2, 6], facemesh: { input: 'input', size: 192, mesh: 'Identity_2', faceflag: 'Identity_1', cropScale: 1.5, minFaceflag: 0.5, keepAbove: 0.8 } },
};

export const CANDIDATES: Candidate[] = [
  { name: 'BlazeFace back 640×384 + 256² (shipped before) + FaceMesh', landmarks: 'FaceMesh 468 → 5', size: [640, 384], make: blaze([[640, 384], [256, 256]]) },
  { name: 'BlazeFace back 640×384 + FaceMesh', landmarks: 'FaceMesh 468 → 5', size: [640, 384], make: blaze([[640, 384]]) },
  { name: 'UltraFace RFB 320×192 + landmark68', landmarks: '68-point net → 5', size: [320, 192], make: ultra(320, 192) },
  { name: 'UltraFace RFB 448×256 + landmark68', landmarks: '68-point net → 5', size: [448, 256], make: ultra(448, 256) },
  { name: 'UltraFace RFB 512×320 + landmark68', landmarks: '68-point net → 5', size: [512, 320], make: ultra(512, 320) },
  { name: 'UltraFace RFB 448×256 score ≥ 0.5 + landmark68', landmarks: '68-point net → 5', size: [448, 256], make: ultra(448, 256, 0.5) },
  { name: 'UltraFace RFB 640×384 score ≥ 0.5 + landmark68', landmarks: '68-point net → 5', size: [640, 384], make: ultra(640, 384, 0.5) },
  { name: 'UltraFace RFB 640×384 + landmark68', landmarks: '68-point net → 5', size: [640, 384], make: ultra(640, 384) },
  { name: 'YuNet 640×384 (reference, not on npm)', landmarks: 'own 5 points', size: [640, 384], make: yunet(640, 384) },
  { name: 'YuNet 448×256 (reference, not on npm)', landmarks: 'own 5 points', size: [448, 256], make: yunet(448, 256) },
  { name: 'SCRFD-500M 640×384 (reference, non-commercial)', landmarks: 'own 5 points', size: [640, 384], make: scrfd(640, 384) },
];

async function frames(): Promise<{ name: string; image: RgbImage }[]> {
  const out: { name: string; image: RgbImage }[] = [];
  for (const v of readdirSync(join(EVAL, 'videos')).filter((f) => f.endsWith('.mp4')).sort()) {
    for await (const f of decodeFrames(join(EVAL, 'videos', v), { analyzeFps: 0.5 })) out.push({ name: `${v}@${f.tsS.toFixed(1)}`, image: f.image });
  }
  for (const p of readdirSync(join(EVAL, 'scenes')).sort()) out.push({ name: p, image: await readRgb(join(EVAL, 'scenes', p)) });
  return out;
}

/** The frame as ffmpeg hands it to the pipeline: scaled to fit the detector's input (aspect kept). */
async function fitTo(img: RgbImage, [w, h]: [number, number]): Promise<{ image: RgbImage; scale: number }> {
  const scale = Math.min(w / img.width, h / img.height, 1);
  const W = Math.round(img.width * scale), H = Math.round(img.height * scale);
  const data = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).resize(W, H, { fit: 'fill' }).raw().toBuffer();
  return { image: { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: W, height: H }, scale };
}

const unscale = (d: RawDetection, k: number): RawDetection => ({ ...d, bbox: d.bbox.map((v) => v / k) as RawDetection['bbox'], landmarks: d.landmarks.map((v) => v / k) });

function lmError(a: number[], ref: number[]): number {
  const iod = Math.hypot(ref[2] - ref[0], ref[3] - ref[1]);
  let s = 0;
  for (let p = 0; p < 5; p++) s += Math.hypot(a[2 * p] - ref[2 * p], a[2 * p + 1] - ref[2 * p + 1]);
  return s / 5 / Math.max(1, iod);
}

export interface Row { name: string; landmarks: string; msPerFrame: number; refFaces: number; found: number; recall: number; unmatched: number; nme: number }

export function score(dets: RawDetection[][], refs: RawDetection[][]): Omit<Row, 'name' | 'landmarks' | 'msPerFrame'> {
  let found = 0, total = 0, unmatched = 0;
  const errs: number[] = [];
  dets.forEach((d, i) => {
    const used = new Set<number>();
    for (const r of refs[i]) {
      total++;
      let best = -1, bestIou = 0.3;
      d.forEach((c, k) => {
        const v = iou(c.bbox, r.bbox);
        if (!used.has(k) && v >= bestIou) { best = k; bestIou = v; }
      });
      if (best < 0) continue;
      used.add(best);
      found++;
      if (d[best].landmarks.length === 10) errs.push(lmError(d[best].landmarks, r.landmarks));
    }
    unmatched += d.length - used.size;
  });
  errs.sort((a, b) => a - b);
  return { refFaces: total, found, recall: total ? found / total : 0, unmatched, nme: errs.length ? errs[errs.length >> 1] : NaN };
}

async function main(): Promise<void> {
  const imgs = await frames();
  const ref = await scrfd(640, 640)();
  const refs: RawDetection[][] = [];
  for (const f of imgs) refs.push((await ref.detect([f.image], { minConfidence: 0.5 }))[0].filter((r) => r.bbox[2] - r.bbox[0] >= 24));
  await ref.dispose();
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const rows: Row[] = [];
  for (const c of CANDIDATES.filter((c) => only.length === 0 || only.some((o) => c.name.includes(o)))) {
    const det = await c.make();
    const scaled = await Promise.all(imgs.map((f) => fitTo(f.image, c.size)));
    await det.detect([scaled[0].image]);
    const dets: RawDetection[][] = [];
    // CPU time, not wall time: it holds on a shared machine, and with one onnxruntime thread it is
    // what a frame costs the core it runs on.
    const t0 = process.cpuUsage();
    for (const f of scaled) dets.push((await det.detect([f.image]))[0].map((d) => unscale(d, f.scale)));
    const cpu = process.cpuUsage(t0);
    const ms = (cpu.user + cpu.system) / 1000 / imgs.length;
    await det.dispose();
    rows.push({ name: c.name, landmarks: c.landmarks, msPerFrame: ms, ...score(dets, refs) });
    const r = rows[rows.length - 1];
    console.error(`${r.name}: ${r.msPerFrame.toFixed(1)} ms/frame, recall ${(100 * r.recall).toFixed(1)} % (${r.found}/${r.refFaces}), unmatched ${r.unmatched}, NME ${r.nme.toFixed(3)}`);
  }
  console.log(`\n${imgs.length} frames (every 2 s of six clips + 3 scene photos); reference: SCRFD-500M 640×640, ${refs.flat().length} faces\n`);
  console.log('| detector | landmarks | CPU ms / frame | recall | unmatched detections | landmark error (median, / IOD) |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.landmarks} | ${r.msPerFrame.toFixed(1)} | ${(100 * r.recall).toFixed(1)} % (${r.found}/${r.refFaces}) | ${r.unmatched} | ${r.nme.toFixed(3)} |`);
}

if (process.argv[1] === import.meta.filename) await main();
