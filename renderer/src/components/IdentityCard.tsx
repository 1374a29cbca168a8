import { memo } from 'react';
import { useApp } from '../state/store';
import type { IdentityCardModel } from '../state/selectors';
import { Thumb } from './Thumb';
import { formatSeconds } from '../format';
import { CastSuggestions } from '../views/cast/CastSuggestions';

export const IdentityCard = memo(function IdentityCard(props: {
  card: IdentityCardModel;
  index: number;
  focused: boolean;
  selected: boolean;
}) {
  const { card, index, focused, selected } = props;
  const setFocus = useApp((s) => s.setFocus);
  const toggleSelected = useApp((s) => s.toggleSelected);
  const openIdentity = useApp((s) => s.openIdentity);
  const title = card.name ?? 'unlabeled';
  return (
    <div
      className={`card${focused ? ' focused' : ''}${selected ? ' selected' : ''}`}
      role="gridcell"
      aria-selected={selected}
      aria-label={`${title}, ${card.tracks} tracks, ${card.faces} faces${card.locked ? ', locked' : ''}`}
      data-testid="identity-card"
      data-identity-id={card.id}
      onClick={(e) => {
        setFocus(index);
        if (e.shiftKey || e.metaKey || e.ctrlKey) toggleSelected(card.id);
      }}
      onDoubleClick={() => void openIdentity(card.id)}
    >
      <Thumb refPath={card.thumbRef} alt={`Thumbnail of ${title}`} />
      {selected && <span className="check-mark" aria-hidden>✓</span>}
      {card.locked && <span className="badge locked" data-testid="locked-badge">locked</span>}
      <div className={`name${card.name ? '' : ' unlabeled'}`} data-testid="card-name">{title}</div>
      {!card.name && <CastSuggestions identityId={card.id} compact />}
      <div className="meta">
        <span>{card.tracks} tracks</span>
        <span>{card.faces} faces</span>
        <span>{formatSeconds(card.seconds)}</span>
      </div>
      <div className="meta"><span>{card.id}</span></div>
    </div>
  );
});
