// The Run dialog's file browser over the host's folders (the workspace and the folders the host was
// started with): pick a root, go into folders or up one level, pick a video file. The listing comes
// from the pipeline slice (workspace:browse through the host), so it stays where it was when the
// dialog is reopened.
import { useEffect } from 'react';
import { useApp } from '../state/store';
import { formatBytes } from '../../../shared/ipc';

export function FileBrowser() {
  const at = useApp((s) => s.runDraft.browseAt);
  const { listing, error } = useApp((s) => s.runBrowse);
  const browseTo = useApp((s) => s.browseTo);
  const pickVideo = useApp((s) => s.pickVideo);
  useEffect(() => {
    // First opening in this window: where the browser was left, or the default folder.
    if (!listing) void browseTo(at);
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  const root = listing?.roots.find((r) => r.id === listing.root);
  return (
    <div className="file-browser" data-testid="file-browser" aria-label="Choose a video">
      <div className="fb-bar">
        <select
          aria-label="Folder"
          value={listing?.root ?? ''}
          onChange={(e) => void browseTo({ root: e.target.value, path: '' })}
          data-testid="browse-root"
        >
          {listing?.root === undefined && <option value="">Choose a folder…</option>}
          {listing?.roots.map((r) => <option key={r.id} value={r.id}>{r.label}</option>)}
        </select>
        <button
          type="button"
          className="btn"
          disabled={!listing || listing.parent === null}
          onClick={() => listing?.root && listing.parent !== null && void browseTo({ root: listing.root, path: listing.parent })}
          data-testid="browse-up"
        >
          ↑ Up
        </button>
      </div>
      <div className="fb-path hint" data-testid="browse-path">{root ? `${root.label}${listing?.path ? `/${listing.path}` : ''}` : ''}</div>
      {error && <div className="field-error" role="alert">{error}</div>}
      <ul className="fb-list" role="listbox" aria-label="Folders and videos">
        {listing?.root !== undefined && listing.entries.length === 0 && <li className="hint fb-empty">No folders or video files here.</li>}
        {listing?.entries.map((e) => (
          <li key={`${e.kind}:${e.name}`} role="option" aria-selected={false}>
            <button
              type="button"
              className={`fb-entry ${e.kind}`}
              onClick={() => (e.kind === 'dir' ? void browseTo({ root: listing.root, path: listing.path ? `${listing.path}/${e.name}` : e.name }) : pickVideo(e.name))}
              data-testid="browse-entry"
              data-kind={e.kind}
              data-name={e.name}
            >
              <span className="fb-icon" aria-hidden="true">{e.kind === 'dir' ? '▸' : '▶'}</span>
              <span className="fb-name">{e.kind === 'dir' ? `${e.name}/` : e.name}</span>
              {e.kind === 'video' && e.size !== undefined && <span className="hint">{formatBytes(e.size)}</span>}
            </button>
          </li>
        ))}
      </ul>
      {listing?.truncated && <div className="hint">Only the first entries are listed.</div>}
    </div>
  );
}
