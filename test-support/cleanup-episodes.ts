// Test episodes for cleanup, made the way the harvest stage makes them, from real photos: each face is
// a real cut-out (scripts/synth/faces) placed on a FRAME×FRAME canvas; the crop saved is harvest's
// square around the box, the embedding is the eval pack's (MobileFaceNet) on the aligned face, and the
// quality is harvest's faceQuality. detect_meta.json records the frame size so crops can be re-read.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { cropRef, episodePaths } from '../shared/layout';
import { embeddingsMetaSchema, faceSchema, formatFaceId, formatTrackId, trackSchema, type Face, type Track } from '../shared/schema';
import { alignFace } from '../electron/models/align';
import type { LoadedPack, RgbImage } from '../electron/models/types';
import { writeFileAtomic } from '../electron/store/atomic';
import { writeJson } from '../electron/store/json';
import { writeJsonl } from '../electron/store/jsonl';
import { writeNpy } from '../electron/store/npy';
import { Workspace } from '../electron/store/workspace';
import { episodeArtifacts } from '../electron/store/artifacts';
import type { FaceCutout } from '../scripts/synth/faces';
import { cropBox } from '../electron/pipeline/face-crop';
import { faceQuality, rejectionReason } from '../electron/pipeline/quality';
import { detectMetaSchema, sidePaths } from '../electron/pipeline/sidefiles';

export const FRAME = 360;
const FACE_SIDE = 110;
export const FPS = 10;

export interface FixtureFace {
  person: string;
  /** Index into the person's cut-outs. */
  photo: number;
  /** Face centre on the canvas (default: the middle). */
  at?: [number, number];
  /** Face box side in pixels (default FACE_SIDE); small faces score low quality. */
  side?: number;
}

export interface FixtureTrack {
  faces: FixtureFace[];
  startFrame: number;
  /** Frames between sampled faces (default 5). */
  step?: number;
}

export interface Fixture {
  ws: Workspace;
  epId: string;
  /** Person of each faces.jsonl row. */
  personOfFace: string[];
  tracks: Track[];
  faces: Face[];
}

/** Scale and offset that put the cut-out's face (FACE_SIDE px) centred at `at`, and its box and landmarks there. */
function place(cut: FaceCutout, at: [number, number], faceSide: number) {
  const side = Math.max(cut.bbox[2] - cut.bbox[0], cut.bbox[3] - cut.bbox[1]);
  const s = faceSide / side;
  const cx = ((cut.bbox[0] + cut.bbox[2]) / 2) * s, cy = ((cut.bbox[1] + cut.bbox[3]) / 2) * s;
  const ox = Math.round(at[0] - cx), oy = Math.round(at[1] - cy);
  return {
    sw: Math.max(1, Math.round(cut.image.width * s)),
    sh: Math.max(1, Math.round(cut.image.height * s)),
    ox,
    oy,
    bbox: cut.bbox.map((v, i) => Math.min(FRAME, Math.max(0, v * s + (i % 2 === 0 ? ox : oy)))),
    lm: cut.landmarks.map((v, i) => v * s + (i % 2 === 0 ? ox : oy)),
  };
}

