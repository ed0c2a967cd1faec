import { z } from 'zod';
import { idSchema, saleStateSchema, type SaleStateName } from './catalog.ts';

/**
 * The Socket.IO contract between the buyer app / box-office dashboard and the server (docs/realtime.md).
 *
 * Commands are `entity:verb` and are always sent with an ack; the ack carries the same envelope as HTTP
 * (`{ ok: true, data } | { ok: false, error: { code, message, issues? } }`) with codes from the error catalogue.
 * Facts are past tense and pushed by the server. Every client payload below is checked with its zod schema on
 * arrival; a payload that fails gets `validation_failed`, an event without an ack callback is dropped.
 */

// --- Seat states ---------------------------------------------------------------------------------------

/** One character per seat in `seatStates`, one number per seat in delta pairs. */
export const SeatState = { free: 0, held: 1, sold: 2, blocked: 3 } as const;
export type SeatStateCode = (typeof SeatState)[keyof typeof SeatState];

export const versionSchema = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

export const zoneCountsSchema = z.object({
  capacity: z.int(),
  available: z.int(),
  held: z.int(),
  sold: z.int(),
});
export type ZoneCounts = z.infer<typeof zoneCountsSchema>;

export const categoryCountsSchema = z.object({
  available: z.int(),
  held: z.int(),
  sold: z.int(),
  blocked: z.int(),
});
export type CategoryCounts = z.infer<typeof categoryCountsSchema>;

/** A hold of the connected buyer, as shown in their seat picker (with its countdown). No hold token. */
export const myHoldSchema = z.object({
  holdId: z.string(),
  showtimeId: z.string(),
  seats: z.array(z.string()),
  zone: z.string().nullable(),
  quantity: z.int(),
  expiresAt: z.iso.datetime(),
});
export type MyHold = z.infer<typeof myHoldSchema>;

/**
 * The live state of one showtime at `version`: seat states in seat-label order (`seatLabels[i]` has state
 * `seatStates[i]`), and counts per GA zone and per price category.
 */
export const showtimeSnapshotSchema = z.object({
  showtimeId: z.string(),
  version: versionSchema,
  state: saleStateSchema,
  /** Seat labels in layout order; omitted when the client said it has the list named by `labelsKey`. */
  seatLabels: z.array(z.string()).optional(),
  /** Names the label list: equal keys mean equal lists, so clients can cache it. */
  labelsKey: z.string(),
  seatStates: z.string(),
  zones: z.record(z.string(), zoneCountsSchema),
  categories: z.record(z.string(), categoryCountsSchema),
});
export type ShowtimeSnapshot = z.infer<typeof showtimeSnapshotSchema>;

/**
 * What changed between two versions, coalesced: the final state of every seat that changed, and the final
 * counts of every zone and category that changed. Values are absolute, so applying a delta that overlaps
 * versions a client already has is harmless (see `ShowtimeMirror`).
 */
export const seatChangesSchema = z.object({
  /**
   * Flat pairs `[seatIndex, state, seatIndex, state, ...]` (index into `seatLabels`). On the wire the server sends
   * them `packed` instead and leaves this empty; `ShowtimeMirror` fills it in when it accepts the delta.
   */
  seats: z.array(z.int()),
  /** The seat pairs, packed: see `packSeatChanges`. */
  packed: z.string().optional(),
  zones: z.record(z.string(), zoneCountsSchema).optional(),
  categories: z.record(z.string(), categoryCountsSchema).optional(),
  /** The sale state, when it changed. */
  state: saleStateSchema.optional(),
  /**
   * A full reset instead of changes (sent with `from: 0` when the server's reader fell behind its change log):
   * every seat's state in `seatStates` form; `zones` and `categories` are then complete. Only valid for the
   * label list named by `labelsKey`. `ShowtimeMirror.applyDelta` fills the delta's `seats` with the pairs of the
   * seats the reset actually changed, so code that repaints from `changes.seats` after the mirror accepted a
   * delta needs nothing special for resets.
   */
  all: z.string().optional(),
  labelsKey: z.string().optional(),
});
export type SeatChanges = z.infer<typeof seatChangesSchema>;

/**
 * `seats:changed`: versions `from` (exclusive) to `to` (inclusive). `at` is the server's send time (ms epoch);
 * `since` is when the oldest change in the delta reached the sending node (ms epoch, same clock), so `at − since`
 * is the time the delta waited in its coalescing window, and receive time − `since` its whole staleness.
 */
