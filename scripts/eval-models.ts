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
import { CANDIDATES, candidateModel, candidateTarget } from '../models/convert/candidates';
import { packageFile } from '../models/convert/targets';
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

/** Every npm-shippable candidate (with and without the flip test for the 112-px ones), converted and
 *  parity-checked against tfjs on the first aligned crops, then the reference when it is present. */
async function candidates(crops: RgbImage[], crops224: RgbImage[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const [name, c] of Object.entries(CANDIDATES)) {
    const t = candidateTarget(c);
    const model = candidateModel(c);
    const { mean, std, size } = c.spec.input;
    const parity = typeof model === 'string'
      ? 'shipped as ONNX'
      : (await tfjsParity(packageFile(t.pkg, t.source), model, (size[0] === 224 ? crops224 : crops).slice(0, 2), (v) => (v - mean[0]) / std[0])).toExponential(1);
    for (const flip of size[0] === 112 ? [false, true] : [false]) {
      out.push({ name: `${name}${flip ? ' + flip' : ''}`, model, spec: { ...c.spec, params: { flip } }, parity, note: c.note });
    }
  }
  const ref = join(EVAL, 'models/mobilefacenet.onnx');
  if (existsSync(ref)) {
    out.push({
      name: 'mobilefacenet.onnx (reference, not shipped)', model: ref, parity: 'n/a', note: '../shared/eval, 128-d',
      spec: { kind: 'arcface', file: 'x', input: { name: 'input', size: [112, 112], layout: 'NCHW', channelOrder: 'RGB', mean: [127.5, 127.5, 127.5], std: [128, 128, 128], resize: 'stretch' }, output: 'output', dim: 128, params: { flip: false } },
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
  console.log(`Detector ${pack.detector.modelId}: found a face in ${imgs.length - missed}/${imgs.length} photos, ${detMs.toFixed(1)} ms per photo (input ${pack.manifest.detector.input.size.join('×')}).\n`);
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
