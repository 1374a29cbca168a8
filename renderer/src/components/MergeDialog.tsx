import { useEffect, useRef, useState } from 'react';
import type { Identity } from '../../../shared/schema';
import { openIdentity } from '../actions';
import { useApp } from '../state/store';
import { clearMatch, keptFirst, mergeOutcome } from '../state/mergePlan';
import { Dialog } from './Dialog';
import { IdentityPicker, identityFaces, useRanked } from './IdentityPicker';
import { Thumb } from './Thumb';

function Side({ ident, role }: { ident: Identity | undefined; role: string }) {
  const tracks = useApp((s) => s.tracks);
  if (!ident) return null;
  return (
    <div className="merge-member" data-testid={role === 'kept' ? 'merge-target' : 'merge-source'} data-identity-id={ident.identity_id}>
      <span className="picker-faces">
        {identityFaces(ident, tracks).map((ref) => <Thumb key={ref} refPath={ref} alt={`Face of ${ident.identity_id}`} className="mini" />)}
      </span>
      <span>
        <strong>{ident.labels.name ?? 'unlabeled'}</strong>
        {ident.locked && <span className="badge-inline locked">locked</span>}
        <br />
        <small>{ident.identity_id} · {ident.track_ids.length} tracks</small>
      </span>
    </div>
  );
}

/**
 * Merge identities, face first. The kept identity is the labeled / locked / larger one (Swap
 * overrides); a source's name carries over by default; nothing is preselected unless one candidate is
 * clearly the same person (mergePlan.clearMatch); and when the merge would drop a name or a lock the
 * confirm button is neither focused nor triggered by Enter.
 */
export function MergeDialog(props: { targetId: string; sourceIds: string[]; onClose: () => void }) {
  const identities = useApp((s) => s.doc?.identities);
  const runCommand = useApp((s) => s.runCommand);
  const byId = (id: string) => identities?.find((i) => i.identity_id === id);
  const picking = props.sourceIds.length <= 1;
  const ranked = useRanked(props.targetId);
  const [chosen, setChosen] = useState(props.sourceIds[0] ?? '');
  const [touched, setTouched] = useState(props.sourceIds.length > 0);
  const [keptOverride, setKeptOverride] = useState<string | null>(null);
  const [carryName, setCarryName] = useState(true);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const filterRef = useRef<HTMLInputElement>(null);

  // Preselect only a clear match, and only if the reviewer has not chosen yet.
  useEffect(() => {
    if (touched || !ranked) return;
    const alive = new Set(identities?.map((i) => i.identity_id));
    setChosen(clearMatch(ranked.filter((r) => alive.has(r.identity_id))) ?? '');
  }, [ranked, touched, identities]);

  const memberIds = picking ? [props.targetId, ...(chosen ? [chosen] : [])] : [props.targetId, ...props.sourceIds];
  const members = memberIds.map(byId).filter((i): i is Identity => !!i);
  const target = (keptOverride && members.find((m) => m.identity_id === keptOverride)) || keptFirst(members)[0];
  const sources = members.filter((m) => m !== target);
  const outcome = target ? mergeOutcome(target, sources, carryName) : null;
  const ready = !!target && sources.length > 0;
  const safe = ready && outcome!.losses.length === 0;

  // Focus follows safety: the confirm button only when nothing would be lost.
  useEffect(() => {
    if (safe) confirmRef.current?.focus();
    else if (picking && document.activeElement === confirmRef.current) filterRef.current?.focus();
  }, [safe, chosen, keptOverride, picking]);

  const choose = (id: string) => {
    setTouched(true);
    setKeptOverride(null);
    setChosen(id);
  };
  const confirm = async () => {
    if (!ready || !target) return;
    props.onClose();
    // The selection was this merge's input; keep none of it, even if a confirmation follows.
    useApp.getState().clearSelection();
    const ok = await runCommand({ op: 'merge', target_id: target.identity_id, source_ids: sources.map((s) => s.identity_id) });
    if (!ok) return;
    if (outcome?.carried) await runCommand({ op: 'label', identity_id: target.identity_id, name: outcome.carried.name, person_id: outcome.carried.person_id });
    const s = useApp.getState();
    if (s.view === 'identity' && s.detailId !== target.identity_id) openIdentity(target.identity_id);
  };
  const named = sources.find((s) => s.labels.name);

  return (
    <Dialog title="Merge identities" onClose={props.onClose} testId="merge-dialog">
      {picking && (
        <IdentityPicker
          value={chosen}
          exclude={[props.targetId]}
          ranked={ranked}
          onChange={choose}
          label="Merge with"
          inputRef={filterRef}
          autoFocus
        />
      )}
      <div className="merge-row" data-testid="merge-summary" data-ready={ready}>
        <div className="merge-side">
          <small>Kept</small>
          <Side ident={target} role="kept" />
        </div>
        <span aria-hidden>←</span>
        <div className="merge-side" data-testid="merge-sources">
          <small>Merged in, then removed</small>
          {sources.length === 0 && <div className="hint">Choose an identity above</div>}
          {sources.map((s) => <Side key={s.identity_id} ident={s} role="source" />)}
        </div>
      </div>
      {target && !target.labels.name && named && (
        <label className="check">
          <input type="checkbox" checked={carryName} onChange={(e) => setCarryName(e.target.checked)} data-testid="merge-carry-name" />
          Name the result "{named.labels.name}" (from {named.identity_id})
        </label>
      )}
      {outcome && outcome.losses.length > 0 && (
        <div className="merge-warning" role="alert" data-testid="merge-losses">
          This merge drops {outcome.losses.join(' and ')}. Click Merge to do it anyway.
        </div>
      )}
      <div className="hint">Result: {outcome?.name ?? 'unlabeled'}{outcome?.locked ? ', locked' : ''}. Undo restores every identity.</div>
      <div className="actions">
        <button className="btn" onClick={() => setKeptOverride(sources[0]?.identity_id ?? null)} disabled={!ready} data-testid="merge-swap">
          ⇄ Keep the other
        </button>
        <span className="spacer" />
        <button className="btn" onClick={props.onClose} data-autofocus={!safe && !picking ? true : undefined}>Cancel</button>
        <button
          ref={confirmRef}
          className="btn primary"
          disabled={!ready}
          onClick={() => void confirm()}
          // Enter must never confirm a merge that loses a name or a lock.
          onKeyDown={(e) => !safe && e.key === 'Enter' && e.preventDefault()}
          data-testid="merge-confirm"
          data-autofocus={safe ? true : undefined}
        >
          {target && sources.length ? `Merge ${sources.length} into ${target.identity_id}` : 'Merge'}
        </button>
      </div>
    </Dialog>
  );
}
