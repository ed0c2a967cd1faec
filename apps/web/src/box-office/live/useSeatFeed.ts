import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ApiError } from '../../api/index.ts';
import { subscribeShowtime, type ConnectionStatus } from '../../realtime/index.ts';
import { buildModel } from '../../seatmap/model.ts';
import { SeatStore } from '../../seatmap/store.ts';
import { staffApi } from '../api.ts';

export type SeatFeed =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | { status: 'ready'; store: SeatStore; connection: ConnectionStatus; refusal: ApiError | null };

/**
 * The buyer app's seat map machinery, fed the same way a buyer's map is (`subscribeShowtime`: socket deltas,
 * polling fallback): the venue document → `SeatStore` → live states. The dashboard therefore shows exactly
 * what buyers see, and adds its own overlays (selection for blocking / selling).
 */
export function useSeatFeed(showtimeId: string, venueId: string, layoutVersion: number): SeatFeed {
  const [feed, setFeed] = useState<SeatFeed>({ status: 'loading' });

  useEffect(() => {
    const ac = new AbortController();
    let sub: { close(): void } | null = null;
    setFeed({ status: 'loading' });
    staffApi.seatMap(venueId, layoutVersion, ac.signal).then(
      (doc) => {
        if (ac.signal.aborted) return;
        const store = new SeatStore(buildModel(doc), showtimeId);
        let connection: ConnectionStatus = 'connecting';
        let refusal: ApiError | null = null;
        const publish = () => setFeed({ status: 'ready', store, connection, refusal });
        publish();
        sub = subscribeShowtime(
          showtimeId,
          (snapshot) => store.applySnapshot(snapshot),
          (delta) => store.applyDelta(delta),
          {
            getVersion: () => store.version,
            onStatus: (s, err) => {
              connection = s;
              refusal = s === 'live' ? null : (err ?? refusal);
              publish();
            },
          },
        );
      },
      (error: unknown) => {
        if (!ac.signal.aborted) setFeed({ status: 'error', error });
      },
    );
    return () => {
      ac.abort();
      sub?.close();
    };
  }, [showtimeId, venueId, layoutVersion]);

  return feed;
}

const noop = () => () => undefined;
const zero = () => 0;

/** Re-renders when the store's counts, states or selection change. */
export function useStoreRevision(store: SeatStore | null): number {
  return useSyncExternalStore(store ? store.subscribe : noop, store ? store.getRevision : zero);
}
