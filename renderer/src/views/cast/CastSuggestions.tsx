// "Lisa Vanderpump — 0.81  [Accept (y)] [Reject]": ranked cast-library suggestions for one identity.
// Shown in the identity detail (full list) and on unlabeled grid cards (best one, `compact`). `y` (the
// registry's cast.accept) accepts the best suggestion of the open identity / focused card; a locked
// identity still asks the usual locked-confirmation, and auto-assign never touches one.
import { useEffect } from 'react';
import { parseEpId } from '../../../../shared/episode';
import { Thumb } from '../../components/Thumb';
import { useApp } from '../../state/store';
import { selectors } from '../../state/selectors';
import { dialog } from '../../state/ui/dialogs';
import { CAST_QUESTION_MIN_SCORE } from '../../state/questions/selectors';
import './cast.css';

/** Cards show the best suggestion only from the score "Is this …?" asks at; the detail view lists them all. */
export const CARD_HINT_MIN_SCORE = CAST_QUESTION_MIN_SCORE;

/** The identity's suggestions, fetched for the open episode's revision on first use. */
export function useCastSuggestions(identityId: string | null) {
  const epId = useApp((s) => s.epId);
  const revision = useApp((s) => s.revision);
  const load = useApp((s) => s.loadCastSuggestions);
  useEffect(() => {
    if (epId) void load(epId, revision);
  }, [epId, revision, load]);
  return useApp((s) => selectors.castSuggestionsFor(s, identityId));
}

function AutoAssigned({ identityId }: { identityId: string }) {
  const auto = useApp((s) => selectors.autoAssignment(s, identityId));
  const undoAuto = useApp((s) => s.undoAutoAssign);
  if (!auto) return null;
  return (
    <div className="cast-suggestion" data-testid="cast-auto">
      <span className="cast-name hint">Auto-assigned {auto.name} ({auto.score.toFixed(2)})</span>
      <button type="button" className="btn small" onClick={() => void undoAuto(identityId)} data-testid="cast-undo-auto">
        Undo
      </button>
    </div>
  );
}

function SuggestionList({ identityId }: { identityId: string }) {
  const list = useCastSuggestions(identityId);
  const accept = useApp((s) => s.acceptCast);
  const reject = useApp((s) => s.rejectCast);
  return (
    <div className="cast-suggestions" data-testid="cast-suggestions">
      <div className="hint">Cast library</div>
      <AutoAssigned identityId={identityId} />
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

function CardHint({ identityId }: { identityId: string }) {
  const best = useCastSuggestions(identityId)[0];
  return best && best.score >= CARD_HINT_MIN_SCORE ? (
    <span className="cast-hint" data-testid="cast-hint" title="Best match in the show's cast library (y accepts)">
      {best.name} — {best.score.toFixed(2)}
    </span>
  ) : null;
}

export function CastSuggestions({ identityId, compact = false }: { identityId: string; compact?: boolean }) {
  // A labeled identity has its answer: no suggestions there.
  const label = useApp((s) => selectors.identity(s, identityId)?.labels);
  const labeled = !!(label?.name || label?.person_id);
  if (labeled) return compact ? null : <LabeledCast personId={label?.person_id ?? null} name={label?.name ?? ''} />;
  return compact ? <CardHint identityId={identityId} /> : <SuggestionList identityId={identityId} />;
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
        onClick={() => openDialog(dialog('cast-references', { show: parseEpId(epId).show, personId }))}
        data-testid="cast-open-references"
      >
        {name}'s reference faces…
      </button>
    </div>
  );
}
