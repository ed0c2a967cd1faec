import type { Redis } from '../db/redis.ts';
import { DomainError } from '../domain/errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Change, ChangeFeed, WireChange } from './changes.ts';
import { createChangeFollows, type ChangeFollows, type ChangeMessage } from './change-follows.ts';
import { showtimeKeys } from './keys.ts';

/** The gate target of seat holds (zones use their key). */
export const GATE_SEATS = '*seats';

/**
 * The node-local sold-out gate. Every inventory script publishes the availability it changed on its showtime's
 * channel; the gate follows the channels of the showtimes this node serves — from the first hold request (or
 * availability read) for a showtime, until it has seen none for `idleMs` — on the node's shared subscriptions
 * (`follows`, inventory/change-follows.ts: one subscription per showtime with the fan-out), and remembers,
 * per showtime and zone (and per showtime for "every seat is taken"), whether nothing is left. While that is so,
 * hold requests are answered `sold_out` from memory without a Redis call; the first message showing availability
 * again (expiry, release, refund, unblock, rebuild) reopens it at once.
 *
 * Never closed longer than that propagation: flags count only once the showtime's subscription is confirmed and
 * its version read AFTER that (its `base`: every later change arrives); a flag closes only on a message, or on a
 * refusal at or past the base, newer than what the gate knew; all flags drop with a subscription connection and
 * count again after re-confirming; a flag older than `maxClosedMs` is re-checked by the next request. Until then
 * the gate says "not sold out" and Redis answers.
 *
 * A retry is not turned away: every hold's change carries its request tag, and a request whose tag the gate has
 * seen goes to Redis, which answers it with its hold (on whichever node the hold was made); the node's own holds
 * are noted at once (`noteHeld`), and tags outlive a lost subscription. The gap left: a retry of a hold another
 * node made before this node followed the showtime, or while its subscription was down, gets "sold out" while the
 * zone is sold out — the buyer's seat map still shows the hold ("my holds" on join).
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
   * Changes whenever the showtime may have changed (null until the showtime's subscription is confirmed, and while
   * it is down; asking follows the showtime). A value cached under a stamp is current as long as the stamp is the
   * same.
   */
  stamp(showtimeId: string): string | null;
  /** The subscription connection is up and every showtime followed is confirmed (its flags are trusted). */
  healthy(): boolean;
  /** The showtimes whose channel is followed and confirmed (for tests and operators). */
  following(): string[];
  /**
   * Every change published by any node or worker for a showtime this gate follows. Returns an unsubscribe
   * function.
   */
  onChange(listener: (showtimeId: string, change: Change) => void): () => void;
  /** The change subscriptions it follows on: the fan-out's consumer shares them (one per showtime per node). */
  readonly follows: ChangeFollows;
}

interface Flag {
  closed: boolean;
  version: number;
  at: number;
}

/** A showtime's subscription: not followed, being confirmed (or waiting for the connection), confirmed. */
const [NONE, WAITING, LIVE] = [0, 1, 2] as const;

interface ShowtimeState {
  sub: typeof NONE | typeof WAITING | typeof LIVE;
  /** A subscribe + version read is on its way. */
  confirming: boolean;
  /** The showtime's version read after its subscription was confirmed: refusals older than it are not trusted. */
  base: number;
  /** Which confirmation this is (a gate-wide counter): part of the stamp, so a re-follow never repeats a stamp. */
  gen: number;
  seq: number;
  /** Asked about since the last idle tick; `idleTicks` ticks without that and the showtime is unfollowed. */
  used: boolean;
  idleTicks: number;
  flags: Map<string, Flag>;
  errors: Map<string, DomainError>;
  /** Request tags of holds seen on the channel, in two generations of at most TAGS_PER_GENERATION each. */
  tags: Set<number>;
  olderTags: Set<number>;
}

const TAGS_PER_GENERATION = 100_000;
const TICK_MS = 1000;

