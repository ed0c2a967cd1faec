import { rooms, type HoldEnded, type SeatChanges } from '@seatrush/shared';
import type { Logger } from '../observability/logger.ts';
import { ShowtimeFollows, type ShowtimeFeed } from './follows.ts';
import type { RealtimeServer } from './types.ts';

export type { ShowtimeFeed } from './follows.ts';

/** An owner-only fact found in the change log: which buyer's hold ended and how (told to `rooms.buyer`). */
export interface HoldEndFact extends HoldEnded {
  buyerId: string;
  /** Set when an unverified session made the hold: its sockets are told too (docs/buyers.md). */
  sessionId?: string;
}

/** What the change log holds after a version, already reduced to the public form plus owner-only facts. */
export type ChangeRead =
  | { kind: 'changes'; from: number; to: number; changes: SeatChanges; holdEnds: HoldEndFact[] }
  /** The log no longer covers `since`: the whole state at `version` (`changes.all`), sent as a reset. */
  | { kind: 'full'; version: number; changes: SeatChanges }
  /** The showtime was reloaded (its seat list may differ): clients must take a snapshot. */
  | { kind: 'stale'; version: number }
  | { kind: 'missing' };

/** One inventory change as published, decoded. */
export interface Published<C> {
  showtimeId: string;
  version: number;
  change: C;
}

/** Time as the pump sees it: when now is, and its coalescing and sweep timers. */
export interface FanoutClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
  /** A repeating timer that does not keep the process alive. */
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(timer: unknown): void;
}

/** The wall clock and Node's timers. */
export const systemClock: FanoutClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (timer) => clearInterval(timer as NodeJS.Timeout),
};

export interface FanoutOptions<C> {
  io: RealtimeServer;
  /**
   * The showtimes' change channels (built by the composition root: realtime holds no Redis). The pump follows a
   * showtime while a room of it has sockets on this node, and closes the feed when it closes.
   */
  feed: ShowtimeFeed;
  /** How long a showtime stays followed after its room's last socket left (a reload or a quick return). */
  unfollowGraceMs?: number;
  /** Reads the change log after `since` (the repair path: start of a room, lost messages, reconnects). */
  read: (showtimeId: string, since: number) => Promise<ChangeRead>;
  /** Decodes a message of the feed; null when it is not an inventory change. */
  decode: (message: unknown) => Published<C> | null;
  /** Merges consecutive changes into what `read` would have returned for them. */
  merge: (showtimeId: string, from: number, changes: Array<Published<C>>) => ChangeRead;
  logger: Logger;
  /** Shortest coalescing window per room. */
  coalesceMs: number;
  /** Deliveries per second this node aims not to exceed per room; widens the window for very large rooms. */
  deliveryBudget: number;
  /** After this long without a message, a room's log is read anyway (a lost last message). */
  sweepMs: number;
  /** Defaults to the wall clock; tests pass a hand-driven one to step through windows without waiting. */
  clock?: FanoutClock;
  onFlush?: (info: {
    showtimeId: string;
    deliveries: number;
    seats: number;
    ms: number;
    /** From the oldest change in the delta reaching this node to the emit (the window's wait + the flush). */
    waitedMs: number;
    fromLog: boolean;
    reset?: boolean;
  }) => void;
  /** A published change was decoded (only changes of showtimes with a room on this node are). */
  onDecoded?: () => void;
}

interface RoomState<C> {
  showtimeId: string;
  room: string;
  /** The last version sent to this node's sockets in the room; null until the first join answered. */
  base: number | null;
  emitted: boolean;
  /** Published changes `base+1, base+2, …` not sent yet (always contiguous). */
  pending: Array<Published<C>>;
  /** A message was missed (or the room just started): the next flush reads the log. */
  needLog: boolean;
  /** Messages that arrived while the log was being read; replayed against the new base afterwards. */
  inflight: Array<Published<C>> | null;
  dirty: boolean;
  flushing: boolean;
  /** The scheduled flush, a handle of the clock; null when none is scheduled. */
  timer: unknown;
  lastFlush: number;
  lastMessage: number;
  /** When the oldest change not yet sent reached this node (null: nothing waiting since the last flush). */
  changedSince: number | null;
}

const SHOWTIME_ROOM = 'st:';

/**
 * The delta pump of one node. Each Lua transition publishes its change on its showtime's channel (in version
 * order: a showtime's scripts run one at a time and publish inside the script). The pump follows the channel of
 * every showtime that has a room with sockets on THIS node — subscribed when the room gets its first socket,
 * unsubscribed `unfollowGraceMs` after its last one left — so a node receives and decodes only the showtimes it
 * serves. For each such room it collects the published changes after the last version it sent and, once per
 * coalescing window, merges them into one `seats:changed` for its own sockets only (`io.local`): nothing is relayed
 * between nodes, nothing is delivered twice. The change log (XRANGE) is the repair path: when a room starts, when
 * its subscription is confirmed, when a version is missing from the messages, after a subscriber reconnect, and
 * after a quiet `sweepMs` (a lost last message, or a subscription that failed: the sweep also retries it). Every
 * node therefore sends the same versions in the same order, so a client can move to any node and continue.
 */
