import type { CategoryCounts, ChangeDto, ZoneCounts } from '@seatrush/shared';
import { isCluster, type Redis } from '../db/redis.ts';
import type { ShowtimeKeys } from './keys.ts';

/**
 * The inventory's changes: what every script appends to the change log and publishes on its showtime's channel
 * (the wire form, see lua/include/common.lua), their decoding into `Change`, and the subscription to those
 * channels (`createChangeFeed`). Below the gate and the inventory, which both read them.
 */

export type SaleState = 'scheduled' | 'on_sale' | 'paused' | 'closed';
export type Change = ChangeDto;

/** A change as the scripts write it (see lua/include/common.lua). */
export interface WireChange {
  s: string;
  v: number;
  t: Change['type'];
  seats?: Array<[string, number, number]>;
  z?: Record<string, [number, number, number, number]>;
  c?: Record<string, [number, number, number, number]>;
  sa?: number;
  x?: Array<{ holdId: string; buyerId: string; reason: 'expired' | 'released'; limitKey?: string }>;
  state?: SaleState;
  /** Request tags of the holds made (hold batches only). */
  rk?: number[];
}

/** The most changes `changesSince` returns; further back, the caller takes a snapshot. */
const CHANGES_MAX = 2000;

/**
 * A short tag of a hold request's idempotency identity (buyer + request id): 30 bits of FNV-1a, a small integer
 * (no allocation, cheap to look up; every sold-out answer computes one). Published with every hold, so a node whose
 * gate says "sold out" still sends a retry of a hold made elsewhere to Redis. A collision only costs one Redis call.
 */
export function requestTag(buyerId: string, requestId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < buyerId.length; i++) h = Math.imul(h ^ buyerId.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0x7c, 0x01000193); // '|'
  for (let i = 0; i < requestId.length; i++) h = Math.imul(h ^ requestId.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff;
}

export function decodeChange(w: WireChange): Change {
  const zones: Record<string, ZoneCounts> = {};
  for (const [zone, [available, held, sold, capacity]] of Object.entries(w.z ?? {}))
    zones[zone] = { capacity, available, held, sold };
  const categories: Record<string, CategoryCounts> = {};
  for (const [cat, [available, held, sold, blocked]] of Object.entries(w.c ?? {}))
    categories[cat] = { available, held, sold, blocked };
  const change: Change = {
    version: w.v,
    type: w.t,
    seats: Array.isArray(w.seats) ? w.seats : [],
    zones,
    categories,
    endedHolds: Array.isArray(w.x) ? w.x : [],
  };
  if (w.sa !== undefined) change.seatsAvailable = w.sa;
  if (w.state) change.state = w.state;
  return change;
}

/**
 * A message of a change channel, decoded: the showtime, its version after the change, and the change; null
 * when the message is not a change.
 */
export function parseChangeMessage(
  message: string,
): { showtimeId: string; version: number; change: Change } | null {
  let w: WireChange;
  try {
    w = JSON.parse(message) as WireChange;
  } catch {
    return null;
  }
  if (typeof w !== 'object' || w === null || typeof w.s !== 'string' || typeof w.v !== 'number') return null;
  return { showtimeId: w.s, version: w.v, change: decodeChange(w) };
}

/**
 * The changes after `version` from the showtime's change log, or null when the log no longer reaches back that
 * far, the version is ahead of the showtime's, or nothing is loaded (the caller takes a snapshot).
 */
export async function readChangesSince(
  redis: Redis,
  k: ShowtimeKeys,
  version: number,
): Promise<{ from: number; to: number; changes: Change[] } | null> {
  const res = await redis
    .multi()
    .hget(k.meta, 'version')
    .xrange(k.log, `${version + 1}-1`, '+', 'COUNT', CHANGES_MAX + 1)
    .exec();
  if (!res) throw new Error('changes transaction aborted');
  for (const [err] of res) if (err) throw err;
  const current = res[0]![1] as string | null;
  if (current === null) return null;
  const to = Number(current);
  if (version === to) return { from: version, to, changes: [] };
  if (version > to) return null;
  const entries = res[1]![1] as Array<[string, string[]]>;
  if (!entries.length || entries.length > CHANGES_MAX) return null;
  if (Number(entries[0]![0].split('-')[0]) !== version + 1) return null;
  const changes = entries.map(([, fields]) => decodeChange(JSON.parse(fields[1]!) as WireChange));
  return { from: version, to: changes[changes.length - 1]!.version, changes };
}

