import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { scopeKeyHandler } from '../actions/keyboard';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Tab and Shift+Tab cycle through the dialog's controls and never leave it (the page behind is inert). */
function trapTab(e: KeyboardEvent<HTMLDivElement>): void {
  if (e.key !== 'Tab') return;
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
  const active = e.currentTarget.ownerDocument.activeElement;
  const [first, last] = [items[0], items[items.length - 1]];
  if (!first) return e.preventDefault();
  if (e.shiftKey && (active === first || active === e.currentTarget)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && active === last) {
    e.preventDefault();
    first.focus();
  }
}

/** Modal shell: takes the focus and keeps Tab inside, closes on Esc or backdrop click, labelled for screen readers. */
export function Dialog(props: { title: string; onClose: () => void; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  // Read while rendering, before a field's autoFocus moves the focus into the dialog.
  const [before] = useState(() => document.activeElement as HTMLElement | null);
  const onKey = scopeKeyHandler('dialog', props.onClose);
  useEffect(() => {
    const el = ref.current;
    // An explicit [data-autofocus] wins; otherwise the first field, then the first button.
    const first =
      el?.querySelector<HTMLElement>('[data-autofocus]') ?? el?.querySelector<HTMLElement>('input, select') ?? el?.querySelector<HTMLElement>('button');
    (first ?? el)?.focus();
    // Closed, the focus goes back where it was (the grid card or track the dialog was opened from).
    return () => {
      if (before?.isConnected && before !== before.ownerDocument.body) before.focus({ preventScroll: true });
    };
  }, [before]);
  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        ref={ref}
        tabIndex={-1}
        data-testid={props.testId}
        onKeyDown={(e) => {
          trapTab(e);
          onKey(e);
        }}
      >
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}