export const seatsChangedSchema = z.object({
  showtimeId: z.string(),
  from: versionSchema,
  to: versionSchema,
  changes: seatChangesSchema,
  at: z.number(),
  since: z.number().optional(),
});
export type SeatsChanged = z.infer<typeof seatsChangedSchema>;

/** The answer to `showtime:join` / `showtime:resync`: a full snapshot, or the deltas since the client's version. */
export type ShowtimeSync =
  | { kind: 'snapshot'; snapshot: ShowtimeSnapshot; myHolds: MyHold[] }
  | { kind: 'deltas'; delta: SeatsChanged; myHolds: MyHold[] };

// --- Client → server payloads ---------------------------------------------------------------------------

export const showtimeJoinSchema = z.strictObject({
  showtimeId: idSchema,
  /** The version the client already shows (after a reconnect); the server answers with deltas when it can. */
  since: versionSchema.optional(),
  /** The `labelsKey` of the seat labels the client already has: a snapshot answer then leaves them out. */
  labelsKey: z.string().max(100).optional(),
});
export type ShowtimeJoin = z.infer<typeof showtimeJoinSchema>;

export const showtimeResyncSchema = z.strictObject({
  showtimeId: idSchema,
  since: versionSchema,
  labelsKey: z.string().max(100).optional(),
});
export type ShowtimeResync = z.infer<typeof showtimeResyncSchema>;

export const showtimeLeaveSchema = z.strictObject({ showtimeId: idSchema });
export type ShowtimeLeave = z.infer<typeof showtimeLeaveSchema>;

// `hold:create` / `hold:release` / `hold:checkout` payload schemas build on the inventory's hold schemas and live
// in realtime-holds.ts; the event maps that name every payload live in socket-events.ts. The inventory contract
// imports this file, so neither may be imported back here (the lint fails on a cycle).

export const staffJoinSchema = z.strictObject({ showtimeId: idSchema });
export type StaffJoin = z.infer<typeof staffJoinSchema>;

// --- Server → client facts ------------------------------------------------------------------------------

/** The server could not continue the delta stream for this showtime: ask `showtime:resync`. */
export const showtimeStaleSchema = z.object({ showtimeId: z.string(), version: versionSchema });
export type ShowtimeStale = z.infer<typeof showtimeStaleSchema>;

/** One of the connected buyer's own holds ended without being paid (sent to that buyer only). */
export const holdEndedSchema = z.object({
  holdId: z.string(),
  showtimeId: z.string(),
  /** `expired`: its time ran out (`hold:expired`); `released`: released, e.g. from another tab (`hold:lost`). */
  reason: z.enum(['expired', 'released']),
});
export type HoldEnded = z.infer<typeof holdEndedSchema>;

export const staffStatsSchema = z.object({
  showtimeId: z.string(),
  /** Server time of the reading (ms epoch). */
  at: z.number(),
  version: versionSchema,
  state: saleStateSchema,
  totals: z.object({ available: z.int(), held: z.int(), sold: z.int(), blocked: z.int() }),
  categories: z.record(z.string(), categoryCountsSchema),
  zones: z.record(z.string(), zoneCountsSchema),
  /** Tickets sold per minute, oldest first, for the last 15 minutes (the last bucket is the current minute). */
  salesPerMinute: z.array(z.object({ minute: z.iso.datetime(), tickets: z.int() })),
  /** Live holds whose expiry falls within the next 60 seconds. */
  holdsExpiringNextMinute: z.int(),
  /**
   * Buyer-side sockets following the showtime (with a buyer session or not yet signed in), across all nodes.
   * Staff sockets watching the seat map are not counted.
   */
  connectedBuyers: z.int(),
  /** Web nodes sharing the rooms. */
  nodes: z.int(),
  /** Queue depth and lag, when the queues are available (null otherwise). */
  queues: z
    .array(
      z.object({
        name: z.string(),
        waiting: z.int(),
        active: z.int(),
        delayed: z.int(),
        failed: z.int(),
        lagMs: z.number(),
      }),
    )
    .nullable(),
  /** Door check-ins: tickets scanned in of the tickets that admit someone (see docs/check-in.md). */
  checkIns: z.object({ checkedIn: z.int(), tickets: z.int() }),
});
export type StaffStats = z.infer<typeof staffStatsSchema>;