export class Fanout<C> {
  private readonly rooms = new Map<string, RoomState<C>>();
  private readonly follows: ShowtimeFollows;
  /** A handle of the clock; null until started. */
  private sweepTimer: unknown = null;
  private closed = false;
  private readonly clock: FanoutClock;

  constructor(private readonly o: FanoutOptions<C>) {
    this.clock = o.clock ?? systemClock;
    this.follows = new ShowtimeFollows({
      feed: o.feed,
      clock: this.clock,
      logger: o.logger,
      graceMs: o.unfollowGraceMs ?? 10_000,
      retryMs: o.sweepMs,
      inUse: (showtimeId) => this.rooms.has(showtimeId),
      // Messages published before the subscription took hold were not seen: read the room's log.
      onFollowed: (showtimeId) => {
        const state = this.rooms.get(showtimeId);
        if (state) this.repair(state);
      },
    });
  }

  start(): Promise<void> {
    const adapter = this.o.io.of('/').adapter;
    adapter.on('create-room', (room: string) => {
      if (!room.startsWith(SHOWTIME_ROOM)) return;
      const showtimeId = room.slice(SHOWTIME_ROOM.length);
      this.follows.follow(showtimeId);
      this.rooms.set(showtimeId, {
        showtimeId,
        room,
        base: null,
        emitted: false,
        pending: [],
        needLog: true,
        inflight: null,
        dirty: false,
        flushing: false,
        timer: null,
        lastFlush: 0,
        lastMessage: this.clock.now(),
        changedSince: null,
      });
    });
    adapter.on('delete-room', (room: string) => {
      if (!room.startsWith(SHOWTIME_ROOM)) return;
      const showtimeId = room.slice(SHOWTIME_ROOM.length);
      const state = this.rooms.get(showtimeId);
      if (state && state.timer !== null) this.clock.clearTimeout(state.timer);
      this.rooms.delete(showtimeId);
      this.follows.unfollowLater(showtimeId);
    });
    this.o.feed.onMessage((showtimeId, message) => this.onMessage(showtimeId, message));
    // After a reconnect the messages sent meanwhile are gone: read every room's log.
    this.o.feed.onRestored(() => {
      for (const state of this.rooms.values()) this.repair(state);
    });
    this.sweepTimer = this.clock.setInterval(
      () => this.sweep(),
      Math.max(50, Math.floor(this.o.sweepMs / 4)),
    );
    return Promise.resolve();
  }

  /**
   * Tells the pump which version a socket of this node was just given for a showtime (its join/resync answer).
   * The first answer in a room sets where the room's delta stream starts; until something was emitted, an older
   * answer moves the start back so that socket needs no resync.
   */
  noteVersion(showtimeId: string, version: number): void {
    const state = this.rooms.get(showtimeId);
    if (!state) return;
    if (state.base === null || (!state.emitted && version < state.base)) {
      state.base = version;
      state.pending = [];
      state.needLog = true;
    }
    state.dirty = true;
    this.schedule(state);
  }

  /** Rooms this node pumps, with their last sent version (for tests and the staff page). */
  tracked(): Array<{ showtimeId: string; base: number | null }> {
    return [...this.rooms.values()].map((r) => ({ showtimeId: r.showtimeId, base: r.base }));
  }

