import { useId, type ReactNode } from 'react';

/** What a field's control spreads on itself: its id (the label's `for`), what describes it, whether it is invalid. */
export type FieldControl = { id: string; 'aria-describedby'?: string; 'aria-invalid'?: true };

/**
 * A labelled form field, the one markup of the screens' forms: the label is tied to the control by an id the field
 * makes (`children` receives it with the rest of `FieldControl` and spreads it on the control). `hint` is a help or a live count under the control, which it describes (read when the control is
 * focused, and announced as it changes); `error` says why the value cannot be used, announced, and marks the
 * control invalid; `after` is what else the field shows below them (a list of what was read, a chosen file).
 */
export function Field({
  label,
  hint,
  hintTestId,
  error,
  after,
  children,
  className,
}: {
  label: ReactNode;
  hint?: ReactNode;
  hintTestId?: string;
  error?: ReactNode;
  after?: ReactNode;
  children: (control: FieldControl) => ReactNode;
  className?: string;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  const control: FieldControl = {
    id,
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    ...(error ? { 'aria-invalid': true as const } : {}),
  };
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children(control)}
      {hint && (
        <span id={hintId} className="hint" aria-live="polite" data-testid={hintTestId}>
          {hint}
        </span>
      )}
      {error && (
        <p id={errorId} role="alert" className="error">
          {error}
        </p>
      )}
      {after}
    </div>
  );
}
