import { useEffect, useRef, useState, type RefObject } from 'react';
import type { Identity } from '../../../shared/schema';
import { useApp } from '../state/store';
import type { FollowUp } from '../state/ui/dialogs';
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
  const followUp: FollowUp = {
    ...(carried ? { then: { op: 'label', identity_id: keptId, name: carried.name, person_id: carried.person_id } } : {}),
    ...(app.view === 'identity' ? { open: keptId } : {}),
  };
  await app.runCommand({ op: 'merge', target_id: keptId, source_ids: sources.map((s) => s.identity_id) }, followUp);
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

/** The chosen source (picking mode): a clear match is preselected until the reviewer chooses. */
function useChosenSource(targetId: string, sourceIds: string[], ranked: ReturnType<typeof useRanked>) {
  const identities = useApp((s) => s.doc?.identities);
  const [chosen, setChosen] = useState(sourceIds[0] ?? '');
  const [touched, setTouched] = useState(sourceIds.length > 0);
  useEffect(() => {
    const { doc, separations } = useApp.getState();
    if (touched || !ranked || !doc) return;
    const alive = new Set(doc.identities.map((i) => i.identity_id));
    setChosen(clearMatch(ranked.filter((r) => alive.has(r.identity_id)), separatedFrom(doc, targetId, separations)) ?? '');
  }, [ranked, touched, identities, targetId]);
  const choose = (id: string) => {
    setTouched(true);
    setChosen(id);
  };
  return [chosen, choose] as const;
}

/** Who is kept, who is merged in, and what that loses, for the members on screen. */
function useMergeMembers(props: { targetId: string; sourceIds: string[] }, chosen: string, keptOverride: string | null, carryName: boolean) {
  const identities = useApp((s) => s.doc?.identities);
  const picking = props.sourceIds.length <= 1;
  const memberIds = picking ? [props.targetId, ...(chosen ? [chosen] : [])] : [props.targetId, ...props.sourceIds];
  const members = memberIds.map((id) => identities?.find((i) => i.identity_id === id)).filter((i): i is Identity => !!i);
  const target = (keptOverride && members.find((m) => m.identity_id === keptOverride)) || keptFirst(members)[0];
  const sources = members.filter((m) => m !== target);
  const outcome = target ? mergeOutcome(target, sources, carryName) : null;
  const ready = !!target && sources.length > 0;
  return { picking, target, sources, outcome, ready, safe: ready && outcome!.losses.length === 0 };
}

function ConfirmMerge(props: { label: string; ready: boolean; safe: boolean; onConfirm: () => void; confirmRef: RefObject<HTMLButtonElement | null> }) {
  return (
    <button
      ref={props.confirmRef}
      className="btn primary"
      disabled={!props.ready}
      onClick={props.onConfirm}
      // Enter must never confirm a merge that loses a name or a lock.
      onKeyDown={(e) => !props.safe && e.key === 'Enter' && e.preventDefault()}
      data-testid="merge-confirm"
      data-autofocus={props.safe ? true : undefined}
    >
      {props.label}
    </button>
  );
}

/**
 * Merge identities, face first. The kept identity is the labeled / locked / larger one (Swap
 * overrides); a source's name carries over by default; nothing is preselected unless one candidate is
 * clearly the same person (mergePlan.clearMatch); and when the merge would drop a name or a lock the
 * confirm button is neither focused nor triggered by Enter.
 */
export function MergeDialog(props: { targetId: string; sourceIds: string[]; onClose: () => void }) {
  const ranked = useRanked(props.targetId);
  const [chosen, chooseSource] = useChosenSource(props.targetId, props.sourceIds, ranked);
  const [keptOverride, setKeptOverride] = useState<string | null>(null);
  const [carryName, setCarryName] = useState(true);
  const { picking, target, sources, outcome, ready, safe } = useMergeMembers(props, chosen, keptOverride, carryName);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const filterRef = useRef<HTMLInputElement>(null);

  // Focus follows safety: the confirm button only when nothing would be lost.
  useEffect(() => {
    if (safe) confirmRef.current?.focus();
    else if (picking && document.activeElement === confirmRef.current) filterRef.current?.focus();
  }, [safe, chosen, keptOverride, picking]);

  const choose = (id: string) => {
    setKeptOverride(null);
    chooseSource(id);
  };
  const confirm = () => {
    if (!ready || !target) return;
    props.onClose();
    void runMerge(target, sources, outcome?.carried ?? null);
  };

  return (
    <Dialog title="Merge identities" onClose={props.onClose} testId="merge-dialog">
      {picking && <IdentityPicker value={chosen} exclude={[props.targetId]} ranked={ranked} onChange={choose} label="Merge with" inputRef={filterRef} autoFocus />}
      <MergeSummary target={target} sources={sources} outcome={outcome} carryName={carryName} setCarryName={setCarryName} />
      <div className="actions">
        <button className="btn" onClick={() => setKeptOverride(sources[0]?.identity_id ?? null)} disabled={!ready} data-testid="merge-swap">
          ⇄ Keep the other
        </button>
        <span className="spacer" />
        <button className="btn" onClick={props.onClose} data-autofocus={!safe && !picking ? true : undefined}>Cancel</button>
        <ConfirmMerge label={target && sources.length ? `Merge ${sources.length} into ${target.identity_id}` : 'Merge'} ready={ready} safe={safe} onConfirm={confirm} confirmRef={confirmRef} />
      </div>
    </Dialog>
  );
}
