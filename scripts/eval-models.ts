// `npm run eval:models`: the measurements that chose the default pack's detector and embedder.
// Verification (ROC-AUC, TAR at FAR = 1 %) over all pairs and leave-one-out rank-1 on the 185
// single-face photos of 24 identities in ../shared/eval/faces, ms per face on this CPU, and the
// conversion parity (max |ONNX − tfjs|) of every converted model. Prints a Markdown report.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { alignFace } from '../electron/models/align';
import { AlignedEmbedder } from '../electron/models/default/embedder';
import { openDefaultPack } from '../electron/models/default/index';
import { evalPhotos, readRgb } from '../electron/models/default/eval-data';
import { pairScores, rank1, rocAuc, tarAtFar } from '../electron/models/default/metrics';
import type { EmbedderSpec } from '../electron/models/manifest';
import type { RgbImage } from '../electron/models/types';
import { convertTfjsToOnnx } from '../models/convert/tfjs-to-onnx';
import { CANDIDATE_TARGETS, DEFAULT_TARGETS, packageFile, type Target } from '../models/convert/targets';
import { tfjsParity } from '../models/convert/parity';
import { evalDetection } from './eval-detection';

const EVAL = join(import.meta.dirname, '../../shared/eval');

interface Candidate {
  name: string;
  /** Bytes or path of the ONNX model. */
  model: Uint8Array | string;
  spec: EmbedderSpec;
  parity: string;
  note: string;
}

const input = (name: string, size: number, layout: 'NCHW' | 'NHWC', mean: number, std: number) => ({
  name, size: [size, size] as [number, number], layout, channelOrder: 'RGB' as const,
  mean: [mean, mean, mean] as [number, number, number], std: [std, std, std] as [number, number, number], resize: 'stretch' as const,
});

