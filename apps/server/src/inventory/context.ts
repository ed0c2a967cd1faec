import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '../db/prisma.ts';
import type { Redis } from '../db/redis.ts';
import { DomainError } from '../domain/errors.ts';
import { showtimeOfHold, type HoldRecord } from '../domain/hold.ts';
import type { Logger } from '../observability/logger.ts';
import type { SoldOutGate } from './gate.ts';
import { bucketSlotIds, changesChannel, showtimeKeys, type ShowtimeKeys } from './keys.ts';
import { registerScripts, runScript, type Reply, type ScriptName } from './scripts.ts';

export interface InventoryDeps {
  redis: Redis;
  prisma: PrismaClient;
  /** Redis key prefix (config.redisPrefix). */
  prefix: string;
  logger: Logger;
  /** The clock (ms). Scripts receive `now` from here, so tests can move time without sleeping. */
  now?: () => number;
  /**
   * Derives hold tokens (HMAC of the hold id), so a replayed request can be answered with the same token while
   * only the token's sha256 is stored. Every node must share it; a random per-process secret is the default.
   */
  tokenSecret?: string;
  /** The node's sold-out gate (optional: without it every request goes to Redis). */
  gate?: SoldOutGate;
  /** Upper bound of `extend` (config.holdExtensionSeconds). */
  maxExtensionSeconds?: number;
  /** How long an idempotency key is remembered (default 24 h). */
  idempotencyTtlMs?: number;
}

/** What every part of one inventory shares: its clients, clock, key cache and script runner. */
export interface InventoryContext {
  readonly redis: Redis;
  readonly prisma: PrismaClient;
  readonly prefix: string;
  readonly logger: Logger;
  readonly now: () => number;
  readonly gate: SoldOutGate | undefined;
  readonly maxExtensionSeconds: number;
  readonly idempotencyTtlMs: number;
  /** The showtime's keys (cached: built once per showtime, not per call). */
  keys: (showtimeId: string) => ShowtimeKeys;
  /** Runs a script with the ARGV every script starts with (now, showtime id, its channel) before `args`. */
  run: (
    name: ScriptName,
    showtimeId: string,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ) => Promise<Reply>;
  /**
   * Runs a script on another slot of the showtime (a GA bucket, `keys.ts` `bucketSlotIds`): ARGV carries the
   * showtime's id (hold records, outbox entries and changes name the showtime) and the slot's own channel (a script
   * may only publish on its keys' slot).
   */
  runIn: (
    name: ScriptName,
    showtimeId: string,
    slotId: string,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ) => Promise<Reply>;
  /** The token a hold id was issued with (derived, never stored). */
  tokenFor: (holdId: string) => string;
  isLoaded: (showtimeId: string) => Promise<boolean>;
  /** The showtime's number of GA buckets when this node knows it (read once per showtime: it never changes). */
  bucketCount: (showtimeId: string) => number | undefined;
  /** The showtime's number of GA buckets from its live meta (1 while it is not loaded; remembered once loaded). */
  resolveBuckets: (showtimeId: string) => Promise<number>;
  /** The slot ids of a bucketed showtime's K buckets, in bucket order (computed once per showtime). */
  bucketSlots: (showtimeId: string, buckets: number) => readonly string[];
}

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export function createContext(deps: InventoryDeps): InventoryContext {
  const { redis, prefix } = deps;
  const now = deps.now ?? Date.now;
  const tokenSecret = deps.tokenSecret ?? randomBytes(32).toString('hex');
  const tokenMac = hmacSha256(tokenSecret);
  registerScripts(redis);

  const keyCache = new Map<string, ShowtimeKeys>();
  const keys = (showtimeId: string): ShowtimeKeys => {
    let k = keyCache.get(showtimeId);
    if (!k) {
      k = showtimeKeys(prefix, showtimeId);
      if (keyCache.size > 10_000) keyCache.clear();
      keyCache.set(showtimeId, k);
    }
    return k;
  };

  // The showtime's channel name, built once per showtime like its keys (the hot path allocates nothing for it).
  const channelCache = new Map<string, string>();
  const channelOf = (showtimeId: string): string => {
    let ch = channelCache.get(showtimeId);
    if (ch === undefined) {
      ch = changesChannel(prefix, showtimeId);
      if (channelCache.size > 10_000) channelCache.clear();
      channelCache.set(showtimeId, ch);
    }
    return ch;
  };

  const bucketCounts = new Map<string, number>();
  const resolveBuckets = async (showtimeId: string): Promise<number> => {
    const known = bucketCounts.get(showtimeId);
    if (known !== undefined) return known;
    const [version, k] = await redis.hmget(keys(showtimeId).meta, 'version', 'gaBuckets');
    const n = Math.max(1, Number(k ?? 1) || 1);
    if (version !== null && version !== undefined) {
      if (bucketCounts.size > 10_000) bucketCounts.clear();
      bucketCounts.set(showtimeId, n);
    }
    return n;
  };
  const slotCache = new Map<string, readonly string[]>();
  const bucketSlots = (showtimeId: string, buckets: number): readonly string[] => {
    const cacheKey = `${showtimeId}/${buckets}`;
    let ids = slotCache.get(cacheKey);
    if (!ids) {
      ids = bucketSlotIds(showtimeId, buckets);
      if (slotCache.size > 10_000) slotCache.clear();
      slotCache.set(cacheKey, ids);
    }
    return ids;
  };

  return {
    redis,
    prisma: deps.prisma,
    prefix,
    logger: deps.logger,
    now,
    gate: deps.gate,
    maxExtensionSeconds: deps.maxExtensionSeconds ?? 300,
    idempotencyTtlMs: deps.idempotencyTtlMs ?? IDEMPOTENCY_TTL_MS,
    keys,
    run: (name, showtimeId, k, args) =>
      runScript(redis, name, k, [now(), showtimeId, channelOf(showtimeId), ...args]),
    runIn: (name, showtimeId, slotId, k, args) =>
      runScript(redis, name, k, [now(), showtimeId, channelOf(slotId), ...args]),
    tokenFor: (holdId) => `ht_${tokenMac(holdId)}`,
    isLoaded: async (showtimeId) => (await redis.exists(keys(showtimeId).meta)) === 1,
    bucketCount: (showtimeId) => bucketCounts.get(showtimeId),
    resolveBuckets,
    bucketSlots,
  };
}

