import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { serverNow } from './time.ts';

/** Server-corrected "now", re-rendering every `intervalMs` while mounted. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const t = setInterval(() => setNow(serverNow()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

export type Loadable<T> =
  { status: 'loading' } | { status: 'ok'; data: T } | { status: 'error'; error: unknown };

/**
 * @deprecated Use `useQuery` (TanStack Query) with a key from api/query.ts and `QueryState` / `StaffQuery`
 * for the states. Kept as a thin adapter over `useQuery` for pages not yet moved; `key` names the data.
 */
export function useLoad<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
): [Loadable<T>, () => void] {
  const query = useQuery({ queryKey: ['load', key], queryFn: ({ signal }) => load(signal) });
  const state: Loadable<T> =
    query.data !== undefined
      ? { status: 'ok', data: query.data }
      : query.isError
        ? { status: 'error', error: query.error }
        : { status: 'loading' };
  return [state, () => void query.refetch()];
}
