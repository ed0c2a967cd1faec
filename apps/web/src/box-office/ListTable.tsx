import type { ReactNode } from 'react';

/** A column heading; `{ label, num: true }` right-aligns it over counts and amounts (`bo-num`). */
export type ListColumn = string | { label: string; num: true };

/**
 * The box office's list table: one row of column headings, then the rows the page renders (`children`, each a
 * `<tr>`). `actions` adds a last column for the rows' buttons and links, named "Actions" for screen readers only.
 * `label` names the table for assistive technology (and for the tests that find it by role).
 */
export function ListTable({
  label,
  columns,
  actions = false,
  compact = false,
  testId,
  children,
}: {
  label: string;
  columns: readonly ListColumn[];
  actions?: boolean;
  /** Tighter rows, for a table nested in a card. */
  compact?: boolean;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <table
      className={compact ? 'bo-table bo-table-compact' : 'bo-table'}
      aria-label={label}
      data-testid={testId}
    >
      <thead>
        <tr>
          {columns.map((c) =>
            typeof c === 'string' ? (
              <th key={c} scope="col">
                {c}
              </th>
            ) : (
              <th key={c.label} scope="col" className="bo-num">
                {c.label}
              </th>
            ),
          )}
          {actions && (
            <th scope="col">
              <span className="bo-sr-only">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
