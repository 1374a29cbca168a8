import { useRef, useState } from 'react';
import { useApp } from '../state/store';
import { Dialog } from './Dialog';
import { IdentityPicker, useRanked } from './IdentityPicker';

/** Move tracks to another identity chosen by its faces; nothing is preselected. */
export function MoveDialog(props: { trackIds: string[]; fromId: string; onClose: () => void }) {
  const [to, setTo] = useState('');
  const ranked = useRanked(props.fromId);
  const runCommand = useApp((s) => s.runCommand);
  const setSelectedTracks = useApp((s) => s.setSelectedTracks);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const choose = (id: string) => {
    setTo(id);
    // A destination chosen on purpose: Enter now confirms (moving loses no name or lock).
    requestAnimationFrame(() => confirmRef.current?.focus());
  };
  return (
    <Dialog title={`Move ${props.trackIds.length} track(s)`} onClose={props.onClose} testId="move-dialog">
      <div className="hint">{props.trackIds.join(', ')} → another identity. If {props.fromId} is left empty it disappears.</div>
      <IdentityPicker value={to} exclude={[props.fromId]} ranked={ranked} onChange={choose} label="Destination identity" autoFocus />
      <div className="actions">
        <button className="btn" onClick={props.onClose}>Cancel</button>
        <button
          ref={confirmRef}
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
