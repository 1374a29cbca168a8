// The workspace folder: how it may be switched on this host (Electron's folder dialog, a typed path on
// a web host started with --allow-workspace-switch, or not at all), the recent folders, and the switch.
import type { ResponseOf } from '../../../../shared/ipc';
import type { SliceContext } from '../appState';

export type SwitchMode = NonNullable<ResponseOf<'workspace:get'>['workspace_switch']>;

interface WorkspaceState {
  workspaceSwitch: SwitchMode | null;
  recentWorkspaces: string[];
  switchingWorkspace: boolean;
}

interface WorkspaceActions {
  loadWorkspaceSwitch: () => Promise<void>;
  /** Switches (no path: Electron's folder dialog); true when the request went through. */
  chooseWorkspace: (req: { path?: string }) => Promise<boolean>;
}

export type WorkspaceSlice = WorkspaceState & WorkspaceActions;

const initialState: WorkspaceState = { workspaceSwitch: null, recentWorkspaces: [], switchingWorkspace: false };

const actions = ({ set, get, deps }: SliceContext): WorkspaceActions => ({
  loadWorkspaceSwitch: async () => {
    try {
      const mode = (await deps.api().getWorkspace({})).workspace_switch ?? 'none';
      set({ workspaceSwitch: mode });
      if (mode !== 'dialog') return;
      const r = await deps.api().recentWorkspaces({});
      set({ recentWorkspaces: r.recent.filter((p) => p !== r.current) });
    } catch {
      set({ workspaceSwitch: get().workspaceSwitch ?? 'none' });
    }
  },
  chooseWorkspace: async (req) => {
    set({ switchingWorkspace: true });
    try {
      const r = await deps.api().chooseWorkspace(req);
      if (r.changed) {
        await get().enterWorkspace(r.root);
        get().toast('info', `Workspace: ${r.root}`);
      }
      return true;
    } catch (err) {
      get().toast('error', `Could not switch workspace: ${deps.errorInfo(err).message}`);
      return false;
    } finally {
      set({ switchingWorkspace: false });
    }
  },
});

export const workspaceSlice = { initialState, actions };
