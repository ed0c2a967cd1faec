import { changesChannel } from './keys.ts';
import { createOutboxReader, type OutboxReader, type OutboxReaderOptions } from './outbox.ts';
import type { DomainError } from '../domain/errors.ts';
import type { HoldItem, HoldRecord, ReturnItem } from '../domain/hold.ts';
import { createBlocks } from './blocks.ts';
import { createBuckets } from './buckets.ts';
import type { Change, SaleState } from './changes.ts';
import { createContext, type InventoryDeps } from './context.ts';
import { createHoldLifecycle } from './hold-lifecycle.ts';
import { createHoldReads } from './hold-reads.ts';
import { createHolds } from './holds.ts';
import { createLoading } from './loading.ts';
import { createRecount } from './recount.ts';
import { createSeatOwners } from './seat-owners.ts';
import { createSettings } from './settings.ts';
import { createSnapshots } from './snapshot.ts';
import type {
  HoldEnding,
  HoldOptions,
  HoldRequest,
  HoldResult,
  LiveSettings,
  SeatOwner,
  SeatOwnersQuery,
  Snapshot,
} from './types.ts';

/**
 * The inventory of one node: the public surface of inventory/ is this interface — operations and read models,
 * never Redis keys or encodings. `createInventory` composes the parts, one file per concern: loading.ts (from
 * PostgreSQL into Redis), settings.ts (sale state and settings), holds.ts (making holds: the hot path),
 * hold-lifecycle.ts (release, expire, extend, confirm, reclaim, return), hold-reads.ts, blocks.ts, snapshot.ts
 * (snapshot, version, changes), seat-owners.ts and recount.ts. Keys are built in keys.ts, the seat encoding is in
 * seat-state.ts, the scripts' replies are mapped in codes.ts.
 */

export type { HoldItem, HoldRecord, ReturnItem } from '../domain/hold.ts';
export type { InventoryDeps } from './context.ts';
export type {
  HoldEnding,
  HoldOptions,
  HoldRequest,
  HoldResult,
  LiveSettings,
  SeatOwner,
  SeatOwnersQuery,
  Snapshot,
} from './types.ts';
export type { TakenSeatState } from './seat-state.ts';
export type { Change, SaleState } from './changes.ts';
// The channel's message format, for the real-time fan-out that follows the channel itself.
export { decodeChange, parseChangeMessage, type WireChange } from './changes.ts';

