import { useApp } from '../state/store';
import { NO_SUGGESTIONS, selectors } from '../state/selectors';

/**
 * Choose another identity: similar ones (from the open detail's suggestions) first, then the rest
 * by size. A native <select> keeps it keyboard-accessible for free.
 */
export function IdentityPicker(props: { value: string; exclude: string[]; onChange: (id: string) => void; label: string }) {
  const cards = useApp((s) => selectors.allCards(s));
  const suggestions = useApp((s) => s.detail?.suggestions ?? NO_SUGGESTIONS);
  const excluded = new Set(props.exclude);
  const suggested = suggestions.filter((s) => !excluded.has(s.identity_id));
  const suggestedIds = new Set(suggested.map((s) => s.identity_id));
  const rest = cards.filter((c) => !excluded.has(c.id) && !suggestedIds.has(c.id)).sort((a, b) => b.tracks - a.tracks);
  return (
    <select value={props.value} onChange={(e) => props.onChange(e.target.value)} aria-label={props.label} data-testid="identity-picker">
      {!props.value && <option value="">Choose…</option>}
      {suggested.length > 0 && (
        <optgroup label="Most similar">
          {suggested.map((s) => (
            <option key={s.identity_id} value={s.identity_id}>
              {s.identity_id} · {s.name ?? 'unlabeled'} · sim {s.similarity.toFixed(2)}
            </option>
          ))}
        </optgroup>
      )}
      <optgroup label="All identities">
        {rest.map((c) => (
          <option key={c.id} value={c.id}>{c.id} · {c.name ?? 'unlabeled'} · {c.tracks} tracks</option>
        ))}
      </optgroup>
    </select>
  );
}