/**
 * A subscription to showtimes' change channels (sharded pub/sub: SSUBSCRIBE), one showtime at a time, on its own
 * connection. On a single Redis that is one connection; on a cluster ioredis keeps one subscriber connection per
 * master (`shardedSubscribers`) and sends each SSUBSCRIBE to the master of the channel's slot, so a node receives
 * only the showtimes it follows, each from the master that runs its scripts.
 */
export interface ChangeFeed<M = string> {
  /** Connects (otherwise the first `subscribe` does). */
  start(): Promise<void>;
  /** The connection is up (on a cluster: the client; a master's subscriber may still be coming back). */
  ready(): boolean;
  /** Follows a showtime; resolves once Redis confirmed it: every change published after that arrives. */
  subscribe(showtimeId: string): Promise<void>;
  /** Stops following a showtime (its messages stop arriving; one already on the wire is dropped here). */
  unsubscribe(showtimeId: string): Promise<void>;
  /**
   * The messages of followed showtimes (raw from `createChangeFeed`; parsed once per node from a consumer of
   * `createChangeFollows`). One listener.
   */
  onMessage(listener: (showtimeId: string, message: M) => void): void;
  /** Messages may have been lost (a connection dropped): whatever was learnt from them may be stale. */
  onLost(listener: (why: string) => void): void;
  /**
   * The connection(s) are back and ioredis re-sent the subscriptions by itself; a consumer that must know they are
   * in force subscribes again (Redis confirms a subscription that is already there).
   */
  onRestored(listener: () => void): void;
  close(): Promise<void>;
}

export interface ChangeFeedOptions {
  /** A client to duplicate (the feed owns and closes the duplicate). */
  redis: Redis;
  /** The showtime's channel (keys.ts `changesChannel`). */
  channelOf: (showtimeId: string) => string;
  /** Shown in CLIENT LIST (on a cluster inside ioredis' `ioredis-cluster(ssubscriber):<name>`). */
  connectionName: string;
}

export function createChangeFeed(opts: ChangeFeedOptions): ChangeFeed {
  const cluster = isCluster(opts.redis);
  const sub: Redis = isCluster(opts.redis)
    ? opts.redis.duplicate(undefined, {
        lazyConnect: true,
        shardedSubscribers: true,
        redisOptions: { ...opts.redis.options.redisOptions, connectionName: opts.connectionName },
      })
    : opts.redis.duplicate({ lazyConnect: true, connectionName: opts.connectionName });
  /** channel → showtime id, for the showtimes followed (a message of any other channel is ignored). */
  const showtimeOf = new Map<string, string>();
  let onMessage: (showtimeId: string, message: string) => void = () => undefined;
  let onLost: (why: string) => void = () => undefined;
  let onRestored: () => void = () => undefined;
  let connecting: Promise<void> | null = null;
  let closed = false;

  sub.on('smessage', (channel: string, message: string) => {
    const showtimeId = showtimeOf.get(channel);
    if (showtimeId !== undefined) onMessage(showtimeId, message);
  });
  sub.on('error', () => undefined); // the consumers hear about it through onLost; ioredis reconnects
  sub.on('close', () => onLost('connection closed'));
  sub.on('reconnecting', () => onLost('reconnecting'));
  sub.on('ready', () => onRestored());
  if (cluster) {
    // A master's subscriber connection ended (ioredis replaces it after a slots refresh, then says so).
    sub.on('-node', () => onLost('a subscriber connection ended'));
    sub.on('subscribersReady', () => onRestored());
  }

  const connect = (): Promise<void> =>
    (connecting ??= sub.connect().catch((err: unknown) => {
      connecting = null;
      throw err;
    }));

  return {
    start: connect,
    ready: () => sub.status === 'ready',
    async subscribe(showtimeId) {
      if (closed) throw new Error('change feed closed');
      const channel = opts.channelOf(showtimeId);
      showtimeOf.set(channel, showtimeId);
      await connect();
      await sub.ssubscribe(channel);
    },
    async unsubscribe(showtimeId) {
      const channel = opts.channelOf(showtimeId);
      showtimeOf.delete(channel);
      if (closed) return;
      await sub.sunsubscribe(channel);
    },
    onMessage(listener) {
      onMessage = listener;
    },
    onLost(listener) {
      onLost = listener;
    },
    onRestored(listener) {
      onRestored = listener;
    },
    async close() {
      closed = true;
      showtimeOf.clear();
      sub.removeAllListeners();
      sub.on('error', () => undefined);
      await sub.quit().catch(() => sub.disconnect());
    },
  };
}
