// Virtualised grid of identity cards: only the visible rows are in the DOM, so thousands of
// identities scroll smoothly. The grid fills the window edge to edge: as many columns of at least the
// chosen face size (S / M / L) as fit, stretched to the width; the store learns the column count so
// arrow keys can move by whole rows. One Tab stop: the focused card (roving tabindex), whose row is
// always rendered.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type ReactNode, type RefObject } from 'react';
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { useApp } from '../state/store';
import { selectors } from '../state/selectors';
import type { IdentityCardModel } from '../state/selectors';
import { FACE_PX } from '../state/ui/grid';
import { IdentityCard } from './IdentityCard';
import { FaceZoom } from './FaceZoom';
import './grid.css';

const GAP = 10;
/** Card padding on each side of the face. */
const CARD_PAD = 6;
/** Name, counts and id under the face (see .card in grid.css; S cards have no id line). */
const CARD_INFO = 64;
const CARD_INFO_SMALL = 44;
/** The scroll container's horizontal padding (grid.css .grid-scroll). */
const SCROLL_PAD_X = 12;

export interface GridLayout {
  columns: number;
  /** The face's side in px (cards stretch to fill the row, so at least the chosen size). */
  face: number;
  cardHeight: number;
  rowHeight: number;
}

/** Columns of at least `minFace`-px faces across `width` px, stretched to fill it. */
export function gridLayout(width: number, minFace: number, info = CARD_INFO): GridLayout {
  const columns = Math.max(1, Math.floor((width + GAP) / (minFace + 2 * CARD_PAD + GAP)));
  const face = Math.floor((width - GAP * (columns - 1)) / columns) - 2 * CARD_PAD;
  const cardHeight = face + 2 * CARD_PAD + info;
  return { columns, face, cardHeight, rowHeight: cardHeight + GAP };
}

/** The layout for the scroll container's width; the store learns the columns (arrow keys move by rows). */
function useLayout(scrollRef: RefObject<HTMLDivElement | null>): GridLayout {
  const [width, setWidth] = useState(1200);
  const size = useApp((s) => s.faceSize);
  const setGridColumns = useApp((s) => s.setGridColumns);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setWidth(el.clientWidth - 2 * SCROLL_PAD_X);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [scrollRef]);
  const layout = gridLayout(width, FACE_PX[size].card, size === 'S' ? CARD_INFO_SMALL : CARD_INFO);
  useEffect(() => setGridColumns(layout.columns), [layout.columns, setGridColumns]);
  return layout;
}

export function IdentityGrid({ cards }: { cards: IdentityCardModel[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const focusIndex = useApp(selectors.focusIndex);
  const selectedIds = useApp((s) => s.selectedIds);
  const layout = useLayout(scrollRef);
  const { columns, rowHeight } = layout;
  const rows = Math.ceil(cards.length / columns);
  const focusRow = Math.floor(Math.min(focusIndex, cards.length - 1) / columns);

  // The focused card's row stays rendered even when scrolled away: it is the grid's Tab stop.
  const rangeExtractor = useCallback(
    (range: Range) => {
      const base = defaultRangeExtractor(range);
      return focusRow >= 0 && focusRow < range.count && !base.includes(focusRow) ? [...base, focusRow].sort((a, b) => a - b) : base;
    },
    [focusRow],
  );
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 3,
    rangeExtractor,
  });
  // A new face size or width changes every row's height.
  useLayoutEffect(() => virtualizer.measure(), [rowHeight, virtualizer]);

  // Keep the keyboard-focused card in view.
  useEffect(() => {
    if (cards.length === 0) return;
    virtualizer.scrollToIndex(focusRow, { align: 'auto' });
  }, [focusRow, rowHeight, cards.length, virtualizer]);

  if (cards.length === 0) {
    return <div className="empty">No identities match the current filters.</div>;
  }

  const selected = new Set(selectedIds);
  // React applies `style` through CSSOM (element.style), which a CSP without 'unsafe-inline' allows.
  const sizes = { height: virtualizer.getTotalSize(), '--face-px': `${layout.face}px`, '--card-h': `${layout.cardHeight}px` } as CSSProperties;
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
      <div className="grid-inner" style={sizes}>
        {virtualizer.getVirtualItems().map((row) => (
          <GridRow key={row.key} top={row.start} columns={columns} rowIndex={row.index}>
            {cards.slice(row.index * columns, row.index * columns + columns).map((card, i) => {
              const index = row.index * columns + i;
              return <IdentityCard key={card.id} card={card} index={index} focused={index === focusIndex} selected={selected.has(card.id)} />;
            })}
          </GridRow>
        ))}
      </div>
      <FaceZoom />
    </div>
  );
}

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
