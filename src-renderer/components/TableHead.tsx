import type { ReactNode } from 'react';

/**
 * A table's header row: one column header per label, and, with `actions`, a last column for the row's buttons
 * (named for screen readers only, as it has no visible title).
 */
export function TableHead({ columns, actions = false }: { columns: ReactNode[]; actions?: boolean }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <th key={i} scope="col">
            {c}
          </th>
        ))}
        {actions && (
          <th scope="col">
            <span className="visually-hidden">—</span>
          </th>
        )}
      </tr>
    </thead>
  );
}
