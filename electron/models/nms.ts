// Greedy non-maximum suppression over [x1, y1, x2, y2] boxes, as insightface's scrfd.nms and
// OpenCV's NMSBoxes do it. Hand-written: ~30 lines, and every JS NMS on npm is tied to a tensor library.
import { iou } from '../../shared/geometry';

export interface ScoredBox {
  bbox: [number, number, number, number];
  conf: number;
}

/** Keeps the highest-scoring box of every group overlapping by more than `iouThreshold`; result is sorted by conf, descending. */
export function nms<T extends ScoredBox>(boxes: T[], iouThreshold: number): T[] {
  const sorted = [...boxes].sort((a, b) => b.conf - a.conf);
  const kept: T[] = [];
  const suppressed = new Uint8Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) {
    if (suppressed[i]) continue;
    kept.push(sorted[i]);
    for (let j = i + 1; j < sorted.length; j++) {
      if (!suppressed[j] && iou(sorted[i].bbox, sorted[j].bbox) > iouThreshold) suppressed[j] = 1;
    }
  }
  return kept;
}
