// The face an identity is shown by (its cover): the most frontal of its good faces. quality_score
// already weighs pose at a quarter power (quality.ts), which still lets a sharp, large three-quarter
// view beat a frontal face; a cover is looked at to recognise someone, so here frontal-ness dominates:
// score = quality_score × pose². (With pose¹ the Friends clip's Monica got a yaw −0.32 cover of
// quality 0.60 over a yaw 0.02 face of quality 0.47.) Pose is measured again from the face's landmarks (faces.jsonl
// keeps them normalised, so they are scaled back to the video's pixels first: yaw is a ratio along
// the eye line and a 16:9 frame would skew it).
import type { Face } from '../../shared/schema';
import { poseScore } from './quality';

export type CoverFace = Pick<Face, 'face_id' | 'frame_idx' | 'landmarks' | 'quality_score' | 'crop_path' | 'rejection_reason'>;

/** quality_score × pose² of one face; `width`/`height` are the video's (the landmarks' scale). */
export function coverScore(face: Pick<Face, 'landmarks' | 'quality_score'>, width: number, height: number): number {
  const lm = face.landmarks.map((v, i) => v * (i % 2 === 0 ? width : height));
  const { pose } = poseScore(lm);
  return face.quality_score * pose * pose;
}

/**
 * Best cover among faces with a crop: accepted faces before rejected ones, then the highest
 * coverScore, then the earliest frame (deterministic across runs).
 */
export function pickCover<F extends CoverFace>(faces: readonly F[], width: number, height: number): F | undefined {
  let best: F | undefined;
  let bestKey: [number, number, number] = [-1, -1, 0];
  for (const f of faces) {
    if (!f.crop_path) continue;
    const key: [number, number, number] = [f.rejection_reason ? 0 : 1, coverScore(f, width, height), -f.frame_idx];
    if (!best || key[0] > bestKey[0] || (key[0] === bestKey[0] && (key[1] > bestKey[1] || (key[1] === bestKey[1] && key[2] > bestKey[2])))) {
      best = f;
      bestKey = key;
    }
  }
  return best;
}

/**
 * Identities whose cover is a face crop (a reviewer's "Set as cover") that none of their tracks has
 * any more — a re-run renumbered the tracks of a locked identity, a cleanup moved the crops — mapped to
 * their tracks, so the cluster stage makes them an automatic cover instead of naming a missing file.
 */
export function staleCovers(
  identities: ReadonlyArray<{ identity_id: string; track_ids: readonly string[]; canonical_face_path: string }>,
  faces: ReadonlyArray<Pick<Face, 'track_id' | 'crop_path'>>,
): Map<string, string[]> {
  const crops = new Set(faces.map((f) => f.crop_path).filter((c) => c !== ''));
  const trackOf = (ref: string) => ref.split('/')[1];
  const out = new Map<string, string[]>();
  for (const i of identities) {
    const ref = i.canonical_face_path;
    if (ref.startsWith('crops/') && !(crops.has(ref) && i.track_ids.includes(trackOf(ref)))) out.set(i.identity_id, [...i.track_ids]);
  }
  return out;
}