/** Room names, the same on every node. */
export const rooms = {
  showtime: (showtimeId: string) => `st:${showtimeId}`,
  staff: (showtimeId: string) => `staff:st:${showtimeId}`,
  buyer: (buyerId: string) => `buyer:${buyerId}`,
  /** An unverified buyer session's sockets (told of its own holds' endings; `buyer` rooms: verified only). */
  buyerSession: (sessionId: string) => `buyer-session:${sessionId}`,
  /** The non-staff sockets of the showtime room: what "connected buyers" counts. */
  showtimeBuyers: (showtimeId: string) => `buyers:st:${showtimeId}`,
} as const;

// --- Client-side mirror ---------------------------------------------------------------------------------

/**
 * A client's copy of one showtime, kept in step with the server: apply the join/resync answer and every
 * `seats:changed`. Guarantees: it only ever holds a state the server had (the exact state of some version);
 * deltas that arrive while an answer is awaited (before the first snapshot, during a resync) are buffered and
 * applied after it; a delta that starts after the mirror's version is a gap, reported so the caller asks
 * `showtime:resync { since: version }`. Pure: no socket, usable in the browser, tests and benchmarks.
 */
export class ShowtimeMirror {
  version: number | null = null;
  seatLabels: string[] = [];
  labelsKey: string | null = null;
  state: SaleStateName = 'scheduled';
  zones: Record<string, ZoneCounts> = {};
  categories: Record<string, CategoryCounts> = {};
  private seats = new Uint8Array(0);
  private buffered: SeatsChanged[] = [];
  private awaiting = true;

  constructor(
    readonly showtimeId: string,
    /** Deltas kept while waiting for an answer; beyond it the oldest are dropped (the next resync covers them). */
    private readonly maxBuffered = 1_000,
  ) {}

  /** Seat states in the snapshot's compact form (`'0'`…`'3'` per seat). */
  get seatStates(): string {
    return new TextDecoder().decode(this.seats.map((c) => c + 48));
  }

  seatState(index: number): SeatStateCode | undefined {
    return this.seats[index] as SeatStateCode | undefined;
  }

  /** Whether a join/resync answer is awaited (deltas are buffered meanwhile). */
  get syncing(): boolean {
    return this.awaiting;
  }

  /** Call when sending `showtime:join` / `showtime:resync`: deltas are buffered until `applySync`. */
  expectSync(): void {
    this.awaiting = true;
  }

  /** Applies the answer of `showtime:join` / `showtime:resync`. Returns `'gap'` when another resync is needed. */
  applySync(sync: ShowtimeSync): 'applied' | 'gap' {
    this.awaiting = false;
    if (sync.kind === 'snapshot') {
      // The server's word, even when older than ours (an inventory rebuilt from the database starts over).
      const s = sync.snapshot;
      this.version = s.version;
      if (s.seatLabels) this.seatLabels = s.seatLabels;
      else if (s.labelsKey !== this.labelsKey) this.seatLabels = [];
      this.labelsKey = s.labelsKey;
      this.state = s.state;
      this.zones = { ...s.zones };
      this.categories = { ...s.categories };
      this.seats = new Uint8Array(s.seatStates.length);
      for (let i = 0; i < s.seatStates.length; i++) this.seats[i] = s.seatStates.charCodeAt(i) - 48;
    } else if (this.apply(sync.delta) === 'gap') {
      this.awaiting = true;
      return 'gap';
    }
    const pending = this.buffered;
    this.buffered = [];
    for (let i = 0; i < pending.length; i++) {
      if (this.apply(pending[i]!) === 'gap') {
        this.awaiting = true;
        this.buffered = pending.slice(i);
        return 'gap';
      }
    }
    return 'applied';
  }

  /**
   * Applies a pushed delta. `ignored`: already covered; `buffered`: an answer is awaited; `gap`: versions are
   * missing — ask `showtime:resync { since: version }` (later deltas are buffered until its answer).
   */
  applyDelta(d: SeatsChanged): 'applied' | 'ignored' | 'buffered' | 'gap' {
    if (this.awaiting) {
      this.buffered.push(d);
      if (this.buffered.length > this.maxBuffered) this.buffered.shift();
      return 'buffered';
    }
    const r = this.apply(d);
    if (r === 'gap') {
      this.awaiting = true;
      this.buffered.push(d);
    }
    return r;
  }

