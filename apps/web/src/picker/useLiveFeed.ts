import { useCallback, useEffect, useRef, type Dispatch, type RefObject } from 'react';
import { forgetHold, getHold, holdsSnapshot } from '../api/index.ts';
import { subscribeStore, type ShowtimeSubscription } from '../realtime/index.ts';
import type { SeatStore } from '../seatmap/store.ts';
import { serverNow } from '../lib/time.ts';
import type { PickerAction } from './picker-state.ts';

/** Keeps a SeatStore in step with its showtime (the real one: socket, falling back to polling). */
export type PickerFeed = typeof subscribeStore;

/**
 * The live side of the picker: the feed that keeps `store` current and reports the connection, my holds and
 * holds that ended; and this tab's own clock on my holds (the server's expiry job is not the only guard).
 * `releasing` names holds this tab is cancelling itself: their `released` fact needs no dialog.
 * Returns `resync`, which asks the feed for fresh data now (after my own hold or release).
 */
export function useLiveFeed({
  store,
  feed,
  dispatch,
  releasing,
}: {
  store: SeatStore;
  feed: PickerFeed;
  dispatch: Dispatch<PickerAction>;
  releasing: RefObject<Set<string>>;
}): () => void {
  const sub = useRef<ShowtimeSubscription | null>(null);
  const showtimeId = store.mirror.showtimeId;

  useEffect(() => {
    const s = feed(store, {
      onStatus: (status, err) => dispatch({ type: 'connection', status, error: err ?? null }),
      onMyHolds: (holds) => dispatch({ type: 'server-holds', holds }),
      onHoldEnded: (fact) => {
        const hold = getHold(fact.holdId) ?? null;
        forgetHold(fact.holdId);
        // A release this tab asked for is already acknowledged by its cancel; only tell about the others.
        const silent = fact.reason === 'released' && releasing.current.has(fact.holdId);
        dispatch({ type: 'hold-ended', holdId: fact.holdId, reason: fact.reason, hold, silent });
      },
    });
    sub.current = s;
    return () => {
      s.close();
      sub.current = null;
    };
  }, [store, feed, dispatch, releasing]);

  const resync = useCallback(() => sub.current?.resync(), []);

  // The payment window ran out. Read from the hold storage on a timer, so the check is a subscription rather
  // than state set by a render's effect.
  useEffect(() => {
    const check = () => {
      const t = serverNow();
      for (const h of Object.values(holdsSnapshot())) {
        if (h.showtimeId !== showtimeId || Date.parse(h.expiresAt) > t) continue;
        forgetHold(h.holdId);
        resync();
        dispatch({ type: 'hold-expired', hold: h });
      }
    };
    check();
    const timer = setInterval(check, 1000);
    return () => clearInterval(timer);
  }, [showtimeId, dispatch, resync]);

  return resync;
}
