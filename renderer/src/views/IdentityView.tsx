import { useApp } from '../state/store';
import { selectors } from '../state/selectors';
import { Thumb } from '../components/Thumb';
import { TrackRow } from '../components/TrackRow';
import { Suggestions } from '../components/Suggestions';
import { CastSuggestions } from './cast/CastSuggestions';
import { backToGrid, openLabelDialog, openMergeDialog, openMoveDialog, removeTracks, splitTracks, toggleLock } from '../actions';
import { formatSeconds } from '../format';

export function IdentityView() {
  const id = useApp((s) => s.detailId);
  const ident = useApp((s) => selectors.identity(s, id));
  const detail = useApp((s) => (s.detail?.identity.identity_id === id ? s.detail : null));
  const tracks = useApp(selectors.detailTracks);
  const trackFocus = useApp(selectors.trackFocus);
  const selectedTracks = useApp((s) => s.selectedTracks);
  const order = useApp((s) => s.trackOrder);
  const setOrder = useApp((s) => s.setTrackOrder);
  const seconds = useApp((s) => (ident ? selectors.allCards(s).find((c) => c.id === ident.identity_id)?.seconds ?? 0 : 0));
  if (!id || !ident) return <div className="empty">This identity no longer exists. <button className="btn" onClick={backToGrid}>Back</button></div>;
  const selected = new Set(selectedTracks);
  const nSel = selectedTracks.length;
  return (
    <section className="identity" aria-label={`Identity ${id}`} data-testid="identity-detail" data-identity-id={id}>
      <header>
        <button className="btn small" onClick={backToGrid} aria-label="Back to all identities">← All</button>
        <Thumb refPath={ident.canonical_face_path} alt={`Thumbnail of ${id}`} />
        <div>
          <div className="title" data-testid="detail-name">{ident.labels.name ?? <span className="hint">unlabeled</span>}</div>
          <div className="hint">
            {id} · {ident.track_ids.length} tracks · {ident.embedding_stats.num_faces_total} faces · {formatSeconds(seconds)} on screen
            {ident.labels.person_id ? ` · ${ident.labels.person_id}` : ''}
          </div>
        </div>
        {ident.locked && <span className="badge-inline locked" data-testid="detail-locked">locked</span>}
        <span className="spacer" />
        <button className="btn small" onClick={openLabelDialog}>Label (e)</button>
        <button className="btn small" onClick={toggleLock} data-testid="detail-lock">{ident.locked ? 'Unlock' : 'Lock'} (l)</button>
        <button className="btn small" onClick={openMergeDialog}>Merge… (m)</button>
      </header>
      <div className="toolbar">
        <span className="hint">Tracks</span>
        <button className="btn chip" aria-pressed={order === 'time'} onClick={() => setOrder('time')}>Time order</button>
        <button className="btn chip" aria-pressed={order === 'outliers'} onClick={() => setOrder('outliers')} data-testid="order-outliers">Outliers first</button>
        <span className="hint">{nSel ? `${nSel} selected` : 'Space selects tracks'}</span>
        <button className="btn small" disabled={!nSel} onClick={() => void splitTracks()} data-testid="split">Split off (s)</button>
        <button className="btn small" disabled={!nSel} onClick={openMoveDialog} data-testid="move">Move… (v)</button>
        <button className="btn small" disabled={!nSel} onClick={() => void removeTracks()} data-testid="remove">Remove (r)</button>
      </div>
      <div className="detail">
        <div className="tracks" role="listbox" aria-multiselectable="true" aria-label="Tracks" data-testid="track-list">
          {!detail && <div className="empty">Loading tracks…</div>}
          {tracks.map((t, i) => (
            <TrackRow key={t.track_id} track={t} index={i} focused={i === trackFocus} selected={selected.has(t.track_id)} />
          ))}
        </div>
        <aside aria-label="Merge suggestions">
          <CastSuggestions identityId={id} />
          <Suggestions />
        </aside>
      </div>
    </section>
  );
}
