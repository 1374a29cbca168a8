// Virtualised grid of identity cards: only the visible rows are in the DOM, so thousands of
// identities scroll smoothly. Columns follow the container width; the store learns the column
// count so arrow keys can move by whole rows.
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useApp } from '../state/store';
import { selectors } from '../state/selectors';
import type { IdentityCardModel } from '../state/selectors';
import { IdentityCard } from './IdentityCard';

const CARD_MIN_WIDTH = 168;
const ROW_HEIGHT = 238; // card 226 + gap 12
const GAP = 12;

/** Columns that fit the scroll container's width; the store learns them (arrow keys move by rows). */
function useColumns(scrollRef: RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(1200);
  const setGridColumns = useApp((s) => s.setGridColumns);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setWidth(el.clientWidth - 32);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [scrollRef]);
  const columns = Math.max(1, Math.floor((width + GAP) / (CARD_MIN_WIDTH + GAP)));
  useEffect(() => setGridColumns(columns), [columns, setGridColumns]);
  return columns;
}

export function IdentityGrid({ cards }: { cards: IdentityCardModel[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const focusIndex = useApp(selectors.focusIndex);
  const selectedIds = useApp((s) => s.selectedIds);
  const columns = useColumns(scrollRef);
  const rows = Math.ceil(cards.length / columns);

  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 3,
  });

  // Keep the keyboard-focused card in view.
  useEffect(() => {
    if (cards.length === 0) return;
    virtualizer.scrollToIndex(Math.floor(Math.min(focusIndex, cards.length - 1) / columns), { align: 'auto' });
  }, [focusIndex, columns, cards.length, virtualizer]);

  if (cards.length === 0) {
    return <div className="empty">No identities match the current filters.</div>;
  }

  const selected = new Set(selectedIds);
  return (
    <div
      className="grid-scroll"
      ref={scrollRef}
      role="grid"
      aria-label="Identities"
      aria-rowcount={rows}
      aria-colcount={columns}
      data-testid="identity-grid"
    >
      <div className="grid-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => (
          <GridRow key={row.key} top={row.start} columns={columns} rowIndex={row.index}>
            {cards.slice(row.index * columns, row.index * columns + columns).map((card, i) => {
              const index = row.index * columns + i;
              return (
                <IdentityCard
                  key={card.id}
                  card={card}
                  index={index}
                  focused={index === focusIndex}
                  selected={selected.has(card.id)}
                />
              );
            })}
          </GridRow>
        ))}
      </div>
    </div>
  );
}

// React applies `style` through CSSOM (element.style), which a CSP without 'unsafe-inline' allows.
function GridRow(props: { top: number; columns: number; rowIndex: number; children: ReactNode }) {
  return (
    <div
      className="grid-row"
      role="row"
      aria-rowindex={props.rowIndex + 1}
      style={{ transform: `translateY(${props.top}px)`, gridTemplateColumns: `repeat(${props.columns}, minmax(0, 1fr))` }}
    >
      {props.children}
    </div>
  );
}
