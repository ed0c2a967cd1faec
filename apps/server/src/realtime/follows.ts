import type { Logger } from '../observability/logger.ts';

/** The time `ShowtimeFollows` needs (the fan-out's clock: tests drive it by hand). */
export interface FollowsClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

/**
 * The showtimes' change channels as the fan-out follows them, one showtime at a time (a consumer of the node's
 * change subscriptions, `inventory/change-follows.ts`, shared with the sold-out gate; handed in by the composition
 * root). Messages are opaque here: the fan-out's `decode` reads them.
 */
export interface ShowtimeFeed {
  /** Resolves once Redis confirmed: every change published after that arrives. */
  subscribe(showtimeId: string): Promise<void>;
  unsubscribe(showtimeId: string): Promise<void>;
  onMessage(listener: (showtimeId: string, message: unknown) => void): void;
  /** After a reconnect (the messages sent meanwhile are gone). */
  onRestored(listener: () => void): void;
  close(): Promise<void>;
}

/** A showtime's subscription: wanted while in use (and for the grace after), and as Redis has it. */
interface Follow {
  wanted: boolean;
  active: boolean;
  /** A subscribe or unsubscribe is on its way. */
  busy: boolean;
  /** The grace timer after the room emptied (a handle of the clock); null when none runs. */
  timer: unknown;
  /** After a failed subscribe, when the sweep tries again. */
  retryAt: number;
}

export interface ShowtimeFollowsOptions {
  feed: ShowtimeFeed;
  clock: FollowsClock;
  logger: Logger;
  /** How long a showtime stays followed after it stopped being in use. */
  graceMs: number;
  /** After a failed subscribe, how long until `retryDue` tries again. */
  retryMs: number;
  /** Whether the showtime is still in use here (a room with sockets): checked when the grace ends. */
  inUse: (showtimeId: string) => boolean;
  /** Redis confirmed the subscription: every change published from now on arrives. */
  onFollowed: (showtimeId: string) => void;
}

/**
 * The showtimes a node follows on the change feed: subscribed when a showtime comes into use, unsubscribed a grace
 * after it went out of use (a reload, a quick return re-use the subscription), one subscribe or unsubscribe at a
 * time per showtime, whatever order rooms come and go in.
 */
export class ShowtimeFollows {
  private readonly follows = new Map<string, Follow>();
  private closed = false;

  constructor(private readonly o: ShowtimeFollowsOptions) {}

  /** The showtimes whose channel is subscribed (confirmed by Redis). */
  following(): string[] {
    return [...this.follows].filter(([, f]) => f.active).map(([id]) => id);
  }

  /** Subscriptions that failed and are due again (called by the fan-out's sweep). */
  retryDue(): void {
    const now = this.o.clock.now();
    for (const [showtimeId, f] of this.follows)
      if (f.wanted && !f.active && f.retryAt <= now) this.sync(showtimeId, f);
  }

  close(): void {
    this.closed = true;
    for (const f of this.follows.values()) if (f.timer !== null) this.o.clock.clearTimeout(f.timer);
    this.follows.clear();
  }

  /** The showtime came into use (a room got its first socket here): follow its channel, or keep following it. */
  follow(showtimeId: string): void {
    let f = this.follows.get(showtimeId);
    if (!f) {
      f = { wanted: true, active: false, busy: false, timer: null, retryAt: 0 };
      this.follows.set(showtimeId, f);
    }
    if (f.timer !== null) this.o.clock.clearTimeout(f.timer);
    f.timer = null;
    f.wanted = true;
    this.sync(showtimeId, f);
  }

  /** The showtime went out of use: stop following after the grace, unless it comes back into use meanwhile. */
  unfollowLater(showtimeId: string): void {
    const f = this.follows.get(showtimeId);
    if (!f || this.closed) return;
    if (f.timer !== null) this.o.clock.clearTimeout(f.timer);
    f.timer = this.o.clock.setTimeout(() => {
      f.timer = null;
      if (this.o.inUse(showtimeId)) return;
      f.wanted = false;
      this.sync(showtimeId, f);
    }, this.o.graceMs);
  }

  /**
   * Brings the subscription to what is wanted, one operation at a time per showtime. A failed subscribe is retried
   * by the sweep (the room's deltas meanwhile come from the log reads the sweep makes anyway).
   */
  private sync(showtimeId: string, f: Follow): void {
    if (this.closed || f.busy) return;
    if (f.wanted === f.active) {
      if (!f.wanted && f.timer === null) this.follows.delete(showtimeId);
      return;
    }
    const target = f.wanted;
    f.busy = true;
    (target ? this.o.feed.subscribe(showtimeId) : this.o.feed.unsubscribe(showtimeId)).then(
      () => {
        f.busy = false;
        f.active = target;
        if (target) this.o.onFollowed(showtimeId);
        this.sync(showtimeId, f);
      },
      (err: unknown) => {
        f.busy = false;
        f.retryAt = this.o.clock.now() + this.o.retryMs;
        if (!this.closed)
          this.o.logger.warn(
            { err, showtimeId },
            target ? 'subscribing to a showtime failed' : 'unsubscribing failed',
          );
        if (!target) {
          // Whatever Redis has, this node no longer wants the messages (they are dropped on arrival).
          f.active = false;
          this.sync(showtimeId, f);
        }
      },
    );
  }
}
