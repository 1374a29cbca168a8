import { useState } from 'react';
import { slugify } from '../../../shared/commands';
import { useApp } from '../state/store';
import { selectors } from '../state/selectors';
import { Dialog } from './Dialog';

/** Name an identity; names from other episodes of the show are offered as completions. */
export function LabelDialog({ identityId, onClose }: { identityId: string; onClose: () => void }) {
  const ident = useApp((s) => selectors.identity(s, identityId));
  const cast = useApp((s) => s.castNames);
  const runCommand = useApp((s) => s.runCommand);
  const [name, setName] = useState(ident?.labels.name ?? '');
  const known = cast.find((c) => c.name.toLowerCase() === name.trim().toLowerCase());
  const personId = known?.person_id ?? (name.trim() ? slugify(name) : '');

  const submit = (clear = false) => {
    onClose();
    const trimmed = name.trim();
    if (clear || !trimmed) void runCommand({ op: 'label', identity_id: identityId, name: null });
    // A known cast member keeps one spelling across episodes.
    else void runCommand({ op: 'label', identity_id: identityId, name: known?.name ?? trimmed, person_id: personId });
  };

  return (
    <Dialog title={`Label ${identityId}`} onClose={onClose} testId="label-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        className="row"
      >
        <label className="field grow-field">
          Name
          <input
            type="text"
            list="cast-names"
            value={name}
            autoFocus
            onChange={(e) => setName(e.target.value)}
            aria-label="Person name"
            data-testid="label-input"
          />
        </label>
        <datalist id="cast-names">
          {cast.map((c) => (
            <option key={c.person_id} value={c.name}>{`seen in ${c.episodes.length} episode(s)`}</option>
          ))}
        </datalist>
      </form>
      <div className="hint">person_id: <code data-testid="person-id">{personId || '—'}</code>{known ? ' (known from other episodes)' : ''}</div>
      {ident?.locked && <div className="hint">This identity is locked; you will be asked to confirm.</div>}
      <div className="actions">
        {ident?.labels.name && <button className="btn danger" onClick={() => submit(true)}>Clear label</button>}
        <button className="btn" onClick={onClose}>Cancel</button>
        <button className="btn primary" onClick={() => submit()} data-testid="label-save">Save</button>
      </div>
    </Dialog>
  );
}
