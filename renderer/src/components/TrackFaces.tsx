// Every face of the focused track, to fix a track the tracker got wrong: pick a face (click, or ←/→ with
// the strip focused), then "Split track here" (t: the faces from this one on become a track and an
// identity of their own) or "Reject face" (x: it no longer counts for the track). Both are undo steps.
// The strip's keys are the registry's `faces` scope.
import { useApp } from '../state/store';
import type { DetailTrack } from '../state/selectors';
import { ActionButton } from '../actions/ActionButton';
import { scopeKeyHandler } from '../actions/keyboard';
import { Thumb } from './Thumb';

export function TrackFaces({ track: t }: { track: DetailTrack }) {
  const faces = t.face_rows;
  // The strip is shown for the focused track only, so the picked index is this track's.
  const picked = useApp((s) => (s.pickedFace?.trackId === t.track_id ? s.pickedFace.index : null));
  const pickFace = useApp((s) => s.pickFace);
  const face = picked === null ? null : (faces[picked] ?? null);
  if (!faces.length) return null;
  return (
    <div className="track-faces" data-testid="track-faces">
      <div className="crops faces" role="listbox" aria-label={`Faces of ${t.track_id}`} tabIndex={0} onKeyDown={scopeKeyHandler('faces')} data-testid="face-strip">
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
              pickFace(t.track_id, i);
            }}
          >
            <Thumb refPath={f.crop_path || undefined} alt={`${t.track_id} ${f.face_id}`} />
          </button>
        ))}
      </div>
      {face && (
        <div className="face-actions">
          <span className="hint">{face.face_id}</span>
          <ActionButton id="faces.split" testId="split-track-here" title="The faces from this one on become a track of their own (t)" />
          <ActionButton id="faces.reject" testId="reject-face" title="This face no longer counts for the track (x)" />
        </div>
      )}
    </div>
  );
}
