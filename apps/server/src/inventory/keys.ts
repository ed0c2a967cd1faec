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
  /** GA buckets, on a bucket's slot: the moves of stock out of it not yet settled (moveId → `<to>|<zone>|<n>|<at>`). */
  moves: string;
  /** GA buckets, on a bucket's slot: move ids already applied to it (zset by when), so a move lands once. */
  moved: string;
  /** GA buckets, on the showtime's slot: each bucket's counts with the bucket version they were read at. */
  rollup: string;
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
 * - `buyers` hash: limit key → tickets in live holds + sold, where a hold's limit key is its `limitKey` or else its
 *   buyer id; `orders` hash: orderRef → `{b, h, s, g}` JSON (`b`: the limit key its tickets count under).
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
    moves: `${b}moves`,
    moved: `${b}moved`,
    rollup: `${b}rollup`,
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

/** bucket-give-4 and bucket-settle-4 (on the donor bucket's slot). */
export function bucketGiveScriptKeys(k: ShowtimeKeys): string[] {
  return [k.meta, k.counts, k.moves, k.log];
}

/** bucket-take-4 (on the receiving bucket's slot). */
export function bucketTakeScriptKeys(k: ShowtimeKeys): string[] {
  return [k.meta, k.counts, k.moved, k.log];
}

/** rollup-4 (on the showtime's slot). */
export function rollupScriptKeys(k: ShowtimeKeys): string[] {
  return [k.meta, k.counts, k.rollup, k.log];
}

/**
 * GA buckets: the ids of a showtime's K bucket slots, `<showtimeId>~<n>`, whose keys then carry the hash tag
 * `{st:<showtimeId>~<n>}` (every key builder here takes a slot id where it takes a showtime id). `n` is the first
 * number whose tag falls into the b-th of K equal ranges of the 16,384 cluster slots, so the buckets are spread
 * evenly over the slot space, hence over the masters (a cluster splits the slots into equal ranges), whatever the
 * showtime id. Deterministic: every node computes the same list.
 */
export function bucketSlotIds(showtimeId: string, buckets: number): string[] {
  const out: string[] = [];
  const used = new Set<number>();
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * SLOTS) / buckets);
    const hi = Math.floor(((b + 1) * SLOTS) / buckets);
    for (let n = 0; n < 1_000_000; n++) {
      if (used.has(n)) continue;
      const slot = keySlot(`st:${showtimeId}~${n}`);
      if (slot >= lo && slot < hi) {
        used.add(n);
        out.push(`${showtimeId}~${n}`);
        break;
      }
    }
  }
  return out;
}

/** The showtime of a slot id (`<showtimeId>` or a bucket's `<showtimeId>~<n>`). */
export function showtimeOfSlot(slotId: string): string {
  const i = slotId.indexOf('~');
  return i < 0 ? slotId : slotId.slice(0, i);
}

const SLOTS = 16384;

/** The Redis Cluster slot of a hash tag's content: CRC16 (XMODEM) mod 16,384. */
export function keySlot(tag: string): number {
  const bytes = Buffer.from(tag, 'utf8');
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % SLOTS;
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

/**
 * buyer (or the hold's limit key, see `HoldRequest.limitKey`) + client request id → `<holdId>\n<fingerprint>`,
 * with a TTL.
 */
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

/** GA buckets: held (SET NX, with a TTL) by the one process loading a bucketed showtime, so loads never interleave. */
export function loadLockKey(prefix: string, showtimeId: string): string {
  return `${base(prefix, showtimeId)}loading`;
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
