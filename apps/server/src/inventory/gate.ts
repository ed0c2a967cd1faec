import type { Redis } from '../db/redis.ts';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import { decodeChange, type Change, type WireChange } from './changes.ts';
import { inventoryChannel } from './keys.ts';

/** The gate target of seat holds (zones use their key). */
export const GATE_SEATS = '*seats';

/**
 * The node-local sold-out gate. Every inventory script publishes the availability it changed; the gate follows
 * that channel on its own connection and remembers, per showtime and zone (and per showtime for "every seat is
 * taken"), whether nothing is left. While that is so, hold requests are answered `sold_out` from memory without
 * a Redis call; the first message showing availability again (expiry, release, refund, unblock, rebuild) reopens
 * it at once.
 *
 * Never closed longer than that propagation: a closed flag is set only from a message or a refusal newer than
 * what the gate knew (versions), every flag is dropped when the subscription drops (messages may have been
 * missed), and a flag older than `maxClosedMs` is re-checked against Redis by the next request.
 *
 * A retry is not turned away: every hold's change carries its request tag, and a request whose tag the gate has
 * seen goes to Redis, which answers it with its hold (on whichever node the hold was made); the node's own holds
 * are noted at once (`noteHeld`), and tags outlive a lost subscription. The gap left: a retry of a hold another
 * node made before this node started, or while its subscription was down, gets "sold out" while the zone is sold
 * out — the buyer's seat map still shows the hold ("my holds" on join).
 */
export interface SoldOutGate {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True when a hold for `target` (a zone key, or `GATE_SEATS`) can be refused from memory. */
  isSoldOut(showtimeId: string, target: string): boolean;
  /** The error to answer with (shared instance per target: no stack trace per refused request). */
  soldOutError(showtimeId: string, target: string): DomainError;
  /** A script refused with sold-out at `version`. */
  noteSoldOut(showtimeId: string, target: string, version: number): void;
  /**
   * Whether a hold with this request tag (`requestTag`) was made since the gate subscribed: such a request is a
   * retry and must get its hold from Redis, not "sold out" from memory. False positives are harmless.
   */
  mayHaveHeld(showtimeId: string, tag: number): boolean;
  /** This node answered a request with a hold (known before its change arrives on the channel). */
  noteHeld(showtimeId: string, tag: number): void;
  /**
   * Changes whenever the showtime may have changed (null while the subscription is down). A value cached under
   * a stamp is current as long as the stamp is the same.
   */
  stamp(showtimeId: string): string | null;
  healthy(): boolean;
  /** Every change published by any node or worker (for the real-time layer). Returns an unsubscribe function. */
  onChange(listener: (showtimeId: string, change: Change) => void): () => void;
}

interface Flag {
  closed: boolean;
  version: number;
  at: number;
}

interface ShowtimeState {
  seq: number;
  flags: Map<string, Flag>;
  errors: Map<string, DomainError>;
  /** Request tags of holds seen on the channel, in two generations of at most TAGS_PER_GENERATION each. */
  tags: Set<number>;
  olderTags: Set<number>;
}

const TAGS_PER_GENERATION = 100_000;

export interface GateOptions {
  /** A client to duplicate for the subscription (the gate owns and closes the duplicate). */
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** After this long a closed flag is re-checked against Redis by one request (default 5 s). */
  maxClosedMs?: number;
  now?: () => number;
}

/** Remembers a request tag; the older generation is dropped when the newer one is full. */
function addTag(s: ShowtimeState, tag: number): void {
  if (s.tags.size >= TAGS_PER_GENERATION) {
    s.olderTags = s.tags;
    s.tags = new Set();
  }
  s.tags.add(tag);
}

