import { useState } from 'react';
import { useApp } from '../state/store';
import { Dialog } from './Dialog';
import { IdentityPicker } from './IdentityPicker';

export function MoveDialog(props: { trackIds: string[]; fromId: string; onClose: () => void }) {
  const first = useApp((s) => s.detail?.suggestions.find((x) => x.identity_id !== props.fromId)?.identity_id ?? '');
  const [to, setTo] = useState(first);
  const runCommand = useApp((s) => s.runCommand);
  const setSelectedTracks = useApp((s) => s.setSelectedTracks);
  return (
    <Dialog title={`Move ${props.trackIds.length} track(s)`} onClose={props.onClose} testId="move-dialog">
      <div className="hint">{props.trackIds.join(', ')} → another identity. If {props.fromId} is left empty it disappears.</div>
      <IdentityPicker value={to} exclude={[props.fromId]} onChange={setTo} label="Destination identity" />
      <div className="actions">
        <button className="btn" onClick={props.onClose}>Cancel</button>
        <button
          className="btn primary"
          disabled={!to}
          data-testid="move-confirm"
          onClick={async () => {
            props.onClose();
            if (await runCommand({ op: 'moveTracks', track_ids: props.trackIds, to_identity_id: to })) setSelectedTracks([]);
          }}
        >
          Move to {to || '…'}
        </button>
      </div>
    </Dialog>
  );
}