  /** The showtimes whose channel this node is subscribed to (confirmed by Redis), for tests and operators. */
  following(): string[] {
    return this.follows.following();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.sweepTimer !== null) this.clock.clearInterval(this.sweepTimer);
    for (const r of this.rooms.values()) if (r.timer !== null) this.clock.clearTimeout(r.timer);
    this.rooms.clear();
    this.follows.close();
    this.o.feed.onMessage(() => undefined);
    this.o.feed.onRestored(() => undefined);
    await this.o.feed.close().catch(() => undefined);
  }

  private onMessage(showtimeId: string, message: unknown): void {
    // No room of that showtime here any more (the grace after its last socket left): nothing to decode for.
    const state = this.rooms.get(showtimeId);
    if (!state) return;
    const m = this.o.decode(message);
    this.o.onDecoded?.();
    if (m?.showtimeId !== showtimeId) return;
    state.lastMessage = this.clock.now();
    state.changedSince ??= state.lastMessage;
    if (state.inflight) {
      state.inflight.push(m);
      return;
    }
    this.accept(state, m);
    state.dirty = true;
    this.schedule(state);
  }

  /** Queues a published change if it is the next one; a hole means the log must be read. */
  private accept(state: RoomState<C>, m: Published<C>): void {
    if (state.base === null || state.needLog) {
      state.needLog = true;
      return;
    }
    const expected = state.base + state.pending.length + 1;
    if (m.version < expected) return;
    if (m.version === expected) state.pending.push(m);
    else {
      state.pending = [];
      state.needLog = true;
    }
  }

  private repair(state: RoomState<C>): void {
    if (state.base === null) return;
    state.needLog = true;
    state.dirty = true;
    this.schedule(state);
  }

  private sweep(): void {
    const quietSince = this.clock.now() - this.o.sweepMs;
    this.follows.retryDue();
    for (const state of this.rooms.values()) {
      if (state.lastMessage <= quietSince && !state.flushing) {
        state.lastMessage = this.clock.now();
        this.repair(state);
      }
    }
  }

  private windowMs(state: RoomState<C>): number {
    const size = this.o.io.of('/').adapter.rooms.get(state.room)?.size ?? 0;
    return Math.min(1000, Math.max(this.o.coalesceMs, Math.ceil((1000 * size) / this.o.deliveryBudget)));
  }

  private schedule(state: RoomState<C>): void {
    if (this.closed || state.timer !== null || state.flushing || state.base === null || !state.dirty) return;
    // Leading edge when quiet, at most one flush per window under load.
    const delay = Math.max(0, state.lastFlush + this.windowMs(state) - this.clock.now());
    state.timer = this.clock.setTimeout(() => {
      state.timer = null;
      void this.flush(state);
    }, delay);
  }

  private async flush(state: RoomState<C>): Promise<void> {
    if (this.closed || this.rooms.get(state.showtimeId) !== state || state.base === null) return;
    state.flushing = true;
    state.dirty = false;
    const started = this.clock.now();
    const since = state.changedSince ?? started;
    state.changedSince = null;
    const fromLog = state.needLog;
    try {
      let read: ChangeRead;
      if (fromLog) {
        state.inflight = [];
        state.needLog = false;
        state.pending = [];
        read = await this.o.read(state.showtimeId, state.base);
      } else {
        if (!state.pending.length) return;
        read = this.o.merge(state.showtimeId, state.base, state.pending);
        state.pending = [];
      }
      if (this.rooms.get(state.showtimeId) !== state) return;
      this.emit(state, read, started, since, fromLog);
    } catch (err) {
      // Redis hiccup: keep the base, read the log next window (its changes are still as old as they were).
      state.needLog = true;
      state.dirty = true;
      state.changedSince = since;
      this.o.logger.warn({ err, showtimeId: state.showtimeId }, 'reading the change log failed');
    } finally {
      // Changes published during the read: keep those after what was just sent, if they connect.
      const inflight = state.inflight;
      state.inflight = null;
      for (const m of inflight ?? []) this.accept(state, m);
      if (state.pending.length || state.needLog) state.dirty = true;
      state.flushing = false;
      state.lastFlush = this.clock.now();
      this.schedule(state);
    }
  }

  private emit(
    state: RoomState<C>,
    read: ChangeRead,
    started: number,
    since: number,
    fromLog: boolean,
  ): void {
    if (read.kind === 'missing' || state.base === null) return;
    const local = this.o.io.local;
    const at = this.clock.now();
    const report = (seats: number, reset?: boolean) =>
      this.o.onFlush?.({
        showtimeId: state.showtimeId,
        deliveries: this.o.io.of('/').adapter.rooms.get(state.room)?.size ?? 0,
        seats,
        ms: this.clock.now() - started,
        waitedMs: at - since,
        fromLog,
        ...(reset ? { reset } : {}),
      });
    if (read.kind === 'full') {
      if (read.version <= state.base) return;
      // Fell behind the log (overload, a long Redis outage): one reset to everybody, from version 0 so every
      // mirror accepts it, instead of every client asking for a snapshot at once.
      state.base = read.version;
      state.emitted = true;
      local.to(state.room).emit('seats:changed', {
        showtimeId: state.showtimeId,
        from: 0,
        to: read.version,
        changes: read.changes,
        at,
        since,
      });
      report(read.changes.all?.length ?? 0, true);
      return;
    }
    if (read.kind === 'stale') {
      state.base = read.version;
      state.emitted = true;
      local.to(state.room).emit('showtime:stale', { showtimeId: state.showtimeId, version: read.version });
      return;
    }
    if (read.to <= state.base) return;
    const delta = {
      showtimeId: state.showtimeId,
      from: state.base,
      to: read.to,
      changes: read.changes,
      at,
      since,
    };
    state.base = read.to;
    state.emitted = true;
    local.to(state.room).emit('seats:changed', delta);
    for (const fact of read.holdEnds) {
      const { buyerId, sessionId, ...payload } = fact;
      const to = sessionId ? [rooms.buyer(buyerId), rooms.buyerSession(sessionId)] : rooms.buyer(buyerId);
      local.to(to).emit(payload.reason === 'expired' ? 'hold:expired' : 'hold:lost', payload);
    }
    report(read.changes.seats.length / 2);
  }
}
