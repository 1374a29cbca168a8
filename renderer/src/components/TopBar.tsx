import { useApp } from '../state/store';
import { backToGrid } from '../actions';
import { selectors } from '../state/selectors';
import { parseEpId } from '../../../shared/episode';
import { CleanupButton } from './CleanupButton';

export function TopBar() {
  const view = useApp((s) => s.view);
  // Episode commands only while that episode is on screen (never on the Episodes list).
  const epId = useApp(selectors.episodeOnScreen);
  const detailId = useApp((s) => s.detailId);
  const history = useApp((s) => s.history);
  const setView = useApp((s) => s.setView);
  const openDialog = useApp((s) => s.openDialog);
  const undo = useApp((s) => s.undo);
  const redo = useApp((s) => s.redo);
  return (
    <header className="topbar">
      <h1>Screenalytics Review</h1>
      <nav className="row" aria-label="Breadcrumb">
        <button className="btn small" onClick={() => setView('episodes')} aria-current={view === 'episodes'}>Episodes</button>
        {epId && (
          <>
            <span className="crumb">/</span>
            <button className="btn small" onClick={backToGrid} aria-current={view === 'people'} data-testid="crumb-episode">{epId}</button>
            <button className="btn small" onClick={() => setView('timeline')} aria-current={view === 'timeline'} data-testid="open-timeline">Timeline</button>
          </>
        )}
        {view === 'identity' && detailId && (
          <>
            <span className="crumb">/</span>
            <span className="crumb">{detailId}</span>
          </>
        )}
      </nav>
      <div className="spacer" />
      {epId && (
        <>
          <button
            className="btn small"
            onClick={() => void undo()}
            disabled={!history?.can_undo}
            title={history?.undo_label ? `Undo: ${history.undo_label} (z)` : 'Undo (z)'}
            aria-label="Undo"
            data-testid="undo"
          >
            ↶ Undo
          </button>
          <button
            className="btn small"
            onClick={() => void redo()}
            disabled={!history?.can_redo}
            title={history?.redo_label ? `Redo: ${history.redo_label} (shift+z)` : 'Redo (shift+z)'}
            aria-label="Redo"
            data-testid="redo"
          >
            ↷ Redo
          </button>
        </>
      )}
      {epId && <CleanupButton key={epId} epId={epId} />}
      {epId && (
        <button
          className="btn small"
          onClick={() => openDialog({ kind: 'cast-references', show: parseEpId(epId).show, personId: null })}
          data-testid="open-cast"
          title="The show's cast library: each person's reference faces"
        >
          Cast
        </button>
      )}
      <button className="btn small" onClick={() => openDialog({ kind: 'settings' })} data-testid="open-settings">Settings</button>
      <button className="btn small" onClick={() => openDialog({ kind: 'shortcuts' })} aria-label="Keyboard shortcuts">?</button>
    </header>
  );
}
