// A face cut from a full-resolution YUV frame converts only the pixels around it; the landmarks, the
// aligned crop, the quality and the JPEG must be what the whole frame, converted, gives — up to the
// last bits of the floating-point coordinates (a region's coordinates are the frame's minus its
// corner) — checked on real faces of the TV scene (frontal, turned and at the frame's edge).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { EVAL_DIR } from '../models/eval-pack';
import { loadPack, REPO_ROOT } from '../models/pack';
import { writeCandidateDir } from '../../models/convert/candidates';
import { alignFace, dlibChipTemplate } from '../models/align';
import { defaultPipelineSettings } from '../../shared/schema/settings';
import { decodeFrames } from './decode';
import { cropBox, cropFace, jpeg } from './face-crop';
import { faceQuality } from './quality';
import { normaliseDetection } from './detect';
import { yuvToRgb } from './yuv';

test('cropFace on a YUV frame = the same steps on the whole converted frame, on real TV faces', async () => {
  const pack = await loadPack({ packId: defaultPipelineSettings().packId, device: 'cpu' });
  let faces = 0, edge = 0;
  try {
    const video = join(EVAL_DIR, 'videos', 'tv_dinner_scene.mp4');
    for await (const f of decodeFrames(video, { onlyFrames: new Set([120, 360, 600, 840, 1210, 1500, 1700, 1900]), fit: pack.detector.inputSize, yuv: true })) {
      const [dets] = await pack.detector.detect([f.image]);
      const whole = yuvToRgb(f.yuv!);
      const { width: W, height: H } = whole;
      for (const d of dets) {
        const face = normaliseDetection(d, f.image.width, f.image.height);
        const got = await cropFace(pack, f.yuv!, face, true);
        const bboxPx = [face.bbox[0] * W, face.bbox[1] * H, face.bbox[2] * W, face.bbox[3] * H];
        const [lm] = await pack.detector.refineLandmarks!(whole, [bboxPx]);
        const aligned = alignFace(whole, lm, pack.embedder.inputSize);
        const at = `face at ${bboxPx.map(Math.round)}`;
        lm.forEach((v, i) => assert.ok(Math.abs(got.landmarks[i] - v / (i % 2 === 0 ? W : H)) < 1e-9, `${at}: landmark ${i}`));
        let off = 0;
        got.aligned.data.forEach((v, i) => {
          assert.ok(Math.abs(v - aligned.data[i]) <= 1, `${at}: aligned value ${i}: ${v} vs ${aligned.data[i]}`);
          if (v !== aligned.data[i]) off++;
        });
        assert.ok(off <= aligned.data.length / 1000, `${at}: ${off} aligned values off by one`);
        const q = faceQuality({ conf: face.conf, bboxPx, landmarksPx: lm, aligned });
        assert.ok(Math.abs(got.quality.quality - q.quality) < 1e-3 && Math.abs(got.quality.pose - q.pose) < 1e-9, `${at}: quality ${got.quality.quality} vs ${q.quality}`);
        const [a, b] = await Promise.all([got.jpeg!, jpeg(whole, 90, cropBox(bboxPx, W, H))]);
        const [ra, rb] = await Promise.all([sharp(a).raw().toBuffer(), sharp(b).raw().toBuffer()]);
        assert.deepEqual(ra, rb, 'the same crop pixels');
        faces++;
        if (face.bbox[0] < 0.02 || face.bbox[2] > 0.98 || face.bbox[1] < 0.02 || face.bbox[3] > 0.98) edge++;
      }
    }
  } finally {
    await Promise.allSettled([pack.detector.dispose(), pack.embedder.dispose()]);
  }
  assert.ok(faces >= 8 && edge >= 1, `${faces} faces checked, ${edge} at the frame's edge`);
});

test('quality is measured on the ArcFace 112-px crop whatever the embedder aligns for (dlib\'s 150-px chip here)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crop-dlib-'));
  writeCandidateDir('face-api dlib', dir, join(REPO_ROOT, 'models/generated/default'));
  const [def, dlib] = await Promise.all([loadPack({ packId: 'default', device: 'cpu' }), loadPack({ packId: 'dlib-candidate', userModelDir: dir, device: 'cpu' })]);
  let faces = 0;
  try {
    const video = join(EVAL_DIR, 'videos', 'tv_dinner_scene.mp4');
    for await (const f of decodeFrames(video, { onlyFrames: new Set([360, 1210]), fit: def.detector.inputSize, yuv: true })) {
      for (const d of (await def.detector.detect([f.image]))[0]) {
        const face = normaliseDetection(d, f.image.width, f.image.height);
        const [a, b] = await Promise.all([cropFace(def, f.yuv!, face, false), cropFace(dlib, f.yuv!, face, false)]);
        assert.equal(b.aligned.width, 150);
        assert.deepEqual(dlib.embedder.alignTemplate, dlibChipTemplate(150));
        assert.deepEqual(b.quality, a.quality);
        faces++;
      }
    }
  } finally {
    await Promise.allSettled([def.detector.dispose(), def.embedder.dispose(), dlib.detector.dispose(), dlib.embedder.dispose()]);
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(faces >= 3, `${faces} faces`);
});
