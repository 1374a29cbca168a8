// Cleanup action "reembed": applies a stricter quality gate, rejects faces that disagree with the rest
// of their track, and makes faces.npy right again.
//
// What is re-embedded, and why only that: harvest embedded every face from the full decoded frame, which
// is better input than the saved JPEG crop, so a face's embedding is recomputed only when it has to be —
//   - the given model pack is not the one that made faces.npy (model id or dimension differ): every
//     face is re-embedded from its crop (a face without a crop on disk is an error: rows of two models
//     cannot be mixed);
//   - a faces.npy row disagrees with faces.jsonl's copy (beyond the validator's tolerance): that face is
//     re-embedded from its crop when a pack is given, otherwise faces.jsonl's copy is taken.
// Re-embedding from a crop: the crop is the harvest's square around the box (face-crop.ts cropBox, saved at
// CROP_MIN–CROP_MAX px), so the landmarks are mapped into it, the face is aligned (models/align) and embedded; its
// quality_score is recomputed from the same aligned crop (quality.faceQuality, with the track's
// avg_conf standing in for the detection's confidence, which faces.jsonl does not keep).
// Every other face keeps its embedding and quality_score; the stricter gate reads quality_score.
import sharp from 'sharp';
import type { Face, Track } from '../../../shared/schema';
import { alignFace } from '../../models/align';
import type { LoadedPack, RgbImage } from '../../models/types';
import type { Workspace } from '../../store/workspace';
import { checkAborted } from '../context';
import { cropBox, EMBED_BATCH } from '../face-crop';
import { faceQuality } from '../quality';

/** The cleanup gate is the run's gate plus this, unless given. */
export const STRICT_GATE_MARGIN = 0.1;
/** Row agreement between faces.npy and faces.jsonl, as electron/store/validate.ts checks it. */
const ROW_TOLERANCE = 1e-5;
/** Leave-one-out outlier check needs this many accepted faces in the track. */
const OUTLIER_MIN_FACES = 3;

export interface ReembedOptions {
  strictGate: number;
  /** A face whose cosine to the mean of its track's other accepted faces is below this is rejected. */
  outlierCosine: number;
  /** Tracks of locked identities: confirmed by a reviewer, so they get no new rejections. */
  protectedTracks: ReadonlySet<string>;
  /** model_id of faces.npy (embeddings_meta.json). */
  modelId: string;
  pack?: LoadedPack;
  workspace: Workspace;
  epId: string;
  /** Source video size (detect_meta.json), needed to locate the face inside its crop. */
  videoSize?: { width: number; height: number } | null;
  signal: AbortSignal;
  log: (message: string) => void;
  progress?: (done: number, total: number) => void;
}

