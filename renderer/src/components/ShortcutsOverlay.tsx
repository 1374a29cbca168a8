import { Fragment } from 'react';
import { overlaySections, type OverlaySection } from '../actions/registry';
import { Dialog } from './Dialog';

function Keys({ keys }: { keys: string[][] }) {
  return (
    <span>
      {keys.map((caps, i) => (
        <Fragment key={caps.join('+')}>
          {i > 0 && ' '}
          {caps.map((k) => <kbd key={k} className="kbd">{k}</kbd>)}
        </Fragment>
      ))}
    </span>
  );
}

function Section({ section }: { section: OverlaySection }) {
  return (
    <section aria-label={section.title}>
      <h3>{section.title}</h3>
      <div className="shortcuts">
        {section.rows.map((row) => (
          <Fragment key={row.id}>
            <Keys keys={row.keys} />
            <span>{row.label}</span>
          </Fragment>
        ))}
      </div>
    </section>
  );
}

/** Every action with keys, from the action registry, by where the keys work. */
export function ShortcutsOverlay({ onClose }: { onClose: () => void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-overlay">
      <div className="shortcut-sections">
        {overlaySections().map((section) => <Section key={section.title} section={section} />)}
      </div>
      <div className="actions">
        <button className="btn" onClick={onClose} data-autofocus>Close</button>
      </div>
    </Dialog>
  );
}
