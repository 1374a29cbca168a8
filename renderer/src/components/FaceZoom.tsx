// A face shown large: the crop at its natural size (crops are saved 160–320 px), beside the card or
// strip face it belongs to, with what it is (track, frame, time, quality). Opened by the zoom keys
// (v / Shift+Space on the grid, Shift+Space on a picked face: it then has the keyboard until Escape)
// or by resting the pointer on a face; a hover zoom goes when the pointer leaves or a key is pressed.
import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties } from 'react';
import { useApp } from '../state/store';
import type { Zoom } from '../state/ui/grid';
import { Thumb } from './Thumb';

const HOVER_DELAY_MS = 500;
/** Where the box goes: beside the anchor, inside the window. */
const MARGIN = 8;
const BOX_W = 340;

/**
 * Pointer zoom. Typing disarms it until the pointer moves again, so a pointer left resting on a card
 * never opens a zoom in the middle of keyboard work.
 */
let armed = true;
let hoverZoom: Zoom | null = null;
if (typeof window !== 'undefined') {
  window.addEventListener('mousemove', () => (armed = true), { passive: true });
  window.addEventListener(
    'keydown',
    () => {
      armed = false;
      const s = useApp.getState();
      if (hoverZoom && s.zoom === hoverZoom) s.setZoom(null);
    },
    { capture: true },
  );
}

/** Mouse handlers that show `make()` large after the pointer rests on the element. */
export function useHoverZoom(make: () => Zoom | null) {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const makeRef = useRef(make);
  makeRef.current = make;
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  return {
    onMouseEnter: () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        const s = useApp.getState();
        if (!armed || (s.zoom && s.zoom !== hoverZoom) || s.dialog.kind !== 'none') return;
        hoverZoom = makeRef.current();
        s.setZoom(hoverZoom);
      }, HOVER_DELAY_MS);
    },
    onMouseLeave: () => {
      if (timer.current) clearTimeout(timer.current);
      const s = useApp.getState();
      if (hoverZoom && s.zoom === hoverZoom) s.setZoom(null);
    },
  };
}

function place(anchor: string, box: HTMLElement | null): CSSProperties {
  const a = document.querySelector(anchor)?.getBoundingClientRect();
  const h = box?.offsetHeight ?? 380;
  if (!a) return { left: MARGIN, top: MARGIN };
  const right = a.right + MARGIN + BOX_W <= window.innerWidth;
  const left = right ? a.right + MARGIN : Math.max(MARGIN, a.left - MARGIN - BOX_W);
  const top = Math.max(MARGIN, Math.min(a.top, window.innerHeight - h - MARGIN));
  return { left, top };
}

/** The open zoom, if any (mounted by the grid and by the face strip; it closes with its view). */
export function FaceZoom() {
  const zoom = useApp((s) => s.zoom);
  const setZoom = useApp((s) => s.setZoom);
  const ref = useRef<HTMLElement>(null);
  const [pos, setPos] = useState<CSSProperties>({ visibility: 'hidden' });
  useLayoutEffect(() => setPos(zoom ? place(zoom.anchor, ref.current) : { visibility: 'hidden' }), [zoom]);
  useEffect(() => () => useApp.getState().setZoom(null), []);
  if (!zoom) return null;
  return (
    <figure className="face-zoom" ref={ref} style={pos} aria-label={`${zoom.title}, large`} data-testid="face-zoom" onClick={() => setZoom(null)}>
      <Thumb refPath={zoom.ref} alt={`${zoom.title}, large`} className="zoom-img" />
      <figcaption>
        <strong>{zoom.title}</strong>
        {zoom.details.map((d) => <span key={d}>{d}</span>)}
        <span className="hint">Esc closes</span>
      </figcaption>
    </figure>
  );
}
