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

/** Runs an async load when `key` changes; aborts the previous one. */
export function useLoad<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
): [Loadable<T>, () => void] {
  const [state, setState] = useState<Loadable<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const ac = new AbortController();
    setState({ status: 'loading' });
    load(ac.signal).then(
      (data) => {
        if (!ac.signal.aborted) setState({ status: 'ok', data });
      },
      (error: unknown) => {
        if (!ac.signal.aborted) setState({ status: 'error', error });
      },
    );
    return () => ac.abort();
    // `load` is recreated each render; `key` says when the data really changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, attempt]);
  return [state, () => setAttempt((a) => a + 1)];
}