async function render(cut: FaceCutout, at: [number, number], faceSide: number) {
  const p = place(cut, at, faceSide);
  const scaled = await sharp(cut.image.data, { raw: { width: cut.image.width, height: cut.image.height, channels: 3 } }).resize(p.sw, p.sh).raw().toBuffer();
  // Composite the parts of the scaled cut-out that fall on the canvas.
  const left = Math.max(0, -p.ox), top = Math.max(0, -p.oy);
  const w = Math.min(p.sw - left, FRAME - Math.max(0, p.ox)), h = Math.min(p.sh - top, FRAME - Math.max(0, p.oy));
  const part = await sharp(scaled, { raw: { width: p.sw, height: p.sh, channels: 3 } }).extract({ left, top, width: w, height: h }).raw().toBuffer();
  const { data, info } = await sharp({ create: { width: FRAME, height: FRAME, channels: 3, background: { r: 90, g: 110, b: 100 } } })
    .composite([{ input: part, raw: { width: w, height: h, channels: 3 }, left: Math.max(0, p.ox), top: Math.max(0, p.oy) }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== FRAME || info.height !== FRAME) throw new Error(`fixture: rendered ${info.width}×${info.height}×${info.channels}`);
  const frame: RgbImage = { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: FRAME, height: FRAME };
  return { frame, bbox: p.bbox, lm: p.lm };
}

/** Writes tracks.jsonl, faces.jsonl, faces.npy, embeddings_meta.json, detect_meta.json and crops. */
export async function buildEpisode(dir: string, epId: string, pack: LoadedPack, lib: Map<string, FaceCutout[]>, spec: FixtureTrack[], qualityGate = 0.35): Promise<Fixture> {
  const ws = new Workspace(dir);
  const paths = episodePaths(epId);
  const tracks: Track[] = [];
  const faces: Face[] = [];
  const personOfFace: string[] = [];
  const rows: Float32Array[] = [];
  let lastFrame = 0;
  for (const [ti, t] of spec.entries()) {
    const id = formatTrackId(ti + 1);
    const step = t.step ?? 5;
    const frames = t.faces.map((_, k) => t.startFrame + k * step);
    const thumbs: string[] = [];
    for (const [k, ff] of t.faces.entries()) {
      const cut = lib.get(ff.person)?.[ff.photo];
      if (!cut) throw new Error(`fixture: no cut-out ${ff.photo} of ${ff.person}`);
      const { frame, bbox, lm } = await render(cut, ff.at ?? [FRAME / 2, FRAME / 2], ff.side ?? FACE_SIDE);
      const aligned = alignFace(frame, lm, pack.embedder.inputSize);
      const [emb] = await pack.embedder.embed([aligned]);
      const q = faceQuality({ conf: cut.conf, bboxPx: bbox, landmarksPx: lm, aligned });
      const ref = cropRef(id, frames[k]);
      const region = cropBox(bbox, FRAME, FRAME);
      await writeFileAtomic(ws.resolveManifestRef(epId, ref), await sharp(frame.data, { raw: { width: FRAME, height: FRAME, channels: 3 } }).extract(region).jpeg({ quality: 90 }).toBuffer());
      if (k === 0 || k === t.faces.length - 1) thumbs.push(ref);
      const reason = rejectionReason(q, qualityGate);
      faces.push({
        face_id: formatFaceId(faces.length + 1),
        track_id: id,
        frame_idx: frames[k],
        bbox: bbox.map((v) => v / FRAME) as Face['bbox'],
        landmarks: lm.map((v) => v / FRAME),
        embedding: Array.from(emb),
        quality_score: q.quality,
        crop_path: ref,
        ...(reason ? { rejection_reason: reason } : {}),
      });
      personOfFace.push(ff.person);
      rows.push(emb);
    }
    const end = frames.at(-1)! + 2;
    lastFrame = Math.max(lastFrame, end);
    tracks.push({ track_id: id, ep_id: epId, start_s: t.startFrame / FPS, end_s: end / FPS, frame_span: [t.startFrame, end], sample_thumbs: thumbs, stats: { detections: end - t.startFrame + 1, avg_conf: 0.8 }, schema_version: 'track_v1' });
  }
  const dim = pack.embedder.dim;
  const flat = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => flat.set(r, i * dim));
  await writeJsonl(ws.abs(paths.tracks), tracks, trackSchema);
  await writeNpy(ws.abs(paths.facesNpy), flat, [rows.length, dim]);
  await writeJsonl(ws.abs(paths.faces), faces, faceSchema(dim));
  await writeJson(ws.abs(paths.embeddingsMeta), { ep_id: epId, model_id: pack.embedder.modelId, embedding_dim: dim, faces_rows: faces.length, track_order: [], pooling: 'none', created_at: new Date().toISOString() }, embeddingsMetaSchema);
  const frameList = Array.from({ length: lastFrame + 1 }, (_, f) => [f, f / FPS] as [number, number]);
  await writeJson(
    ws.abs(sidePaths(epId).detectMeta),
    { ep_id: epId, video: { path: 'fixture.mp4', width: FRAME, height: FRAME, duration_sec: (lastFrame + 1) / FPS, fps: FPS }, stride: 1, frames: frameList, scene_cuts: [], model_id: pack.detector.modelId, detector: 'scrfd', device: 'cpu', detections: faces.length, decode_detect_sec: 0 },
    detectMetaSchema,
  );
  return { ws, epId, personOfFace, tracks, faces };
}

/** sha256 of every file under `root` (relative path → hash), for byte-exact comparisons. */
export function hashTree(root: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = join(root, rel);
    for (const name of readdirSync(abs)) {
      const r = rel ? `${rel}/${name}` : name;
      if (skip(r)) continue;
      if (statSync(join(root, r)).isDirectory()) walk(r);
      else out.set(r, createHash('sha256').update(readFileSync(join(root, r))).digest('hex'));
    }
  };
  walk('');
  return out;
}

/** faces.jsonl and faces.npy as the store reads them (validated, row i ↔ line i+1). */
export async function readFacesAndRows(ws: Workspace, epId: string): Promise<{ faces: Face[]; rows: Float32Array; dim: number }> {
  const art = episodeArtifacts(ws, epId);
  const [faces, npy] = await Promise.all([art.readFaces(), art.readFacesNpy()]);
  if (faces.length !== npy.shape[0]) throw new Error(`faces.jsonl has ${faces.length} lines, faces.npy ${npy.shape[0]} rows`);
  return { faces, rows: npy.data, dim: npy.shape[1] };
}
