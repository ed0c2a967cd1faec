import { getAvailability } from '../api/index.ts';
import type { SaleStateName } from '../api/index.ts';

export interface Remaining {
  /** Free seats plus free GA places. */
  available: number;
  state: SaleStateName;
}

const EVERY_MS = 5000;

/**
 * Remaining tickets of one showtime for lists (the event page): a light poll without the seat-state
 * string's label list. Not a socket subscription: a page of showtimes must not join a room per showtime.
 */
export function watchRemaining(showtimeId: string, onValue: (r: Remaining) => void): () => void {
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ac = new AbortController();
  const tick = async () => {
    try {
      const av = await getAvailability(showtimeId, false, ac.signal);
      if (closed) return;
      const ga = Object.values(av.zones).reduce((n, z) => n + z.available, 0);
      onValue({ available: av.seatsAvailable + ga, state: av.state });
    } catch {
      // Keep the last figure; the next poll may succeed.
    } finally {
      if (!closed) timer = setTimeout(() => void tick(), EVERY_MS);
    }
  };
  void tick();
  return () => {
    closed = true;
    clearTimeout(timer);
    ac.abort();
  };
}
