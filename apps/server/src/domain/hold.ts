/**
 * Holds, as pure data: what a hold contains, how its id names its showtime, and how a hold request is
 * fingerprinted for idempotency. No I/O here; the Redis side lives in inventory/.
 */

/** One line of a hold or order: a numbered seat, or a quantity of general-admission places in a zone. */
export type HoldItem =
  | { kind: 'seat'; seat: string; category: string; priceCents: number }
  | { kind: 'ga'; zone: string; category: string; priceCents: number; quantity: number };

/** An item handed back for a refund; `ref` (e.g. the order item id) makes a GA return exactly-once. */
export type ReturnItem = HoldItem & { ref?: string };

export type HoldStatus = 'held' | 'confirmed';

/** A hold as stored in Redis (times are ms since the epoch). The token itself is never stored, only its sha256. */
export interface HoldRecord {
  id: string;
  showtimeId: string;
  tokenHash: string;
  buyerId: string;
  /** The client's idempotency key ('' for holds rebuilt from a pending order). */
  requestId: string;
  items: HoldItem[];
  totalCents: number;
  currency: string;
  expiresAt: number;
  extended: boolean;
  createdAt: number;
  status: HoldStatus;
  /** The order that paid for it (set by confirm / reclaim). */
  orderRef?: string;
  /**
   * What the showtime's per-buyer limit counts this hold (and the tickets it sells) under, when it is not the buyer:
   * a hold made by a session that has not proved the e-mail counts on its own (auth/limit-keys.ts, docs/buyers.md).
   */
  limitKey?: string;
}

/**
 * What a buyer asks to hold: numbered seats, or a quantity from a GA zone. `best` marks seats a best-available
 * pick chose for the buyer's `{ category, quantity }`: the request is that ask, not those seats.
 */
export type HoldAsk =
  { seats: string[]; best?: { category: string; quantity: number } } | { zone: string; quantity: number };

/** Separates the showtime from the random part; showtime ids (cuid) never contain it. */
export const HOLD_ID_SEPARATOR = '.';

export function makeHoldId(showtimeId: string, random: string): string {
  if (showtimeId.includes(HOLD_ID_SEPARATOR))
    throw new Error(`showtime id ${showtimeId} contains "${HOLD_ID_SEPARATOR}"`);
  return `${showtimeId}${HOLD_ID_SEPARATOR}${random}`;
}

/** The showtime a hold id belongs to, or null when the id is not one of ours. */
export function showtimeOfHold(holdId: string): string | null {
  const i = holdId.indexOf(HOLD_ID_SEPARATOR);
  if (i <= 0 || i === holdId.length - 1 || holdId.indexOf(HOLD_ID_SEPARATOR, i + 1) !== -1) return null;
  return holdId.slice(0, i);
}

/** Number of tickets in a list of items. */
export function ticketCount(items: readonly HoldItem[]): number {
  let n = 0;
  for (const it of items) n += it.kind === 'seat' ? 1 : it.quantity;
  return n;
}

export function totalCents(items: readonly HoldItem[]): number {
  let total = 0;
  for (const it of items) total += it.kind === 'seat' ? it.priceCents : it.priceCents * it.quantity;
  return total;
}

/**
 * A canonical description of a request: two requests with the same idempotency key must ask for the same thing
 * (seat order does not matter), else the second is refused with `idempotency_conflict`. A best-available request
 * is fingerprinted by its category and quantity, not by the seats picked for it, so its retry replays the first
 * pick even though a new pick would choose other seats.
 */
export function holdFingerprint(ask: HoldAsk): string {
  if ('seats' in ask && ask.best) return `b:${ask.best.category}:${ask.best.quantity}`;
  if ('seats' in ask) return `s:${[...ask.seats].sort().join(',')}`;
  return `z:${ask.zone}:${ask.quantity}`;
}

/** Whether a hold still reserves its items at `now` (ms): valid while `expiresAt > now`, and nothing else. */
export function holdIsLive(hold: Pick<HoldRecord, 'status' | 'expiresAt'>, now: number): boolean {
  return hold.status === 'held' && hold.expiresAt > now;
}
