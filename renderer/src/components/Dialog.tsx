import { useEffect, useRef, type ReactNode } from 'react';
import { scopeKeyHandler } from '../actions/keyboard';

/** Modal shell: traps initial focus, closes on Esc or backdrop click, labelled for screen readers. */
export function Dialog(props: { title: string; onClose: () => void; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    // An explicit [data-autofocus] wins; otherwise the first field, then the first button.
    const first =
      el?.querySelector<HTMLElement>('[data-autofocus]') ?? el?.querySelector<HTMLElement>('input, select') ?? el?.querySelector<HTMLElement>('button');
    (first ?? el)?.focus();
  }, []);
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
        onKeyDown={scopeKeyHandler('dialog', props.onClose)}
      >
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}
