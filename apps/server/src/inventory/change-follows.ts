import type { Redis } from '../db/redis.ts';
import type { Logger } from '../observability/logger.ts';
import { createChangeFeed, decodeChange, type Change, type ChangeFeed, type WireChange } from './changes.ts';
import { changesChannel } from './keys.ts';

/**
 * A message of a showtime's change channel as every consumer of the node sees it: parsed on the first look and
 * decoded on the first ask, once, whoever asks (the sold-out gate reads the wire form, the fan-out the decoded
 * change).
 */
export class ChangeMessage {
  private parsed: WireChange | null | undefined;
  private decoded: Change | undefined;

  constructor(
    readonly showtimeId: string,
    readonly raw: string,
  ) {}

  /** The change as the script published it; null when the message is not a change of this showtime. */
  get wire(): WireChange | null {
    if (this.parsed === undefined) {
      let w: unknown;
      try {
        w = JSON.parse(this.raw);
      } catch {
        w = null;
      }
      const ok =
        typeof w === 'object' &&
        w !== null &&
        (w as WireChange).s === this.showtimeId &&
        typeof (w as WireChange).v === 'number';
      this.parsed = ok ? (w as WireChange) : null;
    }
    return this.parsed;
  }

  /** The decoded change (null when the message is not one). */
  get change(): Change | null {
    const w = this.wire;
    if (!w) return null;
    return (this.decoded ??= decodeChange(w));
  }
}

/**
 * The node's subscriptions to the showtimes' change channels, shared by its consumers (the sold-out gate, the
 * real-time fan-out): one connection, one SSUBSCRIBE per showtime while any consumer follows it, each message
 * parsed once and handed to every consumer that follows its showtime. Each consumer keeps its own rules for when
 * to follow and when to stop (the gate's idle ticks, the fan-out's rooms and grace) and for what it trusts.
 */
export interface ChangeFollows {
  /**
   * A consumer's view, shaped as a feed of its own: `subscribe` resolves once Redis confirmed the showtime's
   * subscription with no connection loss since (after a loss the next `subscribe` asks Redis again, so a consumer
   * that re-confirms on `onRestored` gets a fresh confirmation); `unsubscribe` drops the consumer's interest, and
   * the channel is unsubscribed when no consumer is left on it; `close` drops all of them — the connection closes
   * with the last open consumer (a later consumer opens a new one).
   */
  consumer(): ChangeFeed<ChangeMessage>;
  /** The showtimes followed by at least one consumer (for tests and operators). */
  followed(): string[];
}

export interface ChangeFollowsOptions {
  /** A client to duplicate for the subscription connection. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** Shown in CLIENT LIST. */
  connectionName: string;
}

interface Consumer {
  open: boolean;
  showtimes: Set<string>;
  onMessage: (showtimeId: string, message: ChangeMessage) => void;
  onLost: (why: string) => void;
  onRestored: () => void;
}

/** One showtime's channel: who follows it, its confirmation, and its SSUBSCRIBE/SUNSUBSCRIBE, one at a time. */
interface Entry {
  consumers: Set<Consumer>;
  /** The confirmation of the subscription in force; null when none (never asked, unsubscribed, or lost since). */
  confirmed: Promise<void> | null;
  /** The last operation sent for the channel: the next one waits for it. */
  tail: Promise<void>;
}

const noop = () => undefined;

export function createChangeFollows(o: ChangeFollowsOptions): ChangeFollows {
  let feed: ChangeFeed | null = null;
  const consumers = new Set<Consumer>();
  const entries = new Map<string, Entry>();

  const connection = (): ChangeFeed => {
    if (feed) return feed;
    const f = createChangeFeed({
      redis: o.redis,
      channelOf: (showtimeId) => changesChannel(o.prefix, showtimeId),
      connectionName: o.connectionName,
    });
    f.onMessage((showtimeId, raw) => {
      const e = entries.get(showtimeId);
      if (!e?.consumers.size) return;
      const message = new ChangeMessage(showtimeId, raw);
      for (const c of e.consumers) {
        try {
          c.onMessage(showtimeId, message);
        } catch (err) {
          o.logger.error({ err, showtimeId }, 'inventory change consumer failed');
        }
      }
    });
    f.onLost((why) => {
      // Whatever Redis confirmed before may be gone: the next subscribe asks again.
      for (const e of entries.values()) e.confirmed = null;
      for (const c of consumers) c.onLost(why);
    });
    f.onRestored(() => {
      for (const c of consumers) c.onRestored();
    });
    feed = f;
    return f;
  };

  const subscribe = (c: Consumer, showtimeId: string): Promise<void> => {
    const f = connection();
    c.showtimes.add(showtimeId);
    let e = entries.get(showtimeId);
    if (!e) entries.set(showtimeId, (e = { consumers: new Set(), confirmed: null, tail: Promise.resolve() }));
    e.consumers.add(c);
    if (e.confirmed) return e.confirmed;
    const entry = e;
    const confirmed = e.tail.then(() => f.subscribe(showtimeId));
    entry.confirmed = confirmed;
    entry.tail = confirmed.catch(noop);
    // A failed subscribe is not a confirmation: the consumer's retry asks Redis again.
    confirmed.catch(() => {
      if (entry.confirmed === confirmed) entry.confirmed = null;
    });
    return confirmed;
  };

  /** The consumer no longer follows the showtime; the channel goes when nobody does. */
  const unsubscribe = (c: Consumer, showtimeId: string): Promise<void> => {
    c.showtimes.delete(showtimeId);
    const e = entries.get(showtimeId);
    if (!e?.consumers.delete(c) || e.consumers.size || !feed) return Promise.resolve();
    const f = feed;
    e.confirmed = null;
    const done = e.tail.then(() => f.unsubscribe(showtimeId));
    const tail = (e.tail = done.catch(noop));
    void tail.then(() => {
      if (!e.consumers.size && e.tail === tail && entries.get(showtimeId) === e) entries.delete(showtimeId);
    });
    return done;
  };

  const close = async (c: Consumer): Promise<void> => {
    if (!c.open) return;
    c.open = false;
    consumers.delete(c);
    if (consumers.size) {
      await Promise.allSettled([...c.showtimes].map((showtimeId) => unsubscribe(c, showtimeId)));
      return;
    }
    // The last consumer: the connection goes (the next consumer opens a new one).
    c.showtimes.clear();
    entries.clear();
    const f = feed;
    feed = null;
    if (f) await f.close();
  };

  return {
    consumer() {
      const c: Consumer = {
        open: true,
        showtimes: new Set(),
        onMessage: noop,
        onLost: noop,
        onRestored: noop,
      };
      consumers.add(c);
      return {
        start: () => (c.open ? connection().start() : Promise.reject(new Error('change feed closed'))),
        ready: () => feed?.ready() ?? false,
        subscribe: (showtimeId) =>
          c.open ? subscribe(c, showtimeId) : Promise.reject(new Error('change feed closed')),
        unsubscribe: (showtimeId) => unsubscribe(c, showtimeId),
        onMessage(listener) {
          c.onMessage = listener;
        },
        onLost(listener) {
          c.onLost = listener;
        },
        onRestored(listener) {
          c.onRestored = listener;
        },
        close: () => close(c),
      };
    },
    followed: () => [...entries].filter(([, e]) => e.consumers.size > 0).map(([id]) => id),
  };
}
