import { useEffect, useMemo, useState, type KeyboardEvent, type RefObject } from 'react';
import type { Identity } from '../../../shared/schema';
import { useApp, type AppState } from '../state/store';
import { matchesQuery, type Ranked } from '../state/mergePlan';
import { Thumb } from './Thumb';

/** Similarity of every other identity to `anchorId`, asked fresh from the service when the dialog opens. */
export function useRanked(anchorId: string): Ranked[] | null {
  const epId = useApp((s) => s.epId);
  const rankAgainst = useApp((s) => s.rankAgainst);
  const [ranked, setRanked] = useState<Ranked[] | null>(null);
  useEffect(() => {
    if (!epId) return;
    let live = true;
    void rankAgainst(anchorId).then((r) => live && setRanked(r));
    return () => {
      live = false;
    };
  }, [epId, anchorId, rankAgainst]);
  return ranked;
}

/** Up to `n` faces of an identity: one crop from each of its first tracks (the canonical face first). */
export function identityFaces(ident: Identity, tracks: AppState['tracks'], n = 4): string[] {
  const out = ident.canonical_face_path ? [ident.canonical_face_path] : [];
  for (const t of ident.track_ids) {
    if (out.length >= n) break;
    const crop = tracks[t]?.sample_crops[0];
    if (crop && !out.includes(crop)) out.push(crop);
  }
  return out.slice(0, n);
}

/** Identity candidates for a merge or move, ordered by similarity (when known) then size. */
type Candidate = { ident: Identity; similarity: number | null };

export function rankCandidates(identities: readonly Identity[], exclude: readonly string[], ranked: readonly Ranked[] | null): Candidate[] {
  const excluded = new Set(exclude);
  const sim = new Map((ranked ?? []).map((r) => [r.identity_id, r.similarity]));
  return identities
    .filter((i) => !excluded.has(i.identity_id))
    .map((ident) => ({ ident, similarity: sim.get(ident.identity_id) ?? null }))
    .sort((a, b) => (b.similarity ?? -2) - (a.similarity ?? -2) || b.ident.track_ids.length - a.ident.track_ids.length || a.ident.identity_id.localeCompare(b.ident.identity_id));
}

function PickerRow(props: { candidate: Candidate; chosen: boolean; active: boolean; onPick: (id: string) => void }) {
  const { ident: i, similarity } = props.candidate;
  const tracks = useApp((s) => s.tracks);
  return (
    <button
      type="button"
      role="option"
      aria-selected={props.chosen}
      className={`picker-row${props.chosen ? ' chosen' : ''}${props.active ? ' active' : ''}`}
      onClick={() => props.onPick(i.identity_id)}
      data-testid="picker-candidate"
      data-identity-id={i.identity_id}
    >
      <span className="picker-faces">
        {identityFaces(i, tracks).map((ref) => (
          <Thumb key={ref} refPath={ref} alt={`Face of ${i.identity_id}`} className="mini" />
        ))}
      </span>
      <span className="picker-text">
        <strong data-testid="picker-name">{i.labels.name ?? 'unlabeled'}</strong>
        {i.locked && <span className="badge-inline locked">locked</span>}
        <br />
        <small>
          {i.identity_id} · {i.track_ids.length} tracks{similarity !== null ? ` · sim ${similarity.toFixed(2)}` : ''}
        </small>
      </span>
    </button>
  );
}

/**
 * Choose another identity by its faces: a filter field (type a name or id) over a list of the
 * current document's identities, each shown with several faces. Always read from the live document,
 * so an identity merged away is never offered and labels are the current ones. Enter in the field
 * picks the highlighted row only after the reviewer typed or moved with the arrows.
 */
export function IdentityPicker(props: {
  value: string;
  exclude: string[];
  ranked: Ranked[] | null;
  onChange: (id: string) => void;
  label: string;
  inputRef?: RefObject<HTMLInputElement | null>;
  autoFocus?: boolean;
}) {
  const identities = useApp((s) => s.doc?.identities);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(-1);
  const all = useMemo(() => rankCandidates(identities ?? [], props.exclude, props.ranked), [identities, props.exclude, props.ranked]);
  const shown = all.filter((c) => matchesQuery(c.ident, query));
  useEffect(() => setActive(query.trim() ? 0 : -1), [query]);

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = active + (e.key === 'ArrowDown' ? 1 : -1);
      setActive(Math.max(0, Math.min(shown.length - 1, next)));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const pick = shown[active];
      if (pick) props.onChange(pick.ident.identity_id);
    }
  };

  return (
    <div className="picker">
      <input
        ref={props.inputRef}
        type="search"
        placeholder="Type a name or id…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKey}
        aria-label={`${props.label}: filter`}
        data-testid="picker-filter"
        data-autofocus={props.autoFocus ? true : undefined}
      />
      <div className="picker-list" role="listbox" aria-label={props.label} aria-busy={props.ranked === null} data-testid="identity-picker">
        {shown.length === 0 && <div className="hint">No identity matches "{query}"</div>}
        {shown.map((c, k) => (
          <PickerRow key={c.ident.identity_id} candidate={c} chosen={props.value === c.ident.identity_id} active={k === active} onPick={props.onChange} />
        ))}
      </div>
    </div>
  );
}
