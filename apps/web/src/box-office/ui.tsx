import { formatMoney } from '@seatrush/shared';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback, useRef, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { Issue } from '@seatrush/shared';
import { ApiError, messageFor } from '../api/index.ts';
import { QueryState, type QueryStateProps } from '../components/QueryState.tsx';
import { formatDateTime } from '../lib/time.ts';

/** Small building blocks shared by the box-office pages. */

export function PageHeader({
  title,
  children,
  kicker,
}: {
  title: string;
  children?: ReactNode;
  kicker?: ReactNode;
}) {
  return (
    <header className="bo-page-header">
      <div>
        {kicker && <p className="bo-kicker">{kicker}</p>}
        <h1>{title}</h1>
      </div>
      {children && <div className="bo-page-actions">{children}</div>}
    </header>
  );
}

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return (
    <p className="bo-loading" role="status">
      <span className="bo-spinner" aria-hidden="true" />
      {label}…
    </p>
  );
}

/**
 * An error from the API in words: the message for its code, and each validation issue with the path it names
 * (so a seat-map upload says which section, row and seat is wrong).
 */
export function ErrorNote({
  error,
  title,
  retry,
  maxIssues = 50,
}: {
  error: unknown;
  title?: string;
  retry?: () => void;
  maxIssues?: number;
}) {
  const issues: Issue[] = error instanceof ApiError ? error.issues : [];
  const signIn = error instanceof ApiError && error.code === 'unauthenticated';
  return (
    <div className="bo-note bo-note-error" role="alert" data-testid="error-note">
      {title && <p className="bo-note-title">{title}</p>}
      <p>{messageFor(error)}</p>
      {issues.length > 0 && (
        <>
          <p className="bo-muted">
            {issues.length === 1 ? '1 problem' : `${issues.length} problems`}
            {issues.length > maxIssues ? ` (first ${maxIssues} shown)` : ''}:
          </p>
          <ul className="bo-issues" aria-label="Problems found">
            {issues.slice(0, maxIssues).map((i, n) => (
              <li key={n}>
                <code>{i.path}</code> <span>{i.message}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      {signIn && (
        <p>
          <Link to="/box-office/login">Sign in again</Link>
        </p>
      )}
      {retry && (
        <button type="button" className="bo-btn" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function SuccessNote({ children }: { children: ReactNode }) {
  return (
    <div className="bo-note bo-note-success" role="status">
      {children}
    </div>
  );
}

/** A labelled form control. The label wraps the control, so it is announced with it and clicking focuses it. */
export function Field({
  label,
  hint,
  children,
  className,
  error,
}: {
  label: string;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
  /** The field's validation message (from the shared zod schema, checked in the browser). */
  error?: string | undefined;
}) {
  return (
    <label className={`bo-field${className ? ` ${className}` : ''}`}>
      <span className="bo-field-label">{label}</span>
      {children}
      {hint && <span className="bo-hint">{hint}</span>}
      {error && (
        <span className="bo-field-error" role="alert">
          {error}
        </span>
      )}
    </label>
  );
}

export function Money({ cents, currency }: { cents: number; currency: string }) {
  return <span className="bo-num">{formatMoney(cents, currency)}</span>;
}

export function When({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span className="bo-muted">—</span>;
  return <time dateTime={iso}>{formatDateTime(iso)}</time>;
}

const badgeTone: Record<string, string> = {
  on_sale: 'good',
  scheduled: 'info',
  paused: 'warn',
  closed: 'muted',
  PAID: 'good',
  PENDING: 'info',
  EXPIRED: 'muted',
  CANCELLED: 'muted',
  PARTIALLY_REFUNDED: 'warn',
  REFUNDED: 'warn',
  confirmed: 'good',
  done: 'good',
  failed: 'bad',
  refunded: 'warn',
  active: 'good',
  released: 'muted',
  admin: 'info',
  box_office: 'muted',
  door: 'muted',
};

export function Badge({ value, label }: { value: string; label?: string }) {
  return (
    <span className={`bo-badge bo-badge-${badgeTone[value] ?? 'muted'}`} data-value={value}>
      {label ?? value.replace(/_/g, ' ')}
    </span>
  );
}

/**
 * Runs one user action at a time, as a TanStack mutation: `pending` while it runs, its error (if any) kept for
 * display. A second click while the first is in flight is ignored, so a double click never sends twice.
 * `invalidate` names the queries the action changes; they are refetched once it succeeds.
 */
export function useAction<A extends unknown[], T>(
  fn: (...args: A) => Promise<T>,
  { invalidate = [] }: { invalidate?: QueryKey[] } = {},
) {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (args: A) => fn(...args),
    onSuccess: () => Promise.all(invalidate.map((queryKey) => queryClient.invalidateQueries({ queryKey }))),
  });
  const busy = useRef(false);
  const { mutateAsync, reset } = mutation;
  const run = useCallback(
    async (...args: A): Promise<T | undefined> => {
      if (busy.current) return undefined;
      busy.current = true;
      try {
        return await mutateAsync(args);
      } catch {
        return undefined; // kept in mutation.error for display
      } finally {
        busy.current = false;
      }
    },
    [mutateAsync],
  );
  return { run, pending: mutation.isPending, error: mutation.error, clearError: reset };
}

/** The box office's loading and error look for one query (see QueryState). */
export function StaffQuery<T>(
  props: Omit<QueryStateProps<T>, 'loading' | 'error'> & { errorTitle?: string; loadingLabel?: string },
) {
  const { errorTitle, loadingLabel, ...rest } = props;
  return (
    <QueryState
      {...rest}
      loading={<Spinner label={loadingLabel} />}
      error={(e, retry) => <ErrorNote error={e} retry={retry} title={errorTitle} />}
    />
  );
}

/** `datetime-local` value (local time, minutes) ↔ ISO string. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const off = d.getTimezoneOffset() * 60_000;
  return new Date(d.getTime() - off).toISOString().slice(0, 16);
}

export function fromLocalInput(value: string): string {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

export function formatCount(n: number): string {
  return n.toLocaleString('en');
}
