// "Show in frame": the source frame behind a face (extracted by the host on demand), with the face's
// box drawn over it and the frame's other detected faces drawn faintly. The box is an SVG in the frame's normalised coordinates laid exactly over the
// image, so it stays on the face at any dialog size.
import { useEffect, useState } from 'react';
import { iou } from '../../../shared/geometry';
import { frameUrl } from '../api/client';
import type { FrameFace } from '../state/episode/frames';
import { useApp } from '../state/store';
import { Dialog } from './Dialog';
import type { Box } from './trackBoxes';
import './media.css';

export interface FrameViewerProps {
  epId: string;
  tsS: number;
  /** The analysed frame the face is on: the other faces detected on it are drawn faintly. */
  frameIdx: number;
  bbox: Box;
  /** What the face is: "track-00012 · face-000345". */
  caption: string;
  onClose: () => void;
}

/** A box in the overlay's unit square; the stroke keeps its pixel width however the frame is scaled. */
export function BoxRect(props: { bbox: Box; className: string; testId?: string }) {
  const [x1, y1, x2, y2] = props.bbox;
  return (
    <rect
      className={props.className}
      data-testid={props.testId}
      x={x1}
      y={y1}
      width={Math.max(0, x2 - x1)}
      height={Math.max(0, y2 - y1)}
      vectorEffect="non-scaling-stroke"
    />
  );
}

/** The media dialogs' close button: focused first, so Esc and Enter both close. */
export function CloseButton({ onClose }: { onClose: () => void }) {
  return (
    <button type="button" className="btn small" onClick={onClose} data-autofocus>
      Close (Esc)
    </button>
  );
}

/** The other faces of the frame: every detection but the one shown (the one overlapping its box most). */
function useOtherFaces(epId: string, frameIdx: number, bbox: Box): FrameFace[] {
  const load = useApp((s) => s.frameFaces);
  const [faces, setFaces] = useState<FrameFace[]>([]);
  useEffect(() => {
    let live = true;
    void load(epId, frameIdx).then((all) => {
      let own = -1;
      let bestOverlap = 0.3;
      all.forEach((f, i) => {
        const overlap = iou(f.bbox, bbox);
        if (overlap > bestOverlap) [own, bestOverlap] = [i, overlap];
      });
      if (live) setFaces(all.filter((_, i) => i !== own));
    });
    return () => {
      live = false;
    };
  }, [load, epId, frameIdx, bbox]);
  return faces;
}

export function FrameViewer({ epId, tsS, frameIdx, bbox, caption, onClose }: FrameViewerProps) {
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const [failed, setFailed] = useState(false);
  const others = useOtherFaces(epId, frameIdx, bbox);
  return (
    <Dialog title="Face in its frame" onClose={onClose} testId="frame-viewer">
      <div className="media-dialog">
        <div className="media-stage" style={size ? ({ '--aspect': size.w / size.h } as React.CSSProperties) : undefined}>
          <img
            src={frameUrl(epId, tsS)}
            alt={`Frame at ${tsS.toFixed(2)} s`}
            data-testid="frame-image"
            draggable={false}
            onLoad={(e) => setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })}
            onError={() => setFailed(true)}
          />
          {size && (
            <svg className="media-overlay" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true">
              {others.map((f, i) => (
                <BoxRect key={`${f.track_id ?? 'face'}-${i}`} bbox={f.bbox} className="media-box other" testId="frame-other" />
              ))}
              <BoxRect bbox={bbox} className="media-box" testId="frame-box" />
            </svg>
          )}
        </div>
        <p className="media-caption">
          {failed ? 'The frame could not be read: the episode\'s video is missing or outside the folders this host serves.' : `${caption} · ${tsS.toFixed(2)} s${size ? ` · ${size.w}×${size.h}` : ''}`}
        </p>
        <div className="actions">
          <CloseButton onClose={onClose} />
        </div>
      </div>
    </Dialog>
  );
}