export interface Inventory {
  /**
   * Loads a showtime from PostgreSQL. Idempotent: when it is already loaded nothing is replaced (only the sale
   * state is brought in line with PostgreSQL) unless `force` (a rebuild, which drops holds that never became
   * orders). Throws `not_found`, or `conflict` when a category has no price.
   */
  load(showtimeId: string, opts?: { force?: boolean }): Promise<{ version: number }>;
  isLoaded(showtimeId: string): Promise<boolean>;
  /** Loads every showtime on sale or paused in PostgreSQL that has no keys in Redis (server start). */
  rebuildMissing(): Promise<string[]>;
  /** Showtimes on sale or paused in PostgreSQL that have no live inventory in Redis (readiness asks). */
  missingShowtimes(): Promise<string[]>;
  /** Sets the sale state the hold script checks. Throws `sale_not_open` when the showtime is not loaded. */
  setSaleState(showtimeId: string, state: SaleState): Promise<void>;
  /**
   * Holds seats (all or nothing) or a GA quantity for a buyer. Errors: `sale_not_open`, `seat_unknown`,
   * `seat_unavailable` (details.seats), `zone_unknown`, `sold_out`, `limit_exceeded`, `idempotency_conflict`,
   * `hold_expired` / `hold_not_found` (a replayed request whose hold ended), `not_found` (no such showtime),
   * `validation_failed`. With `opts.gateChecked` the caller has just asked `refusalFromMemory`, so the gate is
   * not asked again.
   */
  hold(showtimeId: string, req: HoldRequest, opts?: HoldOptions): Promise<HoldResult>;
  /**
   * The answer `hold` would give without asking Redis, when the node's sold-out gate already knows it
   * (`sold_out`); null when the request has to go to Redis. Synchronous, for the hot path.
   */
  refusalFromMemory(
    showtimeId: string,
    buyerId: string,
    requestId: string,
    ask: Pick<HoldRequest, 'seats' | 'best' | 'zone'>,
  ): DomainError | null;
  /**
   * The answer `hold` would give to a repeated idempotency key, read without holding anything: the earlier hold
   * (`replayed`), or the error `hold` would throw (`idempotency_conflict`, `hold_expired`, `hold_not_found`);
   * null when no earlier request with this key made a hold. Best available asks this when it finds no seats, so
   * a retry of a request that took the last block still gets its hold back. `seats` may be omitted with `best`.
   */
  replay(showtimeId: string, req: HoldRequest): Promise<HoldResult | null>;
  getHold(holdId: string): Promise<HoldRecord | null>;
  /**
   * A buyer's holds in a showtime that still exist (held or confirmed; the caller filters by expiry), for the
   * real-time layer's "my holds". From a per-buyer index written by the hold script (and by a load for the holds
   * it rebuilds), oldest first.
   */
  holdsOf(showtimeId: string, buyerId: string): Promise<HoldRecord[]>;
  /** The hold, when `token` is its token. Throws `hold_not_found`, `hold_token_invalid`, `hold_expired`. */
  verifyHoldToken(holdId: string, token: string): Promise<HoldRecord>;
  /** Gives a live hold back. Throws `hold_not_found`, `hold_token_invalid`, `hold_expired`, `invalid_transition`. */
  release(holdId: string, token: string): Promise<void>;
  /** Ends a hold past its expiry (no-op otherwise). */
  expire(holdId: string): Promise<'expired' | 'not_due' | 'gone' | 'confirmed'>;
  /** Expires up to `limit` holds of the showtime that are past due; returns their ids. */
  expireDue(showtimeId: string, limit: number): Promise<string[]>;
  /** Extends a live hold once, by at most the configured bound. Throws `hold_already_extended` and the above. */
  extend(holdId: string, token: string, seconds: number): Promise<{ expiresAt: string }>;
  /**
   * Extends a live hold whose payment is still in flight at the provider (no token: the expiry asks), by
   * `seconds`, any number of times while all of them together stay within `maxSeconds`; returns the new deadline
   * (ms). Throws `hold_already_extended` (bound used up), `hold_expired` (never revives a hold), `hold_not_found`,
   * `invalid_transition` (paid).
   */
  extendForPayment(holdId: string, seconds: number, maxSeconds: number): Promise<{ expiresAt: number }>;
  /** Held → sold for an order, only while unexpired. Throws `hold_expired`, `hold_not_found`, `conflict`. */
  confirm(holdId: string, orderRef: string): Promise<'confirmed' | 'already_confirmed'>;
  /**
   * After expiry: the same items become sold to the order if all are free; they count against the per-buyer limit
   * under `limitKey` (the order's, when its hold had one) or else the buyer. Throws `seat_unavailable` / `sold_out`.
   */
  reclaim(
    showtimeId: string,
    holdId: string,
    items: HoldItem[],
    buyerId: string,
    orderRef: string,
    limitKey?: string,
  ): Promise<'sold'>;
  /** Refund: sold → free, exactly once per item (GA items: pass `ref` for exactly-once per unit). */
  returnItems(showtimeId: string, orderRef: string, items: ReturnItem[]): Promise<{ returned: number }>;
  /**
   * Staff take free seats off sale (and record SeatBlock rows so a rebuild keeps them). Seats that are unknown or
   * not free are reported in `skipped` and left alone.
   */
  block(
    showtimeId: string,
    seats: string[],
    reason: string,
    by?: string,
  ): Promise<{ changed: string[]; skipped: string[] }>;
  /** Puts blocked seats back on sale (and deletes their SeatBlock rows); others are reported in `skipped`. */
  unblock(showtimeId: string, seats: string[]): Promise<{ changed: string[]; skipped: string[] }>;
  /**
   * Copies a loaded showtime's settings from PostgreSQL (hold TTL, per-buyer limit, currency, prices); they apply
   * to holds made afterwards. No-op when not loaded.
   */
  syncSettings(showtimeId: string): Promise<void>;
  /** Throws `sale_not_open` / `not_found` when the showtime has no inventory (after trying to load it). */
  snapshot(showtimeId: string): Promise<Snapshot>;
  /** The changes after `version`, or null when the log no longer reaches back that far (take a snapshot). */
  changesSince(
    showtimeId: string,
    version: number,
  ): Promise<{ from: number; to: number; changes: Change[] } | null>;
  /** The invariant check: recomputes every count from per-seat state and holds, and compares. */
  recount(showtimeId: string): Promise<{ ok: boolean; diffs: string[] }>;
  /** Ids of showtimes with loaded inventory. */
  loadedShowtimes(): Promise<string[]>;
  /** The token a hold id was issued with (for answering replays; never stored). */
  tokenFor(holdId: string): string;

