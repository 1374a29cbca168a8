import { useApp } from '../state/store';
import { selectors } from '../state/selectors';
import { dialog } from '../state/ui/dialogs';
import { parseEpId } from '../../../shared/episode';
import { ActionButton } from '../actions/ActionButton';
import { CleanupButton } from './CleanupButton';

function Breadcrumb() {
  const view = useApp((s) => s.view);
  // Episode commands only while that episode is on screen (never on the Episodes list).
  const epId = useApp(selectors.episodeOnScreen);
  const detailId = useApp((s) => s.detailId);
  const setView = useApp((s) => s.setView);
  const backToGrid = useApp((s) => s.backToGrid);
  return (
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
  );
}

function HistoryButtons() {
  const undoLabel = useApp((s) => selectors.stepLabel(s, 'undo'));
  const redoLabel = useApp((s) => selectors.stepLabel(s, 'redo'));
  const canUndo = useApp((s) => selectors.canStep(s, 'undo'));
  const canRedo = useApp((s) => selectors.canStep(s, 'redo'));
  return (
    <>
      <ActionButton id="history.undo" keyInText={false} disabled={!canUndo} title={undoLabel ? `Undo: ${undoLabel} (z)` : 'Undo (z)'} ariaLabel="Undo" testId="undo" />
      <ActionButton id="history.redo" keyInText={false} disabled={!canRedo} title={redoLabel ? `Redo: ${redoLabel} (shift+z)` : 'Redo (shift+z)'} ariaLabel="Redo" testId="redo" />
    </>
  );
}

export function TopBar() {
  const epId = useApp(selectors.episodeOnScreen);
  const openDialog = useApp((s) => s.openDialog);
  return (
    <header className="topbar">
      <h1>Screenalytics Review</h1>
      <Breadcrumb />
      <div className="spacer" />
      {epId && <HistoryButtons />}
      {epId && <CleanupButton key={epId} epId={epId} />}
      {epId && (
        <button
          className="btn small"
          onClick={() => openDialog(dialog('cast-references', { show: parseEpId(epId).show, personId: null }))}
          data-testid="open-cast"
          title="The show's cast library: each person's reference faces"
        >
          Cast
        </button>
      )}
      <button className="btn small" onClick={() => openDialog(dialog('settings'))} data-testid="open-settings">Settings</button>
      <ActionButton id="help" keyInText={false} ariaLabel="Keyboard shortcuts" />
    </header>
  );
}
