import type { AvailabilityDto } from '@seatrush/shared';
import type { HoldItem } from '../domain/hold.ts';
import type { TakenSeatState } from './seat-state.ts';

/** The inventory's public types (requests, results and read models), below every part that uses them. */

export interface HoldRequest {
  buyerId: string;
  /**
   * What the per-buyer limit counts the hold under when it is not the buyer (a session that has not proved the
   * e-mail: auth/limit-keys.ts); it also scopes the idempotency key, so such a session never replays a hold of
   * the e-mail it did not make. Absent: the buyer.
   */
  limitKey?: string;
  /** The client's idempotency key: a retry with the same key answers the same hold. */
  requestId: string;
  seats?: string[];
  zone?: string;
  quantity?: number;
  /**
   * Set by best available (with `seats`, the seats it picked): the buyer asked for `quantity` seats of
   * `category`, so the idempotency fingerprint is that ask and a retry replays the first pick.
   */
  best?: { category: string; quantity: number };
}

export interface HoldOptions {
  /**
   * The caller asked `refusalFromMemory` for this very request just before, so `hold` does not ask the gate
   * again (the answer is the same: the gate changes only between event-loop turns).
   */
  gateChecked?: boolean;
}

export interface HoldResult {
  holdId: string;
  /** The secret capability (only its sha256 is stored). */
  holdToken: string;
  showtimeId: string;
  expiresAt: string;
  items: HoldItem[];
  totalCents: number;
  currency: string;
  /** True when an earlier request with the same idempotency key made this hold. */
  replayed: boolean;
}

/** The live state of a showtime (same shape as the socket snapshot, plus what lets HTTP clients cache labels). */
export type Snapshot = Omit<AvailabilityDto, 'seatLabels'> & { seatLabels: string[] };

/** Which taken seats `seatOwners` reads. */
export interface SeatOwnersQuery {
  /** Only these seats (free ones are left out); all taken seats when omitted. */
  seats?: string[];
  /** Only seats in this state. */
  state?: TakenSeatState;
  /** At most this many seats, the first by label (`localeCompare`); all when omitted. */
  limit?: number;
}

/** A taken seat and who has it. */
export interface SeatOwner {
  seat: string;
  state: TakenSeatState;
  /** The hold id (held), the order ref (sold) or the block reason (blocked). */
  ref: string;
  /** The hold's buyer and deadline (ms), for a held seat whose hold record is still there. */
  hold?: { buyerId: string; expiresAt: number };
}

/** The live settings of a loaded showtime (copied from PostgreSQL at load and by `syncSettings`). */
export interface LiveSettings {
  holdTtlSeconds: number;
  /** null: no limit. */
  perBuyerLimit: number | null;
  currency: string;
}

/** How a hold that is no longer in the inventory ended, while the inventory remembers (a day). */
export type HoldEnding = 'expired' | 'released';
