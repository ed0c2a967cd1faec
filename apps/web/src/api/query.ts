import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './errors.ts';

/**
 * Server data in the web app goes through TanStack Query: one cache, one place for loading and error states,
 * mutations that invalidate what they change. Seat availability is not here: it arrives as socket deltas into
 * the seat-map store (realtime/, seatmap/store.ts), which a refetch would only race.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx is an answer (not found, forbidden, invalid), not a blip: asking again cannot change it.
        retry: (failures, error) =>
          failures < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
        // Pages that must stay fresh say so (refetchInterval, invalidation after a mutation); a tab regaining
        // focus in the middle of a seat pick should not reload the showtime under the buyer.
        refetchOnWindowFocus: false,
        staleTime: 10_000,
      },
      mutations: { retry: false },
    },
  });
}

/** Query keys, one place, so a mutation invalidates exactly what it changed. */
export const queryKeys = {
  events: ['events'] as const,
  event: (slug: string) => ['events', slug] as const,
  showtime: (id: string) => ['showtime', id] as const,
  myOrders: ['my-orders'] as const,
  order: (code: string) => ['order', code] as const,
  staff: {
    all: ['staff'] as const,
    me: ['staff', 'me'] as const,
    home: ['staff', 'home'] as const,
    events: ['staff', 'events'] as const,
    venues: ['staff', 'venues'] as const,
    users: ['staff', 'users'] as const,
    tokens: ['staff', 'tokens'] as const,
    schedule: ['staff', 'schedule'] as const,
    showtimeForm: (id: string | undefined) => ['staff', 'showtime-form', id ?? 'new'] as const,
    /** Prefix of everything the live page of one showtime reads. */
    live: (id: string) => ['staff', 'live', id] as const,
    livePage: (id: string) => ['staff', 'live', id, 'page'] as const,
    sales: (id: string) => ['staff', 'live', id, 'sales'] as const,
    holds: (id: string) => ['staff', 'live', id, 'holds'] as const,
    blocks: (id: string) => ['staff', 'live', id, 'blocks'] as const,
    seatMap: (venueId: string, layoutVersion: number) =>
      ['staff', 'seat-map', venueId, layoutVersion] as const,
    orders: (q: string) => ['staff', 'orders', q] as const,
    order: (code: string) => ['staff', 'order', code] as const,
    auditRefs: ['staff', 'audit-refs'] as const,
    audit: (key: string) => ['staff', 'audit', key] as const,
  },
};