export const sha256 = (s: string): string => hash('sha256', s, 'hex');

/**
 * HMAC-SHA256 under one key, as base64url — the same bytes as `createHmac('sha256', key)`, computed as the RFC 2104
 * construction over two one-shot `crypto.hash` calls with the padded keys prepared once: a hold's token is derived
 * on every hold, and an `Hmac` object per call cost ~10 µs here against ~2 µs.
 */
export function hmacSha256(key: string): (message: string) => string {
  let k = Buffer.from(key, 'utf8');
  if (k.length > 64) k = hash('sha256', k, 'buffer');
  const ipad = Buffer.alloc(64, 0x36);
  const opad = Buffer.alloc(64, 0x5c);
  for (let i = 0; i < k.length; i++) {
    ipad[i]! ^= k[i]!;
    opad[i]! ^= k[i]!;
  }
  return (message) => {
    const inner = hash('sha256', Buffer.concat([ipad, Buffer.from(message, 'utf8')]), 'buffer');
    return hash('sha256', Buffer.concat([opad, inner]), 'base64url');
  };
}

/** Constant-time comparison of two hashes. */
export function sameHash(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** A hold record as stored in the holds hash. */
export function parseHold(json: string): HoldRecord {
  const h = JSON.parse(json) as HoldRecord;
  if (!Array.isArray(h.items)) h.items = [];
  return h;
}

/** The showtime a hold id belongs to; throws `hold_not_found` for an id that cannot be one of ours. */
export function showtimeFromHold(holdId: string): string {
  const st = showtimeOfHold(holdId);
  if (!st || !/^[A-Za-z0-9_-]{1,64}$/.test(st)) throw new DomainError('hold_not_found');
  return st;
}
