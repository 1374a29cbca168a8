// "Change workspace…" on the Episodes screen. Electron: the native folder dialog in main, plus the
// recent folders. Web host: only when it was started with --allow-workspace-switch (a typed absolute
// path); otherwise the button is disabled and its tooltip says why (a browser cannot pick a server folder).
import { useEffect, useState } from 'react';
import type { ResponseOf } from '../../../shared/ipc';
import { errorInfo, getApi } from '../api/client';
import { useApp } from '../state/store';
import { Dialog } from './Dialog';

type SwitchMode = NonNullable<ResponseOf<'workspace:get'>['workspace_switch']>;

const WEB_TOOLTIP =
  'The web host serves one workspace folder, and a browser cannot pick a folder on the server. ' +
  'Restart `screenalytics serve --workspace <dir>` on another folder, or start it with --allow-workspace-switch.';

/** Everything episode-bound is stale after a switch: back to the (new) episode list. */
async function enterWorkspace(root: string): Promise<void> {
  useApp.setState({
    workspaceRoot: root,
    epId: null,
    doc: null,
    history: null,
    tracks: {},
    detail: null,
    similarity: null,
    castNames: [],
    selectedIds: [],
    view: 'episodes',
  });
  await useApp.getState().refreshEpisodes();
}

/** Follows switches made elsewhere (another tab or window on the same host). Mount once (App). */
export function useWorkspaceWatch(): void {
  useEffect(
    () =>
      getApi().onWorkspaceChanged((e) => {
        if (e.root !== useApp.getState().workspaceRoot) void enterWorkspace(e.root);
      }),
    [],
  );
}

export function WorkspacePicker() {
  const toast = useApp((s) => s.toast);
  const root = useApp((s) => s.workspaceRoot);
  const [mode, setMode] = useState<SwitchMode | null>(null);
  const [recent, setRecent] = useState<string[]>([]);
  const [asking, setAsking] = useState(false);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void getApi()
      .getWorkspace({})
      .then(async (ws) => {
        if (!live) return;
        const m = ws.workspace_switch ?? 'none';
        setMode(m);
        if (m === 'dialog') {
          const r = await getApi().recentWorkspaces({});
          if (live) setRecent(r.recent.filter((p) => p !== r.current));
        }
      })
      .catch(() => live && setMode('none'));
    return () => {
      live = false;
    };
  }, [root]);

  const choose = async (req: { path?: string }) => {
    setBusy(true);
    try {
      const r = await getApi().chooseWorkspace(req);
      setAsking(false);
      if (r.changed) {
        await enterWorkspace(r.root);
        toast('info', `Workspace: ${r.root}`);
      }
    } catch (err) {
      toast('error', `Could not switch workspace: ${errorInfo(err).message}`);
    } finally {
      setBusy(false);
    }
  };

  if (mode === null) return null;
  if (mode === 'none') {
    // A disabled button gets no hover events in some browsers: the tooltip sits on a wrapper.
    return (
      <span title={WEB_TOOLTIP} data-testid="change-workspace-wrap">
        <button className="btn" disabled aria-describedby="workspace-switch-why" data-testid="change-workspace">
          Change workspace…
        </button>
        <span id="workspace-switch-why" hidden>
          {WEB_TOOLTIP}
        </span>
      </span>
    );
  }
  return (
    <>
      <button
        className="btn"
        disabled={busy}
        data-testid="change-workspace"
        onClick={() => (mode === 'dialog' ? void choose({}) : (setPath(''), setAsking(true)))}
      >
        Change workspace…
      </button>
      {mode === 'dialog' && recent.length > 0 && (
        <select aria-label="Recent workspaces" value="" disabled={busy} onChange={(e) => e.target.value && void choose({ path: e.target.value })} data-testid="recent-workspaces">
          <option value="">Recent…</option>
          {recent.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      )}
      {asking && (
        <Dialog title="Change workspace" onClose={() => setAsking(false)} testId="workspace-dialog">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (path.trim()) void choose({ path: path.trim() });
            }}
          >
            <label>
              Absolute path of a folder on the machine running the host
              <input type="text" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/workspace" data-testid="workspace-path" />
            </label>
            <div className="row">
              <span className="spacer" />
              <button type="button" className="btn" onClick={() => setAsking(false)}>
                Cancel
              </button>
              <button type="submit" className="btn primary" disabled={busy || !path.trim()} data-testid="workspace-open">
                Open
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </>
  );
}
