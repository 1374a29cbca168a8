// Every face of the focused track, to fix a track the tracker got wrong: pick a face (click, or ←/→ with
// the strip focused), then "Split track here" (t: the faces from this one on become a track and an
// identity of their own) or "Reject face" (x: it no longer counts for the track). Both are undo steps.
import { useState, type KeyboardEvent } from 'react';
import { useApp } from '../state/store';
import type { DetailTrack } from '../state/selectors';
import { Thumb } from './Thumb';

export function TrackFaces({ track: t }: { track: DetailTrack }) {
  const runTrackEdit = useApp((s) => s.runTrackEdit);
  const faces = t.face_rows;
  const [picked, setPicked] = useState<number | null>(null);
  const face = picked === null ? null : faces[picked] ?? null;
  const split = () => face && picked! > 0 && void runTrackEdit({ op: 'splitTrack', track_id: t.track_id, face_id: face.face_id });
  const reject = () => face && !face.rejected && void runTrackEdit({ op: 'rejectFace', face_id: face.face_id });
  const onKey = (e: KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      ArrowRight: () => setPicked(Math.min(faces.length - 1, (picked ?? -1) + 1)),
      ArrowLeft: () => setPicked(Math.max(0, (picked ?? 1) - 1)),
      t: split,
      x: reject,
    };
    const fn = keys[e.key];
    if (!fn) return;
    // These keys mean "this face" here, not the view's track shortcuts.
    e.preventDefault();
    e.stopPropagation();
    fn();
  };
  if (!faces.length) return null;
  return (
    <div className="track-faces" data-testid="track-faces">
      <div className="crops faces" role="listbox" aria-label={`Faces of ${t.track_id}`} tabIndex={0} onKeyDown={onKey} data-testid="face-strip">
        {faces.map((f, i) => (
          <button
            key={f.face_id}
            role="option"
            aria-selected={i === picked}
            className={`face${i === picked ? ' picked' : ''}${f.rejected ? ' rejected' : ''}`}
            data-testid="face"
            data-face-id={f.face_id}
            tabIndex={-1}
            title={`${f.face_id}${f.rejected ? ' (rejected)' : ''}`}
            onClick={(e) => {
              e.stopPropagation();
              setPicked(i);
            }}
          >
            <Thumb refPath={f.crop_path || undefined} alt={`${t.track_id} ${f.face_id}`} />
          </button>
        ))}
      </div>
      {face && (
        <div className="face-actions">
          <span className="hint">{face.face_id}</span>
          <button className="btn small" disabled={picked === 0} onClick={split} data-testid="split-track-here" title="The faces from this one on become a track of their own (t)">
            Split track here (t)
          </button>
          <button className="btn small" disabled={face.rejected} onClick={reject} data-testid="reject-face" title="This face no longer counts for the track (x)">
            Reject face (x)
          </button>
        </div>
      )}
    </div>
  );
}