  // --- Read models ------------------------------------------------------------------------------------------

  /** The showtime's live version (bumped by every change), or null when it has no live inventory. */
  version(showtimeId: string): Promise<number | null>;
  /** The live settings holds are made with, or null when the showtime has no live inventory. */
  settings(showtimeId: string): Promise<LiveSettings | null>;
  /**
   * Who has each taken seat (held: hold id, plus the hold's buyer and deadline while its record exists; sold:
   * order ref; blocked: reason), sorted by label, with the version they were read at (one transaction); null when
   * the showtime has no live inventory.
   */
  seatOwners(
    showtimeId: string,
    q?: SeatOwnersQuery,
  ): Promise<{ version: number; seats: SeatOwner[] } | null>;
  /** Hold records of one showtime by id, in order (null: no such hold, or it was ended and removed). */
  getHolds(showtimeId: string, holdIds: readonly string[]): Promise<Array<HoldRecord | null>>;
  /**
   * How each hold that is no longer in the inventory ended (`expired` / `released`), in order; null when the hold
   * is still there, or ended longer ago than the inventory remembers (a day), or never existed.
   */
  holdEndings(holdIds: readonly string[]): Promise<Array<HoldEnding | null>>;
  /** How many unconfirmed holds of the showtime expire in `(after, until]` (ms). */
  countHoldsExpiring(showtimeId: string, after: number, until: number): Promise<number>;
  /** Ids of the unconfirmed holds of the showtime that expire in `(after, until]` (ms; `after` may be -Infinity). */
  holdIdsExpiring(showtimeId: string, after: number, until: number): Promise<string[]>;
  /**
   * A reader of the outbox (the hold / release / expiry facts every script appends, see outbox.ts) as one consumer
   * of order persistence's group: the outbox relay (jobs/) turns what it reads into BullMQ jobs.
   */
  outboxReader(opts: Omit<OutboxReaderOptions, 'loadedShowtimes'>): OutboxReader;
  /** A showtime's sharded pub/sub channel: its changes in version order (the real-time fan-out follows it). */
  changesChannel(showtimeId: string): string;
}

/** Creates the inventory of one node. Cheap; create once per process and share. */
export function createInventory(deps: InventoryDeps): Inventory {
  const ctx = createContext(deps);
  const settings = createSettings(ctx);
  const buckets = createBuckets(ctx);
  const loading = createLoading(ctx, settings.setSaleState, buckets);
  const { ensureLoaded } = loading;
  const holds = createHolds(ctx, ensureLoaded, buckets);
  const lifecycle = createHoldLifecycle(ctx, buckets);
  const reads = createHoldReads(ctx, buckets);
  const blocks = createBlocks(ctx, ensureLoaded);
  const snapshots = createSnapshots(ctx, ensureLoaded);

  return {
    load: loading.load,
    isLoaded: ctx.isLoaded,
    rebuildMissing: loading.rebuildMissing,
    missingShowtimes: loading.missingShowtimes,
    async setSaleState(showtimeId, state) {
      await settings.setSaleState(showtimeId, state);
    },
    hold: holds.hold,
    refusalFromMemory: holds.refusalFromMemory,
    replay: holds.replay,
    getHold: reads.getHold,
    holdsOf: reads.holdsOf,
    verifyHoldToken: reads.verifyHoldToken,
    release: lifecycle.release,
    expire: lifecycle.expire,
    expireDue: lifecycle.expireDue,
    extend: lifecycle.extend,
    extendForPayment: lifecycle.extendForPayment,
    confirm: lifecycle.confirm,
    reclaim: lifecycle.reclaim,
    returnItems: lifecycle.returnItems,
    block: blocks.block,
    unblock: blocks.unblock,
    syncSettings: settings.syncSettings,
    snapshot: snapshots.snapshot,
    changesSince: snapshots.changesSince,
    recount: createRecount(ctx, buckets),
    loadedShowtimes: loading.loadedShowtimes,
    tokenFor: ctx.tokenFor,
    version: snapshots.version,
    settings: settings.settings,
    seatOwners: createSeatOwners(ctx),
    getHolds: reads.getHolds,
    holdEndings: reads.holdEndings,
    countHoldsExpiring: reads.countHoldsExpiring,
    holdIdsExpiring: reads.holdIdsExpiring,
    outboxReader: (opts) =>
      createOutboxReader(ctx, buckets, { ...opts, loadedShowtimes: loading.loadedShowtimes }),
    changesChannel: (showtimeId) => changesChannel(deps.prefix, showtimeId),
  };
}
