// Every face the detector found in one analysed frame, for "show in frame" to draw the other faces
// faintly around the one shown: detections.jsonl rows of that frame, each named by the track (and
// identity) whose harvested face on the same frame it overlaps. detections.jsonl is read once per
// episode and kept as an index by frame until the file changes (one episode at a time: the dialog
// asks about the open one).
import { iou } from '../../shared/geometry';
import type { ResponseOf } from '../../shared/ipc';
import type { IdentitiesDoc } from '../../shared/schema';
import { episodeArtifacts } from '../store/artifacts';
import type { EpisodeData } from '../store/review';
import type { Workspace } from '../store/workspace';
import { fileStamp } from './review-views';

type Box = [number, number, number, number];
type FrameFace = ResponseOf<'frame:faces'>['faces'][number];

/** A detection and a harvested face of one frame are the same face above this overlap. */
const SAME_FACE_IOU = 0.5;

export class FrameFaces {
  private index: { epId: string; stamp: string; byFrame: Map<number, Box[]> } | null = null;

  constructor(private readonly ws: Workspace) {}

  async at(epId: string, frameIdx: number, doc: IdentitiesDoc, data: EpisodeData): Promise<FrameFace[]> {
    const boxes = (await this.byFrame(epId)).get(frameIdx) ?? [];
    const harvested = [...data.tracks.values()].flatMap((info) =>
      info.faceRows.filter((f) => f.frame_idx === frameIdx).map((f) => ({ track_id: info.track.track_id, bbox: f.bbox })),
    );
    const owner = new Map<string, { identity_id: string; name: string | null }>();
    for (const i of doc.identities) for (const t of i.track_ids) owner.set(t, { identity_id: i.identity_id, name: i.labels.name ?? null });
    return boxes.map((bbox) => {
      let best: { track_id: string; score: number } | null = null;
      for (const h of harvested) {
        const score = iou(bbox, h.bbox);
        if (score >= SAME_FACE_IOU && (!best || score > best.score)) best = { track_id: h.track_id, score };
      }
      const who = best ? owner.get(best.track_id) : undefined;
      return { bbox, track_id: best?.track_id ?? null, identity_id: who?.identity_id ?? null, name: who?.name ?? null };
    });
  }

  private async byFrame(epId: string): Promise<Map<number, Box[]>> {
    const art = episodeArtifacts(this.ws, epId);
    const stamp = await fileStamp(art.path('detections'));
    if (stamp === '-') return new Map();
    if (this.index?.epId === epId && this.index.stamp === stamp) return this.index.byFrame;
    const byFrame = new Map<number, Box[]>();
    for await (const d of art.detections()) {
      let list = byFrame.get(d.frame_idx);
      if (!list) byFrame.set(d.frame_idx, (list = []));
      list.push(d.bbox as Box);
    }
    this.index = { epId, stamp, byFrame };
    return byFrame;
  }
}
