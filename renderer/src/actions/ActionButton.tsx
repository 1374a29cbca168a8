import type { ReactNode } from 'react';
import { useApp } from '../state/store';
import { actionContext } from './keyboard';
import { keyHint } from './keys';
import { action } from './registry';

/**
 * A button for a registry action: its text "Label (key)", tooltip, and enabled state come from the
 * action, so a button and its key always do the same thing. `disabled` can only narrow it.
 */
export function ActionButton(props: { id: string; testId?: string; text?: ReactNode; title?: string; ariaLabel?: string; disabled?: boolean; className?: string; keyInText?: boolean }) {
  const a = action(props.id);
  const enabled = useApp((s) => a.enabled(s));
  const hint = a.keys[0] ? keyHint(a.keys[0]) : '';
  const withKey = props.keyInText !== false && hint;
  return (
    <button
      className={props.className ?? 'btn small'}
      onClick={() => void a.perform(actionContext(false))}
      disabled={props.disabled || !enabled}
      title={props.title ?? (hint ? `${a.label} (${hint})` : a.label)}
      aria-label={props.ariaLabel}
      data-testid={props.testId}
    >
      {props.text ?? a.button ?? a.label}
      {withKey ? ` (${hint})` : ''}
    </button>
  );
}