async function candidates(crops: RgbImage[], crops224: RgbImage[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const fr = DEFAULT_TARGETS.find((t) => t.file === 'fr_feature.onnx')!;
  const frSpec = (flip: boolean): EmbedderSpec => ({ kind: 'arcface', file: 'x', input: input('input', 112, 'NCHW', 127, 128), output: 'output', dim: 512, params: { flip } });
  for (const flip of [false, true]) {
    out.push({ name: `fr_feature${flip ? ' + flip' : ''}`, model: packageFile(fr.pkg, fr.source), spec: frSpec(flip), parity: 'shipped as ONNX', note: 'faceplugin, 512-d' });
  }
  const conv = async (t: Target, sample: RgbImage[], norm: (v: number) => number) => {
    const bytes = convertTfjsToOnnx(packageFile(t.pkg, t.source), { inputName: t.inputName, outputs: t.outputs });
    const p = await tfjsParity(packageFile(t.pkg, t.source), bytes, sample, norm);
    return { bytes, parity: p.toExponential(1) };
  };
  const mf = CANDIDATE_TARGETS.find((t) => t.file === 'mobileface.onnx')!;
  const mfc = await conv(mf, crops.slice(0, 4), (v) => v);
  for (const flip of [false, true]) {
    out.push({
      name: `human mobileface${flip ? ' + flip' : ''}`, model: mfc.bytes, parity: mfc.parity, note: 'converted, 256-d',
      spec: { kind: 'arcface', file: 'x', input: input('input', 112, 'NHWC', 0, 1), output: 'batchnorm0/add_1', dim: 256, params: { flip } },
    });
  }
  const frs = CANDIDATE_TARGETS.find((t) => t.file === 'faceres.onnx')!;
  const frsc = await conv(frs, crops224.slice(0, 2), (v) => v / 255);
  out.push({
    name: 'human faceres', model: frsc.bytes, parity: frsc.parity, note: 'converted, 1024-d, ArcFace crop at 224',
    spec: { kind: 'arcface', file: 'x', input: input('input', 224, 'NHWC', 0, 255), output: 'global_pooling/Mean', dim: 1024, params: { flip: false } },
  });
  const ref = join(EVAL, 'models/mobilefacenet.onnx');
  if (existsSync(ref)) {
    out.push({
      name: 'mobilefacenet.onnx (reference, not shipped)', model: ref, parity: 'n/a', note: '../shared/eval, 128-d',
      spec: { kind: 'arcface', file: 'x', input: input('input', 112, 'NCHW', 127.5, 128), output: 'output', dim: 128, params: { flip: false } },
    });
  }
  return out;
}

async function main(): Promise<void> {
  const photos = evalPhotos();
  const labels = photos.map((p) => p.label);
  console.log(`# Model evaluation\n\n${photos.length} single-face photos of ${new Set(labels).size} identities (../shared/eval/faces, ref-* and the multi/no-face photos of SOURCES.md left out).\n`);
  const pack = await openDefaultPack();
  const imgs = await Promise.all(photos.map((p) => readRgb(p.file)));
  const lms: number[][] = [];
  let missed = 0;
  const t0 = performance.now();
  for (const img of imgs) {
    const [dets] = await pack.detector.detect([img]);
    const best = dets.sort((a, b) => b.conf - a.conf)[0];
    if (!best) missed++;
    // A photo with no detection is aligned from a centred guess so every pair still counts (and counts against us).
    lms.push(best ? best.landmarks : guessLandmarks(img));
  }
  const detMs = (performance.now() - t0) / imgs.length;
  console.log(`Detector ${pack.detector.modelId}: found a face in ${imgs.length - missed}/${imgs.length} photos, ${detMs.toFixed(1)} ms per photo (scales ${JSON.stringify((pack.manifest.detector.params as { scales: unknown }).scales)}).\n`);
  const crops = imgs.map((img, i) => alignFace(img, lms[i], 112));
  const crops224 = imgs.map((img, i) => alignFace(img, lms[i], 224));
  console.log('| embedder | AUC | TAR@FAR=1% | TAR@FAR=0.1% | rank-1 | ms/face | parity max abs diff | notes |\n|---|---|---|---|---|---|---|---|');
  for (const c of await candidates(crops, crops224)) {
    const session = await ort.InferenceSession.create(c.model as string, { intraOpNumThreads: 2, logSeverityLevel: 3 });
    const emb = new AlignedEmbedder(session, c.spec, c.name, c.name);
    const input = c.spec.input.size[0] === 224 ? crops224 : crops;
    await emb.embed([input[0]]);
    const te = performance.now();
    const vecs: Float32Array[] = [];
    for (const crop of input) vecs.push(...(await emb.embed([crop])));
    const ms = (performance.now() - te) / input.length;
    const ps = pairScores(vecs, labels);
    const far = tarAtFar(ps, 0.01);
    const far3 = tarAtFar(ps, 0.001);
    const r1 = rank1(vecs, labels);
    console.log(`| ${c.name} | ${rocAuc(ps).toFixed(3)} | ${far.tar.toFixed(3)} (thr ${far.threshold.toFixed(3)}) | ${far3.tar.toFixed(3)} (thr ${far3.threshold.toFixed(3)}) | ${r1.rate.toFixed(3)} (${r1.probes} probes) | ${ms.toFixed(1)} | ${c.parity} | ${c.note} |`);
    await emb.dispose();
  }
  await pack.detector.dispose();
  await pack.embedder.dispose();
  if (!process.argv.includes('--no-detection')) await evalDetection();
}

function guessLandmarks(img: RgbImage): number[] {
  const s = Math.min(img.width, img.height) / 112, ox = (img.width - 112 * s) / 2, oy = (img.height - 112 * s) / 2;
  const t = [38.29, 51.7, 73.53, 51.5, 56.03, 71.74, 41.55, 92.37, 70.73, 92.2];
  return t.map((v, i) => (i % 2 === 0 ? ox : oy) + v * s);
}

if (process.argv[1] === import.meta.filename) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
