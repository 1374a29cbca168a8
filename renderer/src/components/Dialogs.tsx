import { useApp } from '../state/store';
import { ShortcutsOverlay } from './ShortcutsOverlay';
import { LabelDialog } from './LabelDialog';
import { MergeDialog } from './MergeDialog';
import { MoveDialog } from './MoveDialog';
import { ConfirmDialog } from './ConfirmDialog';
import { RunDialog } from './RunDialog';
import { SettingsDialog } from './SettingsDialog';
import { CastReferences } from '../views/cast/CastReferences';

export function Dialogs() {
  const dialog = useApp((s) => s.dialog);
  const close = useApp((s) => s.closeDialog);
  switch (dialog.kind) {
    case 'none': return null;
    case 'shortcuts': return <ShortcutsOverlay onClose={close} />;
    case 'label': return <LabelDialog identityId={dialog.identityId} onClose={close} />;
    case 'merge': return <MergeDialog targetId={dialog.targetId} sourceIds={dialog.sourceIds} onClose={close} />;
    case 'move': return <MoveDialog trackIds={dialog.trackIds} fromId={dialog.fromId} onClose={close} />;
    case 'confirm-locked': return <ConfirmDialog message={dialog.message} onConfirm={dialog.onConfirm} onClose={close} />;
    case 'cast-references': return <CastReferences show={dialog.show} personId={dialog.personId} onClose={close} />;
    case 'run': return <RunDialog onClose={close} />;
    case 'settings': return <SettingsDialog onClose={close} />;
  }
}
