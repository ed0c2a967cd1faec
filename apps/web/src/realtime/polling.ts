import { ApiError, getAvailability } from '../api/index.ts';
import type { ConnectionStatus, SubscribeShowtime } from './types.ts';

export const POLL_MS = 2000;
const HIDDEN_POLL_MS = 10_000;
const MAX_BACKOFF_MS = 10_000;

/**
 * Polls `GET /api/showtimes/:id/availability` and hands each new version over as a snapshot sync (never
 * deltas, never `myHolds`).
 * The label list is fetched once and then left out (`?seatLabels=false`) until its `labelsKey` changes.
 * Transport failures (network, 5xx) report `reconnecting` and back off; the next good poll catches up.
 */
export const subscribeByPolling: SubscribeShowtime = (showtimeId, onSync, _onDelta, options = {}) => {
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inflight: AbortController | null = null;
  let status: ConnectionStatus | null = null;
  let lastVersion = -1;
  let failures = 0;
  let labels: string[] | null = null;
  let labelsKey: string | null = null;

  const setStatus = (s: ConnectionStatus, err?: ApiError) => {
    if (s === status && !err) return;
    status = s;
    options.onStatus?.(s, err);
  };

  const schedule = (ms: number) => {
    clearTimeout(timer);
    if (!closed) timer = setTimeout(() => void tick(), ms);
  };

  const tick = async () => {
    inflight?.abort();
    const ac = new AbortController();
    inflight = ac;
    try {
      let av = await getAvailability(showtimeId, labels === null, ac.signal);
      if (av.seatLabels) {
        labels = av.seatLabels;
        labelsKey = av.labelsKey;
      } else if (av.labelsKey !== labelsKey) {
        av = await getAvailability(showtimeId, true, ac.signal);
        labels = av.seatLabels ?? [];
        labelsKey = av.labelsKey;
      }
      if (closed || ac.signal.aborted) return;
      failures = 0;
      setStatus('live');
      if (av.version !== lastVersion) {
        lastVersion = av.version;
        onSync({ kind: 'snapshot', snapshot: { ...av, seatLabels: labels ?? [] }, myHolds: [] });
      }
    } catch (err) {
      if (closed || ac.signal.aborted) return;
      failures++;
      const transport = !(err instanceof ApiError) || err.code === 'network' || err.status >= 500;
      setStatus(
        lastVersion >= 0 ? 'reconnecting' : 'connecting',
        err instanceof ApiError && !transport ? err : undefined,
      );
    } finally {
      if (inflight === ac) inflight = null;
      if (!closed && !ac.signal.aborted) {
        const base = typeof document !== 'undefined' && document.hidden ? HIDDEN_POLL_MS : POLL_MS;
        schedule(failures ? Math.min(base * 2 ** (failures - 1), MAX_BACKOFF_MS) : base);
      }
    }
  };

  const onVisible = () => {
    if (!document.hidden) schedule(0);
  };
  document.addEventListener('visibilitychange', onVisible);
  setStatus('connecting');
  schedule(0);

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      inflight?.abort();
      document.removeEventListener('visibilitychange', onVisible);
    },
    resync() {
      schedule(0);
    },
  };
};
