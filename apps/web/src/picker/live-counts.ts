import { MAX_TICKETS_PER_HOLD } from '@seatrush/shared';
import type { MyHold, PublicShowtime, StoredHold } from '../api/index.ts';
import { FREE } from '../seatmap/states.ts';
import type { SeatStore } from '../seatmap/store.ts';

/** Tickets a hold of this tab takes (seats, plus GA quantities). */
export function ticketsIn(h: StoredHold): number {
  return h.items.reduce((n, it) => n + (it.kind === 'seat' ? 1 : it.quantity), 0);
}

/** What the buyer may still take, and what is left: derived from the live store, the showtime and my holds. */
export interface PickerCounts {
  /** Live availability has arrived (the store has a version). */
  known: boolean;
  /** Tickets I hold for this showtime, in this tab and others. */
  held: number;
  /** Seats I may still add to the selection. */
  room: number;
  /** Tickets I may still hold through a zone or best available. */
  gaRoom: number;
  soldOut: boolean;
  /** Free places per category (null until live availability has arrived). */
  perCategory: Record<string, number> | null;
}

export function pickerCounts(
  store: SeatStore,
  showtime: Pick<PublicShowtime, 'perBuyerLimit'>,
  onSale: boolean,
  holds: { active: readonly StoredHold[]; elsewhere: readonly MyHold[] },
): PickerCounts {
  const limit = showtime.perBuyerLimit;
  const held =
    holds.active.reduce((n, h) => n + ticketsIn(h), 0) +
    holds.elsewhere.reduce((n, h) => n + (h.seats.length || h.quantity), 0);
  const selected = store.selectedList().length;
  const room = Math.max(
    0,
    Math.min(MAX_TICKETS_PER_HOLD - selected, limit === null ? Infinity : limit - held - selected),
  );
  const gaRoom = Math.max(0, Math.min(MAX_TICKETS_PER_HOLD, limit === null ? Infinity : limit - held));
  let freeSeats = 0;
  for (let i = 0; i < store.states.length; i++) if (store.states[i] === FREE) freeSeats++;
  const zonesFree = Object.values(store.zones).reduce((n, z) => n + z.available, 0);
  const known = store.version !== null;
  return {
    known,
    held,
    room,
    gaRoom,
    soldOut: known && onSale && freeSeats === 0 && zonesFree === 0,
    perCategory: known
      ? Object.fromEntries(Object.entries(store.categories).map(([k, c]) => [k, c.available]))
      : null,
  };
}
