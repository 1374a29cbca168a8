import { useApp } from '../state/store';
import { ShortcutsOverlay } from './ShortcutsOverlay';
import { LabelDialog } from './LabelDialog';
import { MergeDialog } from './MergeDialog';
import { MoveDialog } from './MoveDialog';
import { ConfirmDialog } from './ConfirmDialog';
import { RunDialog } from './RunDialog';
import { SettingsDialog } from './SettingsDialog';
import { CastReferences } from '../views/cast/CastReferences';
import { CleanupDialog } from './CleanupDialog';
import { WorkspacePathDialog } from './WorkspacePicker';
import { FrameViewer } from './FrameViewer';
import { TrackPlayer } from './TrackPlayer';

/** The one host of the store's dialogs: the open dialog is a descriptor `{kind, props}`, rendered by kind. */
export function Dialogs() {
  const dialog = useApp((s) => s.dialog);
  const close = useApp((s) => s.closeDialog);
  const confirmIntent = useApp((s) => s.confirmIntent);
  switch (dialog.kind) {
    case 'none': return null;
    case 'shortcuts': return <ShortcutsOverlay onClose={close} />;
    case 'label': return <LabelDialog {...dialog.props} onClose={close} />;
    case 'merge': return <MergeDialog {...dialog.props} onClose={close} />;
    case 'move': return <MoveDialog {...dialog.props} onClose={close} />;
    case 'confirm': return <ConfirmDialog message={dialog.props.message} onConfirm={() => confirmIntent(dialog.props.intent)} onClose={close} />;
    case 'cast-references': return <CastReferences {...dialog.props} onClose={close} />;
    case 'run': return <RunDialog onClose={close} />;
    case 'settings': return <SettingsDialog onClose={close} />;
    case 'cleanup': return <CleanupDialog {...dialog.props} onClose={close} />;
    case 'workspace-path': return <WorkspacePathDialog onClose={close} />;
    case 'frame': return <FrameViewer {...dialog.props} onClose={close} />;
    case 'player': return <TrackPlayer {...dialog.props} onClose={close} />;
  }
}
