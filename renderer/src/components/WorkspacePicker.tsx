// "Change workspace…" on the Episodes screen. Electron: the native folder dialog in main, plus the
// recent folders. Web host: only when it was started with --allow-workspace-switch (a typed absolute
// path); otherwise the button is disabled and its tooltip says why (a browser cannot pick a server folder).
import { useEffect, useState } from 'react';
import { useApp } from '../state/store';
import { dialog } from '../state/ui/dialogs';
import { Dialog } from './Dialog';

const WEB_TOOLTIP =
  'The web host serves one workspace folder, and a browser cannot pick a folder on the server. ' +
  'Restart `screenalytics serve --workspace <dir>` on another folder, or start it with --allow-workspace-switch.';

function SwitchDisabled() {
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

/** A web host started with --allow-workspace-switch: the folder is typed (a browser cannot pick a server folder). */
export function WorkspacePathDialog({ onClose }: { onClose: () => void }) {
  const [path, setPath] = useState('');
  const busy = useApp((s) => s.switchingWorkspace);
  const choose = useApp((s) => s.chooseWorkspace);
  return (
    <Dialog title="Change workspace" onClose={onClose} testId="workspace-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) void choose({ path: path.trim() }).then((ok) => ok && onClose());
        }}
      >
        <label>
          Absolute path of a folder on the machine running the host
          <input type="text" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/path/to/workspace" data-testid="workspace-path" />
        </label>
        <div className="row">
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={busy || !path.trim()} data-testid="workspace-open">
            Open
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function WorkspacePicker() {
  const root = useApp((s) => s.workspaceRoot);
  const mode = useApp((s) => s.workspaceSwitch);
  const recent = useApp((s) => s.recentWorkspaces);
  const busy = useApp((s) => s.switchingWorkspace);
  const load = useApp((s) => s.loadWorkspaceSwitch);
  const choose = useApp((s) => s.chooseWorkspace);
  const openDialog = useApp((s) => s.openDialog);
  useEffect(() => void load(), [root, load]);

  if (mode === null) return null;
  if (mode === 'none') return <SwitchDisabled />;
  return (
    <>
      <button className="btn" disabled={busy} data-testid="change-workspace" onClick={() => (mode === 'dialog' ? void choose({}) : openDialog(dialog('workspace-path')))}>
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
    </>
  );
}
