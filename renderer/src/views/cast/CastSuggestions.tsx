// "Lisa Vanderpump — 0.81  [Accept (y)] [Reject]": ranked cast-library suggestions for one identity.
// Shown in the identity detail (full list) and on unlabeled grid cards (best one, `compact`). `y`
// accepts the best suggestion of the open identity / focused card; a locked identity still asks the
// usual locked-confirmation (runCommand), and auto-assign never touches one.
import { useEffect } from 'react';
import { parseEpId } from '../../../../shared/episode';
import { Thumb } from '../../components/Thumb';
import { useApp } from '../../state/store';
import { selectors } from '../../state/selectors';
import { useCast } from './castStore';
import './cast.css';

/**
 * Cards show the best suggestion only above this cosine score: below it the best match of a stranger
 * (≈ 0.0–0.2 with the eval and default packs) would read as a claim. The detail view lists them all.
 */
export const CARD_HINT_MIN_SCORE = 0.3;

export function useCastSuggestions(identityId: string | null) {
  const epId = useApp((s) => s.epId);
  const revision = useApp((s) => s.revision);
  const load = useCast((s) => s.load);
  const list = useCast((s) => (identityId ? s.data?.suggestions[identityId] : undefined));
  useEffect(() => {
    if (epId) void load(epId, revision);
  }, [epId, revision, load]);
  return list ?? [];
}

export function CastSuggestions({ identityId, compact = false, focused = false }: { identityId: string; compact?: boolean; focused?: boolean }) {
  const list = useCastSuggestions(identityId);
  const accept = useCast((s) => s.accept);
  const reject = useCast((s) => s.reject);
  const undoAuto = useCast((s) => s.undoAuto);
  const auto = useCast((s) => s.data?.auto_assignments.find((a) => a.identity_id === identityId && a.undone_at === null));
  const view = useApp((s) => s.view);
  const detailId = useApp((s) => s.detailId);
  const dialogOpen = useApp((s) => s.dialog.kind !== 'none');
  // A labeled identity has its answer: no suggestions there, and `y` does nothing.
  const label = useApp((s) => selectors.identity(s, identityId)?.labels);
  const labeled = !!(label?.name || label?.person_id);

  // One key to accept: the identity open in the detail view, or the focused card of the grid.
  const active = !labeled && (compact ? focused && view === 'people' : view === 'identity' && detailId === identityId);
  useEffect(() => {
    if (!active || !list[0]) return;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (dialogOpen || e.ctrlKey || e.metaKey || e.altKey || (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if (e.key === 'y') {
        e.preventDefault();
        void accept(identityId, list[0].person_id, list[0].name);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active, identityId, list, accept, dialogOpen]);

  if (labeled) return compact ? null : <LabeledCast personId={label?.person_id ?? null} name={label?.name ?? ''} />;
  if (compact) {
    const best = list[0];
    return best && best.score >= CARD_HINT_MIN_SCORE ? (
      <span className="cast-hint" data-testid="cast-hint" title="Best match in the show's cast library (y accepts)">
        {best.name} — {best.score.toFixed(2)}
      </span>
    ) : null;
  }
  return (
    <div className="cast-suggestions" data-testid="cast-suggestions">
      <div className="hint">Cast library</div>
      {auto && (
        <div className="cast-suggestion" data-testid="cast-auto">
          <span className="cast-name hint">Auto-assigned {auto.name} ({auto.score.toFixed(2)})</span>
          <button type="button" className="btn small" onClick={() => void undoAuto(identityId)} data-testid="cast-undo-auto">
            Undo
          </button>
        </div>
      )}
      {list.length === 0 && <div className="hint">No suggestions</div>}
      {list.map((s, i) => (
        <div key={s.person_id} className="cast-suggestion" data-testid="cast-suggestion" data-person-id={s.person_id}>
          <span className="cast-name">{s.name} — {s.score.toFixed(2)}</span>
          <span className="cast-faces" data-testid="cast-reference-faces">
            {s.reference_faces.map((f) => (
              <Thumb key={`${f.ep_id}/${f.crop}`} epId={f.ep_id} refPath={f.crop} alt={`${s.name} (${f.ep_id})`} className="cast-face" />
            ))}
          </span>
          <button type="button" className="btn small" onClick={() => void accept(identityId, s.person_id, s.name)} data-testid="cast-accept">
            Accept{i === 0 ? ' (y)' : ''}
          </button>
          <button type="button" className="btn small" onClick={() => void reject(identityId, s.person_id)} data-testid="cast-reject">
            Reject
          </button>
        </div>
      ))}
    </div>
  );
}

/** On a labeled identity: who it is in the library, and the way to that person's reference faces. */
function LabeledCast({ personId, name }: { personId: string | null; name: string }) {
  const epId = useApp((s) => s.epId);
  const openDialog = useApp((s) => s.openDialog);
  if (!epId) return null;
  return (
    <div className="cast-suggestions" data-testid="cast-labeled">
      <div className="hint">Cast library</div>
      <button
        type="button"
        className="btn small"
        onClick={() => openDialog({ kind: 'cast-references', show: parseEpId(epId).show, personId })}
        data-testid="cast-open-references"
      >
        {name}'s reference faces…
      </button>
    </div>
  );
}
