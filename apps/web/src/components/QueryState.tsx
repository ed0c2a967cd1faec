import type { ReactNode } from 'react';
import { LoadError, Loading } from './Status.tsx';

/** What QueryState reads of a query: a `UseQueryResult`, or several of them joined by `combineQueries`. */
export interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

/**
 * Two dependent queries as one: loading until both have data, failed when either failed (a query waiting on
 * the other is "pending" too, so the error is checked first).
 */
export function combineQueries<A, B>(a: QueryLike<A>, b: QueryLike<B>): QueryLike<[A, B]> {
  const failed = [a, b].find((q) => q.isError && q.data === undefined);
  const both = a.data !== undefined && b.data !== undefined ? ([a.data, b.data] as [A, B]) : undefined;
  return {
    isError: failed !== undefined,
    error: failed?.error ?? null,
    isPending: failed === undefined && both === undefined,
    data: both,
    refetch: () => {
      if (a.isError) void a.refetch();
      if (b.isError) void b.refetch();
    },
  };
}

export interface QueryStateProps<T> {
  query: QueryLike<T>;
  children: (data: T) => ReactNode;
  /** What "nothing there" means for this data; `empty` is shown instead of `children` then. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  loading?: ReactNode;
  error?: (error: unknown, retry: () => void) => ReactNode;
}

/**
 * The loading, error and empty states of one query, written once. While a refetch runs the last data stays on
 * screen (TanStack Query keeps it), so an action's reload never flashes a spinner over the page.
 */
export function QueryState<T>({ query, children, isEmpty, empty, loading, error }: QueryStateProps<T>) {
  // A failed refetch keeps the data it had: show that rather than an error over a page that still works.
  if (query.isError && query.data === undefined) {
    const retry = () => void query.refetch();
    return <>{error ? error(query.error, retry) : <LoadError error={query.error} retry={retry} />}</>;
  }
  if (query.isPending || query.data === undefined) return <>{loading ?? <Loading />}</>;
  const data = query.data;
  if (isEmpty?.(data)) return <>{empty ?? null}</>;
  return <>{children(data)}</>;
}

/** Buyer look: the shared spinner and error notice, with a page-specific label and title. */
export function BuyerQuery<T>({
  label,
  errorTitle,
  ...props
}: Omit<QueryStateProps<T>, 'loading' | 'error'> & { label: string; errorTitle: string }) {
  return (
    <QueryState
      {...props}
      loading={<Loading label={label} />}
      error={(e, retry) => <LoadError error={e} retry={retry} title={errorTitle} />}
    />
  );
}
