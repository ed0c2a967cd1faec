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

// One key-list builder per script family: each returns the KEYS of its scripts in the order of their contract
// blocks (keys.test.ts checks every builder against the `KEYS` lines of the .lua files).

/** hold-11+2n (its fixed part; each request then adds its idempotency key and its buyer's hold index), release-11, expire-11. */
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

/** extend-5. */
export function extendScriptKeys(k: ShowtimeKeys): string[] {
  return [k.meta, k.holds, k.expiry, k.ended, k.log];
}

/** confirm-10. */
export function confirmScriptKeys(k: ShowtimeKeys): string[] {
  return [k.meta, k.seats, k.seatinfo, k.states, k.counts, k.holds, k.expiry, k.ended, k.orders, k.log];
}

/** reclaim-12. */
export function reclaimScriptKeys(k: ShowtimeKeys): string[] {
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
    k.orders,
    k.log,
    k.outbox,
  ];
}

/** return-items-9. */
export function returnItemsScriptKeys(k: ShowtimeKeys): string[] {
  return [k.meta, k.seats, k.seatinfo, k.states, k.counts, k.buyers, k.orders, k.returned, k.log];
}

/** block-6, unblock-6. */
export function blockScriptKeys(k: ShowtimeKeys): string[] {
  return [k.meta, k.seats, k.seatinfo, k.states, k.counts, k.log];
}

/** set-state-2. */
export function setStateScriptKeys(k: ShowtimeKeys): string[] {
  return [k.meta, k.log];
}

/** load-commit-21: the staging keys, the live keys in the same order, then the change log. */
export function loadCommitScriptKeys(staging: Record<StateKeyName, string>, live: ShowtimeKeys): string[] {
  return [...STATE_KEY_NAMES.map((n) => staging[n]), ...STATE_KEY_NAMES.map((n) => live[n]), live.log];
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

/**
 * The sharded pub/sub channel of one showtime's changes (SPUBLISH from inside every script, see
 * lua/include/common.lua). It carries the showtime's hash tag, so on a cluster it lives on the slot of the keys
 * the script touches (Redis refuses a script that publishes elsewhere) and only the nodes that subscribed to this
 * showtime receive its messages.
 */
export function changesChannel(prefix: string, showtimeId: string): string {
  return `${base(prefix, showtimeId)}changes`;
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
