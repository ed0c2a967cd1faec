/**
 * The one door to live seat data: `subscribeShowtime(id, onSync, onDelta, options)`.
 *
 * Socket.IO first (issue 6's contract in packages/shared/src/realtime.ts). If the socket has not delivered a
 * sync within a few seconds — no realtime server yet, a proxy that blocks websockets — it polls the
 * availability endpoint every 2 s until the socket catches up. Both feed the same receiver; the shared
 * `ShowtimeMirror` behind it keeps versions straight, so mixing them never shows a state the server didn't have.
 */
import { subscribeByPolling } from './polling.ts';
import { subscribeBySocket } from './socket.ts';
import type { SeatStore } from '../seatmap/store.ts';
import type { ConnectionStatus, FeedOptions, ShowtimeSubscription, SubscribeShowtime } from './types.ts';

export type * from './types.ts';
export { subscribeByPolling } from './polling.ts';
export { refreshSocketIdentity, subscribeBySocket } from './socket.ts';
export { watchRemaining, type Remaining } from './remaining.ts';

const FALLBACK_AFTER_MS = 4000;

export const subscribeShowtime: SubscribeShowtime = (showtimeId, onSync, onDelta, options = {}) => {
  let socketStatus: ConnectionStatus = 'connecting';
  let polling: ShowtimeSubscription | null = null;
  let pollStatus: ConnectionStatus | null = null;
  let fallbackTimer: ReturnType<typeof setTimeout> | undefined;

  const report = () => {
    // Live if either feed is live; the socket's view wins once it is.
    const s: ConnectionStatus =
      socketStatus === 'live' || pollStatus === 'live'
        ? 'live'
        : socketStatus === 'reconnecting' || pollStatus === 'reconnecting'
          ? 'reconnecting'
          : 'connecting';
    options.onStatus?.(s);
  };

  const startPolling = () => {
    if (polling) return;
    polling = subscribeByPolling(showtimeId, onSync, onDelta, {
      onStatus: (s, err) => {
        pollStatus = s;
        if (err) options.onStatus?.(s, err);
        else report();
      },
    });
  };
  const stopPolling = () => {
    polling?.close();
    polling = null;
    pollStatus = null;
  };
  const armFallback = () => {
    clearTimeout(fallbackTimer);
    fallbackTimer = setTimeout(startPolling, FALLBACK_AFTER_MS);
  };

  const socket = subscribeBySocket(showtimeId, onSync, onDelta, {
    ...options,
    onStatus: (s, err) => {
      socketStatus = s;
      if (s === 'live') {
        clearTimeout(fallbackTimer);
        stopPolling();
      } else if (!polling) armFallback();
      if (err && !polling) options.onStatus?.(s, err);
      else report();
    },
  });
  armFallback();

  return {
    close() {
      clearTimeout(fallbackTimer);
      socket.close();
      stopPolling();
    },
    resync() {
      socket.resync();
      polling?.resync();
    },
  };
};

/**
 * The usual case: keep a SeatStore in step with a showtime (versions, buffering during a resync, label
 * caching). `options` adds status, my-holds and hold-ended callbacks.
 */
export function subscribeStore(
  store: SeatStore,
  options: Omit<FeedOptions, 'getVersion' | 'getLabelsKey' | 'onSyncStart'> = {},
): ShowtimeSubscription {
  return subscribeShowtime(
    store.mirror.showtimeId,
    (sync) => store.applySync(sync),
    (d) => store.applyDelta(d),
    {
      ...options,
      getVersion: () => store.version,
      getLabelsKey: () => store.labelsKey,
      onSyncStart: () => store.expectSync(),
    },
  );
}