export function createSoldOutGate(opts: GateOptions): SoldOutGate {
  const now = opts.now ?? Date.now;
  const maxClosedMs = opts.maxClosedMs ?? 5000;
  const channel = inventoryChannel(opts.prefix);
  const showtimes = new Map<string, ShowtimeState>();
  const listeners = new Set<(showtimeId: string, change: Change) => void>();
  let sub: Redis | null = null;
  let isHealthy = false;
  let epoch = 0;
  let stopping = false;

  const state = (showtimeId: string): ShowtimeState => {
    let s = showtimes.get(showtimeId);
    if (!s) {
      s = { seq: 0, flags: new Map(), errors: new Map(), tags: new Set(), olderTags: new Set() };
      showtimes.set(showtimeId, s);
    }
    return s;
  };

  const setFlag = (s: ShowtimeState, target: string, closed: boolean, version: number, force: boolean) => {
    const f = s.flags.get(target);
    if (force || !f || version > f.version) s.flags.set(target, { closed, version, at: now() });
  };

  const unhealthy = (why: string) => {
    if (isHealthy) opts.logger.warn({ why }, 'sold-out gate paused: inventory subscription lost');
    isHealthy = false;
    epoch++;
    // Flags may be stale now; the request tags are facts about holds made, and stay.
    for (const s of showtimes.values()) s.flags.clear();
  };

  const onMessage = (ch: string, raw: string) => {
    if (ch !== channel) return;
    let msg: WireChange;
    try {
      msg = JSON.parse(raw) as WireChange;
    } catch {
      opts.logger.error({ raw: raw.slice(0, 200) }, 'unparseable inventory message');
      return;
    }
    const s = state(msg.s);
    s.seq++;
    const load = msg.t === 'load';
    if (load) s.flags.clear();
    if (msg.z)
      for (const [zone, counts] of Object.entries(msg.z)) setFlag(s, zone, counts[0] <= 0, msg.v, load);
    if (msg.sa !== undefined) setFlag(s, GATE_SEATS, msg.sa <= 0, msg.v, load);
    if (Array.isArray(msg.rk)) for (const tag of msg.rk) if (typeof tag === 'number') addTag(s, tag);
    if (listeners.size) {
      const change = decodeChange(msg);
      for (const l of listeners) {
        try {
          l(msg.s, change);
        } catch (err) {
          opts.logger.error({ err }, 'inventory change listener failed');
        }
      }
    }
  };

  const subscribe = async () => {
    if (!sub || stopping) return;
    try {
      await sub.subscribe(channel);
      epoch++;
      isHealthy = true;
    } catch (err) {
      unhealthy((err as Error).message);
    }
  };

  return {
    async start() {
      if (sub) return;
      // Named so operators (and tests) can find it in CLIENT LIST.
      sub = opts.redis.duplicate({ lazyConnect: true, connectionName: `${opts.prefix}-sold-out-gate` });
      sub.on('message', onMessage);
      sub.on('error', (err: Error) => opts.logger.warn({ err: err.message }, 'inventory subscription error'));
      sub.on('close', () => unhealthy('connection closed'));
      sub.on('reconnecting', () => unhealthy('reconnecting'));
      sub.on('ready', () => {
        // After a reconnect ioredis resubscribes by itself; subscribing again confirms it before trusting flags.
        if (!isHealthy) void subscribe();
      });
      await sub.connect();
      await subscribe();
    },
    async stop() {
      stopping = true;
      isHealthy = false;
      showtimes.clear();
      const s = sub;
      sub = null;
      if (s) {
        s.removeAllListeners('message');
        await s.quit().catch(() => s.disconnect());
      }
    },
    isSoldOut(showtimeId, target) {
      if (!isHealthy) return false;
      const s = showtimes.get(showtimeId);
      const f = s?.flags.get(target);
      if (!f?.closed) return false;
      if (now() - f.at > maxClosedMs) {
        s!.flags.delete(target);
        return false;
      }
      return true;
    },
    soldOutError(showtimeId, target) {
      const s = state(showtimeId);
      let e = s.errors.get(target);
      if (!e) {
        e = new DomainError(
          'sold_out',
          undefined,
          target === GATE_SEATS ? { available: 0 } : { zone: target, available: 0 },
        );
        s.errors.set(target, e);
      }
      return e;
    },
    noteSoldOut(showtimeId, target, version) {
      if (!isHealthy || !Number.isFinite(version)) return;
      setFlag(state(showtimeId), target, true, version, false);
    },
    mayHaveHeld(showtimeId, tag) {
      const s = showtimes.get(showtimeId);
      return !!s && (s.tags.has(tag) || s.olderTags.has(tag));
    },
    noteHeld(showtimeId, tag) {
      addTag(state(showtimeId), tag);
    },
    stamp(showtimeId) {
      if (!isHealthy) return null;
      return `${epoch}:${state(showtimeId).seq}`;
    },
    healthy: () => isHealthy,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
