import { Fragment } from 'react';
import { SHORTCUTS } from '../shortcuts';
import { Dialog } from './Dialog';

export function ShortcutsOverlay({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-overlay">
      <div className="shortcuts">
        {SHORTCUTS.map((s) => (
          <Fragment key={s.label}>
            <span>{s.keys.map((k) => <kbd key={k} className="kbd">{k}</kbd>)}</span>
            <span>{s.label}</span>
          </Fragment>
        ))}
      </div>
      <div className="actions">
        <button className="btn" onClick={onClose} data-autofocus>Close</button>
      </div>
    </Dialog>
  );
}
