import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { ApiError } from '../../api/index.ts';
import { queryKeys } from '../../api/query.ts';
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
  // The document is immutable per layout version: fetched once, never compared.
  const doc = useQuery({
    queryKey: queryKeys.staff.seatMap(venueId, layoutVersion),
    queryFn: ({ signal }) => staffApi.seatMap(venueId, layoutVersion, signal),
    staleTime: Infinity,
    structuralSharing: false,
  });
  const store = useMemo(
    () => (doc.data ? new SeatStore(buildModel(doc.data), showtimeId) : null),
    [doc.data, showtimeId],
  );
  const [link, setLink] = useState<{
    store: SeatStore | null;
    connection: ConnectionStatus;
    refusal: ApiError | null;
  }>({ store: null, connection: 'connecting', refusal: null });

  useEffect(() => {
    if (!store) return;
    const sub = subscribeShowtime(
      showtimeId,
      (snapshot) => store.applySnapshot(snapshot),
      (delta) => store.applyDelta(delta),
      {
        getVersion: () => store.version,
        onStatus: (s, err) =>
          setLink((prev) => ({
            store,
            connection: s,
            refusal: s === 'live' ? null : (err ?? (prev.store === store ? prev.refusal : null)),
          })),
      },
    );
    return () => sub.close();
  }, [store, showtimeId]);

  if (doc.isError && !doc.data) return { status: 'error', error: doc.error };
  if (!store) return { status: 'loading' };
  // The link state of a previous store (another showtime) says nothing about this one.
  const current = link.store === store ? link : { connection: 'connecting' as const, refusal: null };
  return { status: 'ready', store, connection: current.connection, refusal: current.refusal };
}

const noop = () => () => undefined;
const zero = () => 0;

/** Re-renders when the store's counts, states or selection change. */
export function useStoreRevision(store: SeatStore | null): number {
  return useSyncExternalStore(store ? store.subscribe : noop, store ? store.getRevision : zero);
}
