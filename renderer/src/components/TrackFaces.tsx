// Every face of the focused track, to fix a track the tracker got wrong: pick a face (click, or ←/→ with
// the strip focused), then "Split track here" (t: the faces from this one on become a track and an
// identity of their own) or "Reject face" (x: it no longer counts for the track). Both are undo steps.
// The picked face can also become the identity's cover ("Set as cover", c) or be shown large
// (Shift+Space, or rest the pointer on a face). The strip's keys are the registry's `faces` scope;
// its crops are drawn at the chosen face size (--crop-px).
import { memo } from 'react';
import { useApp } from '../state/store';
import { selectors, type DetailTrack } from '../state/selectors';
import { zoomOfFace } from '../state/ui/grid';
import { ActionButton } from '../actions/ActionButton';
import { scopeKeyHandler } from '../actions/keyboard';
import { Thumb } from './Thumb';
import { FaceZoom, useHoverZoom } from './FaceZoom';
import './grid.css';

const StripFace = memo(function StripFace(props: { track: DetailTrack; index: number; picked: boolean; cover: boolean }) {
  const { track: t, index: i, picked, cover } = props;
  const f = t.face_rows[i];
  const pickFace = useApp((s) => s.pickFace);
  const hover = useHoverZoom(() => zoomOfFace(t, i));
  return (
    <button
      role="option"
      aria-selected={picked}
      className={`face${picked ? ' picked' : ''}${f.rejected ? ' rejected' : ''}${cover ? ' cover' : ''}`}
      data-testid="face"
      data-face-id={f.face_id}
      data-cover={cover || undefined}
      tabIndex={-1}
      title={`${f.face_id}${f.rejected ? ' (rejected)' : ''}${cover ? ' (cover)' : ''}`}
      onClick={(e) => {
        e.stopPropagation();
        pickFace(t.track_id, i);
      }}
      {...hover}
    >
      <Thumb refPath={f.crop_path || undefined} alt={`${t.track_id} ${f.face_id}`} />
      {cover && <span className="cover-mark">cover</span>}
    </button>
  );
});

export function TrackFaces({ track: t }: { track: DetailTrack }) {
  const faces = t.face_rows;
  // The strip is shown for the focused track only, so the picked index is this track's.
  const picked = useApp((s) => (s.pickedFace?.trackId === t.track_id ? s.pickedFace.index : null));
  const coverRef = useApp((s) => selectors.identity(s, s.detailId)?.canonical_face_path);
  const face = picked === null ? null : (faces[picked] ?? null);
  if (!faces.length) return null;
  return (
    <div className="track-faces" data-testid="track-faces">
      <div className="crops faces" role="listbox" aria-label={`Faces of ${t.track_id}`} tabIndex={0} onKeyDown={scopeKeyHandler('faces')} data-testid="face-strip">
        {faces.map((f, i) => (
          <StripFace key={f.face_id} track={t} index={i} picked={i === picked} cover={!!f.crop_path && f.crop_path === coverRef} />
        ))}
      </div>
      {face && (
        <div className="face-actions">
          <span className="hint">{face.face_id}</span>
          <ActionButton id="faces.split" testId="split-track-here" title="The faces from this one on become a track of their own (t)" />
          <ActionButton id="faces.reject" testId="reject-face" title="This face no longer counts for the track (x)" />
          <ActionButton id="faces.cover" testId="set-cover" title="Show this face on the identity's card (c)" />
          <ActionButton id="faces.zoom" testId="zoom-face" text="Zoom" title="Show this face large (Shift+Space)" />
        </div>
      )}
      <FaceZoom />
    </div>
  );
}