export interface ReembedResult {
  faces: Face[];
  rows: Float32Array;
  dim: number;
  modelId: string;
  /** face_ids whose embedding was recomputed from the crop. */
  reembedded: string[];
  summary: { faces_rejected: number; mean_quality_before: number; mean_quality_after: number };
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
const meanQuality = (faces: readonly Face[]) => {
  const acc = faces.filter((f) => !f.rejection_reason);
  return acc.length ? clamp01(acc.reduce((s, f) => s + f.quality_score, 0) / acc.length) : 0;
};

async function readCrop(path: string): Promise<RgbImage> {
  const { data, info } = await sharp(path).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Indices of faces whose faces.npy row must be recomputed: all of them on a model change, else rows that disagree with faces.jsonl. */
function rowsToRedo(faces: readonly Face[], rows: Float32Array, dim: number, modelChange: boolean): number[] {
  const redo: number[] = [];
  faces.forEach((f, i) => {
    if (modelChange) return void redo.push(i);
    const o = i * dim;
    for (let k = 0; k < dim; k++) {
      if (Math.abs(rows[o + k] - f.embedding[k]) > ROW_TOLERANCE) return void redo.push(i);
    }
  });
  return redo;
}

/** On a model change rows of two models cannot be mixed, so every face must be re-embeddable from its crop. */
function assertAllCroppable(faces: readonly Face[], canCrop: (f: Face) => boolean, pack: LoadedPack, opts: ReembedOptions): void {
  const missing = faces.findIndex((f) => !canCrop(f));
  if (missing < 0) return;
  const f = faces[missing];
  throw new Error(
    `reembed: pack "${pack.embedder.modelId}" differs from the model of faces.npy ("${opts.modelId}"), so every face must be re-embedded from its crop, but faces.jsonl line ${missing + 1} (${f.face_id}) ` +
      (opts.videoSize ? 'has no crop_path' : 'cannot be located in its crop: detect_meta.json (video size) is missing'),
  );
}

/** Reads face `i`'s crop, maps its landmarks into it, aligns it and scores its quality (`conf` stands in for the detection's). */
async function alignFromCrop(f: Face, i: number, conf: number, pack: LoadedPack, opts: ReembedOptions): Promise<{ aligned: RgbImage; quality: number }> {
  const { width: W, height: H } = opts.videoSize!;
  const bboxPx = [f.bbox[0] * W, f.bbox[1] * H, f.bbox[2] * W, f.bbox[3] * H];
  const lmPx = f.landmarks.map((v, k) => v * (k % 2 === 0 ? W : H));
  const region = cropBox(bboxPx, W, H);
  const img = await readCrop(opts.workspace.resolveManifestRef(opts.epId, f.crop_path)).catch((err: Error) => {
    throw new Error(`reembed: crop of ${f.face_id} (faces.jsonl line ${i + 1}, crop_path "${f.crop_path}") cannot be read: ${err.message}`);
  });
  const sx = img.width / region.width, sy = img.height / region.height;
  const lmCrop = lmPx.map((v, k) => (k % 2 === 0 ? (v - region.left) * sx : (v - region.top) * sy));
  const aligned = alignFace(img, lmCrop, pack.embedder.inputSize, pack.embedder.alignTemplate);
  return { aligned, quality: faceQuality({ conf, bboxPx, landmarksPx: lmPx, aligned }).quality };
}

/**
 * Accepted faces of unprotected tracks whose cosine to the sum of their track's other accepted faces
 * is below opts.outlierCosine (leave-one-out, tracks of at least OUTLIER_MIN_FACES).
 */
function trackOutliers(out: readonly Face[], outRows: Float32Array, outDim: number, opts: ReembedOptions): number[] {
  const byTrack = new Map<string, number[]>();
  out.forEach((f, i) => {
    if (f.rejection_reason || opts.protectedTracks.has(f.track_id)) return;
    let l = byTrack.get(f.track_id);
    if (!l) byTrack.set(f.track_id, (l = []));
    l.push(i);
  });
  const outliers: number[] = [];
  for (const members of byTrack.values()) {
    if (members.length < OUTLIER_MIN_FACES) continue;
    const sum = new Float64Array(outDim);
    for (const i of members) for (let k = 0; k < outDim; k++) sum[k] += outRows[i * outDim + k];
    for (const i of members) {
      let dotp = 0, norm = 0;
      for (let k = 0; k < outDim; k++) {
        const v = outRows[i * outDim + k];
        const rest = sum[k] - v;
        dotp += v * rest;
        norm += rest * rest;
      }
      if (norm > 0 && dotp / Math.sqrt(norm) < opts.outlierCosine) outliers.push(i);
    }
  }
  return outliers;
}

export async function reembedFaces(
  faces: readonly Face[],
  rows: Float32Array,
  dim: number,
  tracks: readonly Track[],
  opts: ReembedOptions,
): Promise<ReembedResult> {
  const out = faces.map((f) => ({ ...f }));
  const before = meanQuality(faces);
  const avgConf = new Map(tracks.map((t) => [t.track_id, t.stats.avg_conf]));
  const pack = opts.pack;
  const modelChange = !!pack && (pack.embedder.modelId !== opts.modelId || pack.embedder.dim !== dim);

  // 1. Which rows must be recomputed.
  const redo = rowsToRedo(faces, rows, dim, modelChange);
  const outDim = modelChange ? pack!.embedder.dim : dim;
  const outRows = modelChange ? new Float32Array(faces.length * outDim) : rows.slice();
  const reembedded: string[] = [];
  const canCrop = (f: Face) => !!pack && !!opts.videoSize && f.crop_path !== '';
  if (modelChange) assertAllCroppable(faces, canCrop, pack!, opts);

  // 2. Re-embed from crops in batches.
  const pending: Array<{ i: number; aligned: RgbImage }> = [];
  const flush = async () => {
    if (!pending.length) return;
    const vecs = await pack!.embedder.embed(pending.map((p) => p.aligned));
    pending.forEach((p, j) => {
      outRows.set(vecs[j], p.i * outDim);
      out[p.i].embedding = Array.from(vecs[j]);
      reembedded.push(out[p.i].face_id);
    });
    pending.length = 0;
    opts.progress?.(reembedded.length, redo.length);
  };
  for (const i of redo) {
    checkAborted(opts.signal);
    const f = faces[i];
    if (!canCrop(f)) {
      opts.log(`reembed: ${f.face_id}: faces.npy row ${i} differs from faces.jsonl; no pack or crop to re-embed from, so faces.jsonl's embedding is kept`);
      outRows.set(f.embedding, i * outDim);
      continue;
    }
    const { aligned, quality } = await alignFromCrop(f, i, avgConf.get(f.track_id) ?? 1, pack!, opts);
    out[i].quality_score = quality;
    pending.push({ i, aligned });
    if (pending.length >= EMBED_BATCH) await flush();
  }
  await flush();

  // 3. Stricter gate.
  const wasAccepted = faces.map((f) => !f.rejection_reason);
  for (const f of out) {
    if (!f.rejection_reason && !opts.protectedTracks.has(f.track_id) && f.quality_score < opts.strictGate) f.rejection_reason = 'low_quality';
  }

  // 4. Faces far from the rest of their track (stray detections, a face that crossed in front).
  for (const i of trackOutliers(out, outRows, outDim, opts)) out[i].rejection_reason = 'track_outlier';

  const rejected = out.filter((f, i) => wasAccepted[i] && f.rejection_reason).length;
  return {
    faces: out,
    rows: outRows,
    dim: outDim,
    modelId: modelChange ? pack!.embedder.modelId : opts.modelId,
    reembedded,
    summary: { faces_rejected: rejected, mean_quality_before: before, mean_quality_after: meanQuality(out) },
  };
}
