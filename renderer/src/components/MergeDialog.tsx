import { useEffect, useRef, useState } from 'react';
import type { Identity } from '../../../shared/schema';
import { openIdentity } from '../actions';
import { useApp } from '../state/store';
import { separatedFrom } from '../state/separations';
import { clearMatch, keptFirst, mergeOutcome, type MergeOutcome } from '../state/mergePlan';
import { Dialog } from './Dialog';
import { IdentityPicker, identityFaces, useRanked } from './IdentityPicker';
import { Thumb } from './Thumb';

function Side({ ident, role }: { ident: Identity | undefined; role: string }) {
  const tracks = useApp((s) => s.tracks);
  if (!ident) return null;
  return (
    <div className="merge-member" data-testid={role === 'kept' ? 'merge-target' : 'merge-source'} data-identity-id={ident.identity_id}>
      <span className="picker-faces">
        {identityFaces(ident, tracks, 3).map((ref) => <Thumb key={ref} refPath={ref} alt={`Face of ${ident.identity_id}`} className="mini" />)}
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
 * Merges into `target`, then (once the merge landed, also after a lock or shared-frames confirmation)
 * applies the carried name and, when merging from an identity's page, opens the kept identity.
 */
async function runMerge(target: Identity, sources: Identity[], carried: MergeOutcome['carried']): Promise<void> {
  const app = useApp.getState();
  // The selection was this merge's input; keep none of it, even if a confirmation follows.
  app.clearSelection();
  const keptId = target.identity_id;
  const fromDetail = app.view === 'identity';
  const after = async () => {
    if (carried) await useApp.getState().runCommand({ op: 'label', identity_id: keptId, name: carried.name, person_id: carried.person_id });
    const s = useApp.getState();
    if (fromDetail && (s.view !== 'identity' || s.detailId !== keptId)) openIdentity(keptId);
  };
  await app.runCommand({ op: 'merge', target_id: keptId, source_ids: sources.map((s) => s.identity_id) }, after);
}

function MergeSummary(props: {
  target: Identity | undefined;
  sources: Identity[];
  outcome: MergeOutcome | null;
  carryName: boolean;
  setCarryName: (v: boolean) => void;
}) {
  const { target, sources, outcome } = props;
  const named = sources.find((s) => s.labels.name);
  return (
    <>
      <div className="merge-row" data-testid="merge-summary">
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
          <input type="checkbox" checked={props.carryName} onChange={(e) => props.setCarryName(e.target.checked)} data-testid="merge-carry-name" />
          Name the result "{named.labels.name}" (from {named.identity_id})
        </label>
      )}
      {outcome && outcome.losses.length > 0 && (
        <div className="merge-warning" role="alert" data-testid="merge-losses">
          This merge drops {outcome.losses.join(' and ')}. Click Merge to do it anyway.
        </div>
      )}
      <div className="hint">Result: {outcome?.name ?? 'unlabeled'}{outcome?.locked ? ', locked' : ''}. Undo restores every identity.</div>
    </>
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
    const { doc, separations } = useApp.getState();
    if (touched || !ranked || !doc) return;
    const alive = new Set(doc.identities.map((i) => i.identity_id));
    setChosen(clearMatch(ranked.filter((r) => alive.has(r.identity_id)), separatedFrom(doc, props.targetId, separations)) ?? '');
  }, [ranked, touched, identities, props.targetId]);

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
  const confirm = () => {
    if (!ready || !target) return;
    props.onClose();
    void runMerge(target, sources, outcome?.carried ?? null);
  };

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
      <MergeSummary target={target} sources={sources} outcome={outcome} carryName={carryName} setCarryName={setCarryName} />
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
          onClick={confirm}
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
