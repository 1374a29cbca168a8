import { useApp } from '../state/store';
import { selectors } from '../state/selectors';
import type { Identity } from '../../../shared/schema';
import { Thumb } from '../components/Thumb';
import { TrackRow } from '../components/TrackRow';
import { Suggestions } from '../components/Suggestions';
import { CastSuggestions } from './cast/CastSuggestions';
import { ActionButton } from '../actions/ActionButton';
import { formatSeconds, plural } from '../format';

function IdentityHeader({ ident }: { ident: Identity }) {
  const id = ident.identity_id;
  const backToGrid = useApp((s) => s.backToGrid);
  const seconds = useApp((s) => selectors.allCards(s).find((c) => c.id === id)?.seconds ?? 0);
  return (
    <header>
      <button className="btn small" onClick={backToGrid} aria-label="Back to all identities">← All</button>
      <Thumb refPath={ident.canonical_face_path} alt={`Thumbnail of ${id}`} />
      <div>
        <div className="title" data-testid="detail-name">{ident.labels.name ?? <span className="hint">unlabeled</span>}</div>
        <div className="hint">
          {id} · {plural(ident.track_ids.length, 'track')} · {plural(ident.embedding_stats.num_faces_total, 'face')} · {formatSeconds(seconds)} on screen
          {ident.labels.person_id ? ` · ${ident.labels.person_id}` : ''}
        </div>
      </div>
      {ident.locked && <span className="badge-inline locked" data-testid="detail-locked">locked</span>}
      <span className="spacer" />
      <ActionButton id="identity.label" />
      <ActionButton id="identity.lock" text={ident.locked ? 'Unlock' : 'Lock'} testId="detail-lock" />
      <ActionButton id="identity.merge" />
    </header>
  );
}

/** Track order and the track operations; the buttons need an explicit selection (the keys also take the focused track). */
function TrackToolbar() {
  const order = useApp((s) => s.trackOrder);
  const setOrder = useApp((s) => s.setTrackOrder);
  const nSel = useApp((s) => s.selectedTracks.length);
  return (
    <div className="toolbar">
      <span className="hint">Tracks</span>
      <button className="btn chip" aria-pressed={order === 'time'} onClick={() => setOrder('time')}>Time order</button>
      <button className="btn chip" aria-pressed={order === 'outliers'} onClick={() => setOrder('outliers')} data-testid="order-outliers">Outliers first</button>
      <span className="hint">{nSel ? `${nSel} selected` : 'Space selects tracks'}</span>
      <ActionButton id="tracks.split" disabled={!nSel} testId="split" />
      <ActionButton id="tracks.move" disabled={!nSel} testId="move" />
      <ActionButton id="tracks.remove" disabled={!nSel} testId="remove" />
    </div>
  );
}

function TrackList({ id }: { id: string }) {
  const detail = useApp((s) => (s.detail?.identity.identity_id === id ? s.detail : null));
  const tracks = useApp(selectors.detailTracks);
  const trackFocus = useApp(selectors.trackFocus);
  const selectedTracks = useApp((s) => s.selectedTracks);
  const selected = new Set(selectedTracks);
  return (
    <div className="tracks" role="listbox" aria-multiselectable="true" aria-label="Tracks" data-testid="track-list">
      {!detail && <div className="empty">Loading tracks…</div>}
      {tracks.map((t, i) => (
        <TrackRow key={t.track_id} track={t} index={i} focused={i === trackFocus} selected={selected.has(t.track_id)} />
      ))}
    </div>
  );
}

export function IdentityView() {
  const id = useApp((s) => s.detailId);
  const ident = useApp((s) => selectors.identity(s, id));
  const backToGrid = useApp((s) => s.backToGrid);
  if (!id || !ident) return <div className="empty">This identity no longer exists. <button className="btn" onClick={backToGrid}>Back</button></div>;
  return (
    <section className="identity" aria-label={`Identity ${id}`} data-testid="identity-detail" data-identity-id={id}>
      <IdentityHeader ident={ident} />
      <TrackToolbar />
      <div className="detail">
        <TrackList id={id} />
        <aside aria-label="Merge suggestions">
          <CastSuggestions identityId={id} />
          <Suggestions />
        </aside>
      </div>
    </section>
  );
}