export interface GateOptions {
  /** A client to duplicate for the subscription (the gate owns and closes the duplicate), and to read versions. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** After this long a closed flag is re-checked against Redis by one request (default 5 s). */
  maxClosedMs?: number;
  /** A showtime nobody asked about for this long is unfollowed (default 10 min). */
  idleMs?: number;
  /** The change subscriptions to follow on (default: new ones, on a connection `<prefix>-changes`). */
  follows?: ChangeFollows;
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

function newState(): ShowtimeState {
  return {
    sub: NONE,
    confirming: false,
    base: 0,
    gen: 0,
    seq: 0,
    used: true,
    idleTicks: 0,
    flags: new Map(),
    errors: new Map(),
    tags: new Set(),
    olderTags: new Set(),
  };
}

function setFlag(
  s: ShowtimeState,
  target: string,
  closed: boolean,
  version: number,
  force: boolean,
  at: number,
) {
  const f = s.flags.get(target);
  if (force || !f || version > f.version) s.flags.set(target, { closed, version, at });
}

/** What a published change of the showtime tells its flags (sold out or not, per zone and seats) and its tags. */
function applyChange(s: ShowtimeState, msg: WireChange, at: number): void {
  s.seq++;
  const load = msg.t === 'load';
  if (load) {
    s.flags.clear();
    // A rebuild may restart the versions; every change after it reaches the gate (it is subscribed).
    s.base = msg.v;
  }
  if (msg.z)
    for (const [zone, counts] of Object.entries(msg.z)) setFlag(s, zone, counts[0] <= 0, msg.v, load, at);
  if (msg.sa !== undefined) setFlag(s, GATE_SEATS, msg.sa <= 0, msg.v, load, at);
  if (Array.isArray(msg.rk)) for (const tag of msg.rk) if (typeof tag === 'number') addTag(s, tag);
}

interface Subscriptions {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Starts following a showtime the node was asked about (once; the confirmation runs in the background). */
  follow(showtimeId: string): void;
  healthy(): boolean;
}

/**
 * The gate's side of the change channels: which showtimes are followed, and whether each is confirmed (LIVE). A
 * showtime is confirmed by subscribing and then reading its version (its `base`); a lost connection sends every
 * showtime back to WAITING (flags dropped) until its return, when each is confirmed again; one that nobody asked
 * about for `idleTicks` ticks is unfollowed. Failed confirmations are retried every tick.
 */
function followShowtimes(
  opts: GateOptions,
  follows: ChangeFollows,
  showtimes: Map<string, ShowtimeState>,
  onMessage: (showtimeId: string, message: ChangeMessage) => void,
): Subscriptions {
  const idleTicks = Math.max(1, Math.ceil((opts.idleMs ?? 600_000) / TICK_MS));
  let feed: ChangeFeed<ChangeMessage> | null = null;
  let tick: NodeJS.Timeout | null = null;
  /** The connection is up (no loss since it was last restored). */
  let up = false;
  /** Counts connection losses: a confirmation that saw one go by is not trusted. */
  let losses = 0;
  let generation = 0;
  let stopping = false;

  const unfollow = (showtimeId: string): void =>
    void feed
      ?.unsubscribe(showtimeId)
      .catch((err: unknown) => opts.logger.warn({ err, showtimeId }, 'sold-out gate: unfollow failed'));

  /** Subscribes, then reads the version: from then on every change of the showtime reaches the gate. */
  const confirm = async (showtimeId: string, s: ShowtimeState): Promise<void> => {
    if (s.confirming || !feed || stopping) return;
    s.confirming = true;
    const lossesBefore = losses;
    let ok = false;
    try {
      await feed.subscribe(showtimeId);
      const version = await opts.redis.hget(showtimeKeys(opts.prefix, showtimeId).meta, 'version');
      if (showtimes.get(showtimeId) !== s || stopping) return;
      if (version === null) {
        // Not loaded, or no such showtime (the ids come from requests): no lasting subscription for it; the next
        // request asks again.
        s.sub = NONE;
        if (!s.tags.size && !s.olderTags.size) showtimes.delete(showtimeId);
        unfollow(showtimeId);
        return;
      }
      if (losses === lossesBefore && up) {
        s.base = Number(version);
        s.gen = ++generation;
        s.sub = LIVE;
      }
      ok = true;
    } catch (err) {
      // The tick tries again (and the connection's return does).
      if (!stopping) opts.logger.warn({ err, showtimeId }, 'sold-out gate: following a showtime failed');
    } finally {
      s.confirming = false;
    }
    // A connection loss went by during the confirmation: confirm again once the connection is back.
    if (ok && s.sub === WAITING && up) void confirm(showtimeId, s);
  };

  const lost = (why: string) => {
    losses++;
    if (up) opts.logger.warn({ why }, 'sold-out gate paused: inventory subscription lost');
    up = false;
    // Flags may be stale now; the request tags are facts about holds made, and stay.
    for (const s of showtimes.values()) {
      s.flags.clear();
      if (s.sub === LIVE) s.sub = WAITING;
    }
  };

  const restored = () => {
    if (stopping) return;
    up = true;
    // ioredis re-sent the subscriptions by itself; subscribing again confirms them before flags are trusted.
    for (const [showtimeId, s] of showtimes) if (s.sub === WAITING) void confirm(showtimeId, s);
  };

  const onTick = () => {
    // A loss whose return was not announced (a node list refresh, say): the connection says it is up, so try; each
    // showtime's confirmation decides (it fails, or fails to count, while a subscriber is really down).
    if (!up && feed?.ready()) restored();
    for (const [showtimeId, s] of showtimes) {
      if (s.used) {
        s.used = false;
        s.idleTicks = 0;
      } else if (++s.idleTicks >= idleTicks && !s.confirming) {
        // Nobody asked for a while: stop receiving (and decoding) the showtime's changes.
        showtimes.delete(showtimeId);
        if (s.sub !== NONE) unfollow(showtimeId);
        continue;
      }
      if (s.sub === WAITING && up) void confirm(showtimeId, s);
    }
  };

  return {
    async start() {
      if (feed) return;
      stopping = false;
      const f = follows.consumer();
      feed = f;
      f.onMessage(onMessage);
      f.onLost(lost);
      f.onRestored(restored);
      await f.start();
      up = true;
      tick = setInterval(onTick, TICK_MS).unref();
    },
    async stop() {
      stopping = true;
      up = false;
      if (tick) clearInterval(tick);
      tick = null;
      const f = feed;
      feed = null;
      if (f) await f.close();
    },
    follow(showtimeId) {
      if (!feed || stopping) return;
      let s = showtimes.get(showtimeId);
      if (!s) showtimes.set(showtimeId, (s = newState()));
      s.used = true;
      if (s.sub !== NONE) return;
      s.sub = WAITING;
      void confirm(showtimeId, s);
    },
    healthy: () => up && ![...showtimes.values()].some((s) => s.sub === WAITING),
  };
}

export function createSoldOutGate(opts: GateOptions): SoldOutGate {
  const now = opts.now ?? Date.now;
  const maxClosedMs = opts.maxClosedMs ?? 5000;
  const showtimes = new Map<string, ShowtimeState>();
  const listeners = new Set<(showtimeId: string, change: Change) => void>();

  const state = (showtimeId: string): ShowtimeState => {
    let s = showtimes.get(showtimeId);
    if (!s) showtimes.set(showtimeId, (s = newState()));
    return s;
  };

  const follows = opts.follows ?? createChangeFollows({ ...opts, connectionName: `${opts.prefix}-changes` });
  const subs = followShowtimes(opts, follows, showtimes, (showtimeId, message) => {
    const s = showtimes.get(showtimeId);
    if (!s || s.sub === NONE) return;
    const msg = message.wire;
    if (!msg) {
      opts.logger.error({ raw: message.raw.slice(0, 200) }, 'unparseable inventory message');
      return;
    }
    applyChange(s, msg, now());
    if (!listeners.size) return;
    for (const l of listeners) {
      try {
        l(showtimeId, message.change!);
      } catch (err) {
        opts.logger.error({ err }, 'inventory change listener failed');
      }
    }
  });

  return {
    start: () => subs.start(),
    async stop() {
      await subs.stop();
      showtimes.clear();
    },
    isSoldOut(showtimeId, target) {
      const s = showtimes.get(showtimeId);
      if (s === undefined || s.sub !== LIVE) {
        subs.follow(showtimeId);
        return false;
      }
      s.used = true;
      const f = s.flags.get(target);
      if (!f?.closed) return false;
      if (now() - f.at > maxClosedMs) {
        s.flags.delete(target);
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
      const s = showtimes.get(showtimeId);
      // Before the base, changes between the refusal and the subscription may have gone unseen.
      if (s?.sub !== LIVE || !Number.isFinite(version) || version < s.base) return;
      setFlag(s, target, true, version, false, now());
    },
    mayHaveHeld(showtimeId, tag) {
      const s = showtimes.get(showtimeId);
      return !!s && (s.tags.has(tag) || s.olderTags.has(tag));
    },
    noteHeld(showtimeId, tag) {
      addTag(state(showtimeId), tag);
    },
    stamp(showtimeId) {
      const s = showtimes.get(showtimeId);
      if (s === undefined || s.sub !== LIVE) {
        subs.follow(showtimeId);
        return null;
      }
      s.used = true;
      return `${s.gen}:${s.seq}`;
    },
    healthy: () => subs.healthy(),
    follows,
    following: () => [...showtimes].filter(([, s]) => s.sub === LIVE).map(([id]) => id),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
