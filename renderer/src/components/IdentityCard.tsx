// One identity in the grid: its cover face (the identity's canonical_face_path), name, counts and id.
// A click focuses the card and Shift/Ctrl/⌘-click selects it (selection stays on Space and modified
// clicks); "Open" on the face, a double click or Enter opens the identity. The focused card is the
// grid's one Tab stop and takes the keyboard focus when it moves while the grid has it.
import { memo, useEffect, useRef } from 'react';
import { useApp } from '../state/store';
import type { IdentityCardModel } from '../state/selectors';
import { zoomOfCard } from '../state/ui/grid';
import { Thumb } from './Thumb';
import { formatSeconds, plural } from '../format';
import { CastSuggestions } from '../views/cast/CastSuggestions';
import { useHoverZoom } from './FaceZoom';

/** What a screen reader says for a card: name, id, counts, lock. */
export function cardLabel(card: IdentityCardModel): string {
  const parts = [card.name ?? 'Unnamed', card.id, plural(card.tracks, 'track'), plural(card.faces, 'face')];
  return `${parts.join(', ')}${card.locked ? ', locked' : ''}`;
}

/** The grid has the keyboard focus (or nobody has it): a focus move may take it to the new card. */
function gridHasFocus(el: HTMLElement): boolean {
  const active = el.ownerDocument.activeElement;
  return !active || active === el.ownerDocument.body || !!active.closest('[data-testid="identity-grid"]');
}

export const IdentityCard = memo(function IdentityCard(props: { card: IdentityCardModel; index: number; focused: boolean; selected: boolean }) {
  const { card, index, focused, selected } = props;
  const ref = useRef<HTMLDivElement>(null);
  const setFocus = useApp((s) => s.setFocus);
  const toggleSelected = useApp((s) => s.toggleSelected);
  const openIdentity = useApp((s) => s.openIdentity);
  const hover = useHoverZoom(() => zoomOfCard(card));
  useEffect(() => {
    const el = ref.current;
    if (focused && el && el.ownerDocument.activeElement !== el && gridHasFocus(el)) el.focus({ preventScroll: true });
  }, [focused]);
  const title = card.name ?? 'Unnamed';
  return (
    <div
      ref={ref}
      className={`card${focused ? ' focused' : ''}${selected ? ' selected' : ''}`}
      role="gridcell"
      tabIndex={focused ? 0 : -1}
      aria-selected={selected}
      aria-label={cardLabel(card)}
      data-testid="identity-card"
      data-identity-id={card.id}
      onFocus={(e) => e.target === e.currentTarget && !focused && setFocus(index)}
      onClick={(e) => {
        setFocus(index);
        if (e.shiftKey || e.metaKey || e.ctrlKey) toggleSelected(card.id);
      }}
      onDoubleClick={() => void openIdentity(card.id)}
    >
      <div className="card-face" {...hover}>
        <Thumb refPath={card.thumbRef} alt={`Face of ${title}`} />
        {selected && <span className="check-mark" aria-hidden>✓</span>}
        {card.locked && <span className="badge locked" data-testid="locked-badge">locked</span>}
        {!card.name && <CastSuggestions identityId={card.id} compact />}
        <button
          type="button"
          className="card-open"
          tabIndex={-1}
          aria-label={`Open ${title}`}
          title="Open this identity (Enter)"
          data-testid="open-identity"
          onClick={(e) => {
            e.stopPropagation();
            setFocus(index);
            void openIdentity(card.id);
          }}
        >
          Open
        </button>
      </div>
      <div className={`name${card.name ? '' : ' unlabeled'}`} data-testid="card-name">{title}</div>
      <div className="meta" data-testid="card-counts">
        <span>{plural(card.tracks, 'track')}</span>
        <span>{plural(card.faces, 'face')}</span>
        <span className="secs">{formatSeconds(card.seconds)}</span>
      </div>
      <div className="meta id">{card.id}</div>
    </div>
  );
});
