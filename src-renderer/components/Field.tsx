import { useId, type ReactNode } from 'react';

/** A labelled form field: the label is tied to the control by an id the field makes (`children` receives it). */
export function Field({ label, children, className }: { label: ReactNode; children: (id: string) => ReactNode; className?: string }) {
  const id = useId();
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}
