import { useApp, type AppState } from '../state/store';
import { dialog } from '../state/ui/dialogs';
import { RunProgress } from '../components/RunProgress';
import { WorkspacePicker } from '../components/WorkspacePicker';
import { QueuePanel } from '../components/QueuePanel';

type Episode = AppState['episodes'][number];

function EpisodeRow({ e }: { e: Episode }) {
  const openEpisode = useApp((s) => s.openEpisode);
  return (
    <tr data-testid="episode-row" data-ep-id={e.ep_id}>
      <td>
        <strong>{e.ep_id}</strong><div className="hint">{e.show} · season {e.season} · episode {e.episode}</div>
        {e.error && <div className="hint error" data-testid="episode-error">Cannot be opened: {e.error}</div>}
      </td>
      <td>
        <span className={`stage${e.num_tracks > 0 ? ' done' : ''}`}>tracks {e.num_tracks > 0 ? '✓' : '–'}</span>
        <span className={`stage${e.has_identities ? ' done' : ''}`}>identities {e.has_identities ? '✓' : '–'}</span>
        <span className={`stage${e.num_labeled > 0 ? ' done' : ''}`}>review {e.num_labeled > 0 ? 'started' : '–'}</span>
      </td>
      <td>{e.num_identities}</td>
      <td>{e.num_tracks}</td>
      <td>{e.num_labeled}</td>
      <td>{e.num_locked}</td>
      <td className="hint">{e.updated_at ? new Date(e.updated_at).toLocaleString() : '–'}</td>
      <td>
        <button className="btn" disabled={!e.has_identities} onClick={() => void openEpisode(e.ep_id)} aria-label={`Open ${e.ep_id}`} data-testid="open-episode">
          Open
        </button>
      </td>
    </tr>
  );
}

export function EpisodesView() {
  const episodes = useApp((s) => s.episodes);
  const root = useApp((s) => s.workspaceRoot);
  const openDialog = useApp((s) => s.openDialog);
  const refresh = useApp((s) => s.refreshEpisodes);
  return (
    <section className="page" aria-label="Episodes">
      <div className="row">
        <h2>Episodes</h2>
        <span className="hint">{root ? `in ${root}` : ''}</span>
        <span className="spacer" />
        <WorkspacePicker />
        <button className="btn" onClick={() => void refresh()}>Refresh</button>
        <button className="btn primary" onClick={() => openDialog(dialog('run'))} data-testid="new-run">Run on a new video…</button>
      </div>
      <RunProgress />
      <QueuePanel />
      {episodes.length === 0 ? (
        <div className="empty">No episodes in this workspace yet. Start a run on a video.</div>
      ) : (
        <table className="episodes">
          <thead>
            <tr>
              <th>Episode</th>
              <th>Stages</th>
              <th>Identities</th>
              <th>Tracks</th>
              <th>Labelled</th>
              <th>Locked</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {episodes.map((e) => <EpisodeRow key={e.ep_id} e={e} />)}
          </tbody>
        </table>
      )}
    </section>
  );
}
