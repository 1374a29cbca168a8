import { useState } from 'react';
import { useApp } from '../state/store';
import { Dialog } from './Dialog';
import { Thumb } from './Thumb';
import { IdentityPicker } from './IdentityPicker';

/**
 * Explicit merge: target ← sources. The target keeps its id, label and lock; when only a source is
 * named, the user chooses whether that name carries over. Swap rotates which identity is the target.
 */
export function MergeDialog(props: { targetId: string; sourceIds: string[]; onClose: () => void }) {
  const [order, setOrder] = useState([props.targetId, ...props.sourceIds]);
  const [target, ...sources] = order;
  const doc = useApp((s) => s.doc);
  const runCommand = useApp((s) => s.runCommand);
  const byId = (id: string) => doc?.identities.find((i) => i.identity_id === id);
  const t = byId(target);
  const namedSource = sources.map(byId).find((i) => i?.labels.name);
  const [takeSourceName, setTakeSourceName] = useState(false);
  const askName = !!t && !t.labels.name && !!namedSource;

  const confirm = async () => {
    props.onClose();
    const ok = await runCommand({ op: 'merge', target_id: target, source_ids: sources });
    if (ok) useApp.getState().clearSelection();
    if (ok && askName && takeSourceName && namedSource?.labels.name) {
      await runCommand({ op: 'label', identity_id: target, name: namedSource.labels.name, person_id: namedSource.labels.person_id });
    }
  };

  const describe = (id: string) => {
    const i = byId(id);
    return i ? `${i.labels.name ?? 'unlabeled'} · ${i.track_ids.length} tracks${i.locked ? ' · locked' : ''}` : id;
  };

  return (
    <Dialog title="Merge identities" onClose={props.onClose} testId="merge-dialog">
      <div className="merge-row">
        <div className="merge-side" data-testid="merge-target">
          <small>Target (kept)</small>
          <div className="row">
            <Thumb refPath={t?.canonical_face_path} alt={`Target ${target}`} className="mini" />
            <div><strong>{target}</strong><br /><small>{describe(target)}</small></div>
          </div>
        </div>
        <span aria-hidden>←</span>
        <div className="merge-side" data-testid="merge-sources">
          <small>Source{sources.length > 1 ? 's' : ''} (merged in, then removed)</small>
          {sources.length === 1 ? (
            <IdentityPicker
              value={sources[0]}
              exclude={[target]}
              onChange={(id) => setOrder([target, id])}
              label="Source identity"
            />
          ) : (
            sources.map((id) => (
              <div key={id}><strong>{id}</strong> <small>{describe(id)}</small></div>
            ))
          )}
        </div>
      </div>
      {askName && (
        <label className="check">
          <input type="checkbox" checked={takeSourceName} onChange={(e) => setTakeSourceName(e.target.checked)} />
          Name the result "{namedSource?.labels.name}" (from {namedSource?.identity_id})
        </label>
      )}
      <div className="hint">The target keeps its id, label and lock. Undo restores all of them.</div>
      <div className="actions">
        <button className="btn" onClick={() => setOrder([...sources, target].slice(0, order.length))} data-testid="merge-swap">
          ⇄ Swap
        </button>
        <span className="spacer" />
        <button className="btn" onClick={props.onClose}>Cancel</button>
        <button className="btn primary" onClick={() => void confirm()} data-testid="merge-confirm" data-autofocus>
          Merge {sources.length} into {target}
        </button>
      </div>
    </Dialog>
  );
}