  private apply(d: SeatsChanged): 'applied' | 'ignored' | 'gap' {
    if (this.version === null) return 'gap';
    if (d.to <= this.version) return 'ignored';
    if (d.from > this.version) return 'gap';
    const all = d.changes.all;
    if (all !== undefined) {
      // A reset for another label list (the layout was reloaded) cannot be applied: take a snapshot.
      if (d.changes.labelsKey !== undefined && d.changes.labelsKey !== this.labelsKey) return 'gap';
      const next = new Uint8Array(all.length);
      const changed: number[] = [];
      for (let i = 0; i < all.length; i++) {
        next[i] = all.charCodeAt(i) - 48;
        if (next[i] !== this.seats[i]) changed.push(i, next[i]!);
      }
      this.seats = next;
      this.zones = { ...d.changes.zones };
      this.categories = { ...d.changes.categories };
      // Consumers repaint from `seats`: give them exactly what the reset changed.
      d.changes.seats = changed.concat(d.changes.seats);
    }
    const packed = d.changes.packed;
    if (packed) {
      // Unpack straight into the seat states (hot: every client, every delta). Code that repaints from `seats`
      // gets the pairs on first read.
      const seats = this.seats;
      for (let i = 0; i + 3 < packed.length; i += 4) {
        const v =
          (B64_INDEX[packed.charCodeAt(i)]! << 18) |
          (B64_INDEX[packed.charCodeAt(i + 1)]! << 12) |
          (B64_INDEX[packed.charCodeAt(i + 2)]! << 6) |
          B64_INDEX[packed.charCodeAt(i + 3)]!;
        if (v < 0) throw new RangeError('packed seat changes: not base64url');
        seats[v >> 2] = v & 3;
      }
      const changes = d.changes;
      let pairs: number[] | null = null;
      Object.defineProperty(changes, 'seats', {
        configurable: true,
        enumerable: true,
        get: () => {
          if (!pairs) {
            pairs = [];
            unpackSeatChanges(packed, (index, state) => pairs!.push(index, state));
          }
          return pairs;
        },
      });
    } else {
      const pairs = d.changes.seats;
      for (let i = 0; i + 1 < pairs.length; i += 2) this.seats[pairs[i]!] = pairs[i + 1]!;
    }
    if (d.changes.zones) Object.assign(this.zones, d.changes.zones);
    if (d.changes.categories) Object.assign(this.categories, d.changes.categories);
    if (d.changes.state) this.state = d.changes.state;
    this.version = d.to;
    return 'applied';
  }
}

// --- Packed seat changes --------------------------------------------------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Char code → 6-bit value, -1 for anything else (one entry per UTF-16 code unit, so no bounds checks). */
const B64_INDEX = new Int8Array(65536).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Largest seat index a packed change can carry (22 bits). */
export const MAX_PACKED_SEAT_INDEX = (1 << 22) - 1;

/**
 * Packs seat changes `[index, state, ...]` into 4 base64url characters per seat (`index << 2 | state` in 24 bits).
 * A storm delta costs a quarter of the JSON number array to send and far less to parse: a string is copied, an
 * array of numbers is built element by element — on every one of thousands of clients.
 */
export function packSeatChanges(pairs: readonly number[]): string {
  let out = '';
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const index = pairs[i]!;
    const state = pairs[i + 1]!;
    if (index < 0 || index > MAX_PACKED_SEAT_INDEX || state < 0 || state > 3)
      throw new RangeError(`seat change ${index}:${state}`);
    const v = (index << 2) | state;
    out += B64[(v >> 18) & 63]! + B64[(v >> 12) & 63]! + B64[(v >> 6) & 63]! + B64[v & 63]!;
  }
  return out;
}

/** Calls `each(index, state)` for every packed seat change, in order. Throws `RangeError` on a malformed string. */
export function unpackSeatChanges(packed: string, each: (index: number, state: SeatStateCode) => void): void {
  if (packed.length % 4 !== 0) throw new RangeError('packed seat changes: length is not a multiple of 4');
  for (let i = 0; i < packed.length; i += 4) {
    const a = B64_INDEX[packed.charCodeAt(i)]!;
    const b = B64_INDEX[packed.charCodeAt(i + 1)]!;
    const c = B64_INDEX[packed.charCodeAt(i + 2)]!;
    const d = B64_INDEX[packed.charCodeAt(i + 3)]!;
    if ((a | b | c | d) < 0) throw new RangeError('packed seat changes: not base64url');
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    each(v >> 2, (v & 3) as SeatStateCode);
  }
}
