/**
 * Every Redis key of the inventory is built here and nowhere else. All keys of one showtime share the hash tag
 * `{st:<id>}` so each Lua script touches a single cluster slot: `${prefix}:{st:<id>}:<name>`.
 */

/** The per-showtime keys whose contents a load replaces (built under staging names, then renamed). */
export const STATE_KEY_NAMES = [
  'meta',
  'seats',
  'seatinfo',
  'states',
  'counts',
  'holds',
  'expiry',
  'buyers',
  'orders',
  'returned',
] as const;
export type StateKeyName = (typeof STATE_KEY_NAMES)[number];

export interface ShowtimeKeys extends Record<StateKeyName, string> {
  /** Change log stream, entry ids `<version>-1`. */
  log: string;
  /** Hold / release / expiry facts for order persistence (consumer group in the orders module). */
  outbox: string;
  /** Zset of holds that ended unpaid: member `<holdId>|e` (expired) or `<holdId>|r` (released), score = when. */
  ended: string;
}

function base(prefix: string, showtimeId: string): string {
  return `${prefix}:{st:${showtimeId}}:`;
}

/**
 * - `meta` hash: id, state, version, holdTtl (s), perBuyerLimit (0 = none), currency, layoutVersion, loadId,
 *   seatCount, `price:<category>` (cents), `zone:<zone>` (its category), `zp:<zone>` (its price, cents),
 *   dueAt (ms; a lower bound of the expiry set's scores, so the hold script skips looking for overdue holds).
 * - `seats` hash: label → `1:<holdId>` | `2:<orderRef>` | `3:<reason>`; a free seat has no field.
 * - `seatinfo` hash: label → `<index>|<category>` (index = position in layout order).
 * - `states` string: one byte per seat in layout order ('0' free … '3' blocked), updated with SETRANGE.
 * - `counts` hash: `c:<cat>:a|h|s|b`, `z:<zone>:a|h|s|cap`, `seats:a` (free seats).
 * - `holds` hash: holdId → hold JSON; `expiry` zset: holdId by expiresAt (ms), unconfirmed holds only.
 * - `buyers` hash: buyerId → tickets in live holds + sold; `orders` hash: orderRef → `{b, h, s, g}` JSON.
 * - `returned` hash: `<orderRef>|<itemRef>` → 1 for GA items already returned.
 */
export function showtimeKeys(prefix: string, showtimeId: string): ShowtimeKeys {
  const b = base(prefix, showtimeId);
  return {
    meta: `${b}meta`,
    seats: `${b}seats`,
    seatinfo: `${b}seatinfo`,
    states: `${b}states`,
    counts: `${b}counts`,
    holds: `${b}holds`,
    expiry: `${b}expiry`,
    buyers: `${b}buyers`,
    orders: `${b}orders`,
    returned: `${b}returned`,
    log: `${b}log`,
    outbox: `${b}outbox`,
    ended: `${b}ended`,
  };
}

/** The 11 keys the hold, release and expire scripts take first (their contract blocks), in order. */
export function holdScriptKeys(k: ShowtimeKeys): string[] {
  return [
    k.meta,
    k.seats,
    k.seatinfo,
    k.states,
    k.counts,
    k.holds,
    k.expiry,
    k.buyers,
    k.ended,
    k.log,
    k.outbox,
  ];
}

/** Staging copies of the state keys for one load attempt; renamed onto the live keys in one script. */
export function stagingKeys(
  prefix: string,
  showtimeId: string,
  loadId: string,
): Record<StateKeyName, string> {
  const b = `${base(prefix, showtimeId)}stage:${loadId}:`;
  return Object.fromEntries(STATE_KEY_NAMES.map((n) => [n, `${b}${n}`])) as Record<StateKeyName, string>;
}

/** buyer + client request id → `<holdId>\n<fingerprint>`, with a TTL. */
export function idempotencyKey(
  prefix: string,
  showtimeId: string,
  buyerId: string,
  requestId: string,
): string {
  return `${base(prefix, showtimeId)}idem:${buyerId}:${requestId}`;
}

/** Pub/sub channel of every inventory change (all showtimes). */
export function inventoryChannel(prefix: string): string {
  return `${prefix}:inventory`;
}

/** Set of showtime ids with loaded inventory (for sweepers and relays; not hash-tagged, written outside scripts). */
export function loadedShowtimesKey(prefix: string): string {
  return `${prefix}:inventory:loaded`;
}

/**
 * Set of a buyer's hold ids in one showtime, so the real-time layer can show "my holds" without scanning every
 * hold. Written after a hold succeeds (outside the script: it is an index, the holds hash stays the truth).
 */
export function buyerHoldsKey(prefix: string, showtimeId: string, buyerId: string): string {
  return `${base(prefix, showtimeId)}bh:${buyerId}`;
}
