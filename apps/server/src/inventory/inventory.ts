import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AvailabilityDto, CategoryCounts, ChangeDto, ZoneCounts } from '@seatrush/shared';
import type { PrismaClient } from '../db/prisma.ts';
import type { Redis } from '../db/redis.ts';
import { DomainError } from '../domain/errors.ts';
import {
  holdFingerprint,
  makeHoldId,
  showtimeOfHold,
  type HoldAsk,
  type HoldItem,
  type HoldRecord,
  type ReturnItem,
} from '../domain/hold.ts';
import type { Logger } from '../observability/logger.ts';
import { ScriptCode, scriptError, type FailureDetail } from './codes.ts';
import type { SoldOutGate } from './gate.ts';
import {
  buyerHoldsKey,
  holdScriptKeys,
  idempotencyKey,
  inventoryChannel,
  loadedShowtimesKey,
  showtimeKeys,
  stagingKeys,
  STATE_KEY_NAMES,
  type ShowtimeKeys,
} from './keys.ts';
import { buildLoadPlan, writeStaging } from './loader.ts';
import { registerScripts, runScript, type Reply, type ScriptName } from './scripts.ts';

export type { HoldItem, HoldRecord, ReturnItem } from '../domain/hold.ts';

export type SaleState = 'scheduled' | 'on_sale' | 'paused' | 'closed';

export interface HoldRequest {
  buyerId: string;
  /** The client's idempotency key: a retry with the same key answers the same hold. */
  requestId: string;
  seats?: string[];
  zone?: string;
  quantity?: number;
  /**
   * Set by best available (with `seats`, the seats it picked): the buyer asked for `quantity` seats of
   * `category`, so the idempotency fingerprint is that ask and a retry replays the first pick.
   */
  best?: { category: string; quantity: number };
}

export interface HoldResult {
  holdId: string;
  /** The secret capability (only its sha256 is stored). */
  holdToken: string;
  showtimeId: string;
  expiresAt: string;
  items: HoldItem[];
  totalCents: number;
  currency: string;
  /** True when an earlier request with the same idempotency key made this hold. */
  replayed: boolean;
}

/** The live state of a showtime (same shape as the socket snapshot, plus what lets HTTP clients cache labels). */
export type Snapshot = Omit<AvailabilityDto, 'seatLabels'> & { seatLabels: string[] };
export type Change = ChangeDto;

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
  /** Sets the sale state the hold script checks. Throws `sale_not_open` when the showtime is not loaded. */
  setSaleState(showtimeId: string, state: SaleState): Promise<void>;
  /**
   * Holds seats (all or nothing) or a GA quantity for a buyer. Errors: `sale_not_open`, `seat_unknown`,
   * `seat_unavailable` (details.seats), `zone_unknown`, `sold_out`, `limit_exceeded`, `idempotency_conflict`,
   * `hold_expired` / `hold_not_found` (a replayed request whose hold ended), `not_found` (no such showtime),
   * `validation_failed`.
   */
  hold(showtimeId: string, req: HoldRequest): Promise<HoldResult>;
  /**
   * The answer `hold` would give without asking Redis, when the node's sold-out gate already knows it
   * (`sold_out`); null when the request has to go to Redis. Synchronous, for the hot path.
   */
  refusalFromMemory(showtimeId: string, req: HoldRequest): DomainError | null;
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
  /** Held → sold for an order, only while unexpired. Throws `hold_expired`, `hold_not_found`, `conflict`. */
  confirm(holdId: string, orderRef: string): Promise<'confirmed' | 'already_confirmed'>;
  /** After expiry: the same items become sold to the order if all are free. Throws `seat_unavailable` / `sold_out`. */
  reclaim(
    showtimeId: string,
    holdId: string,
    items: HoldItem[],
    buyerId: string,
    orderRef: string,
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
  /** The keys of a showtime (for the orders module's outbox consumer and for tests). */
  keys(showtimeId: string): ShowtimeKeys;
  /** The token a hold id was issued with (for answering replays; never stored). */
  tokenFor(holdId: string): string;
}

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Hold script calls in flight per showtime from one node, and requests per call (see submitHold). */
const HOLD_IN_FLIGHT = 2;
const HOLD_BATCH_MAX = 200;

/** One hold request as hold-11+2n.lua reads it. */
interface WireHoldRequest {
  h: string;
  t: string;
  b: string;
  r: string;
  f: string;
  m: 'seats' | 'ga';
  s?: string[];
  z?: string;
  q?: number;
  /** 1: replay only (see hold-11+2n.lua). */
  o?: 1;
  /** The request tag (`requestTag`), published with the hold for the other nodes' gates. */
  k?: number;
}
interface HoldReply {
  reply: Reply;
  version: number;
}
interface HoldJob {
  wire: WireHoldRequest;
  idemKey: string;
  indexKey: string;
  resolve(r: HoldReply): void;
  reject(err: unknown): void;
}
const MISSING_CACHE_MS = 1000;
const CHANGES_MAX = 2000;

/** Creates the inventory of one node. Cheap; create once per process and share. */
export function createInventory(deps: InventoryDeps): Inventory {
  const { redis, prisma, prefix, logger } = deps;
  const now = deps.now ?? Date.now;
  const tokenSecret = deps.tokenSecret ?? randomBytes(32).toString('hex');
  const maxExtension = deps.maxExtensionSeconds ?? 300;
  const idemTtl = deps.idempotencyTtlMs ?? IDEMPOTENCY_TTL_MS;
  const channel = inventoryChannel(prefix);
  const gate = deps.gate;
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

  const tokenFor = (holdId: string) =>
    `ht_${createHmac('sha256', tokenSecret).update(holdId).digest('base64url')}`;
  const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

  const run = (
    name: ScriptName,
    showtimeId: string,
    k: readonly string[],
    args: ReadonlyArray<string | number>,
  ) => runScript(redis, name, k, [now(), showtimeId, channel, ...args]);

  const fail = (reply: Reply): never => {
    const code = Number(reply[0]) as ScriptCode;
    throw scriptError(code, parseDetail(reply[1]));
  };

  const showtimeFromHold = (holdId: string): string => {
    const st = showtimeOfHold(holdId);
    if (!st || !/^[A-Za-z0-9_-]{1,64}$/.test(st)) throw new DomainError('hold_not_found');
    return st;
  };

  const holdKeys = holdScriptKeys;

  // --- Loading ------------------------------------------------------------------------------------------

  const loading = new Map<string, Promise<{ version: number }>>();
  const missing = new Map<string, { until: number; error: DomainError }>();

  async function loadNow(showtimeId: string, force: boolean): Promise<{ version: number }> {
    const loadId = randomBytes(6).toString('hex');
    const plan = await buildLoadPlan(prisma, showtimeId, now(), loadId);
    for (const w of plan.warnings) logger.warn({ showtimeId }, `inventory load: ${w}`);
    const k = keys(showtimeId);
    const staging = stagingKeys(prefix, showtimeId, loadId);
    await writeStaging(redis, staging, plan);
    const reply = await run(
      'loadCommit',
      showtimeId,
      [...STATE_KEY_NAMES.map((n) => staging[n]), ...STATE_KEY_NAMES.map((n) => k[n]), k.log],
      [force ? '1' : '0'],
    );
    await redis.sadd(loadedShowtimesKey(prefix), showtimeId);
    missing.delete(showtimeId);
    if (Number(reply[0]) === 1 && Object.keys(plan.buyerHolds).length) {
      const p = redis.pipeline();
      for (const [buyerId, ids] of Object.entries(plan.buyerHolds)) {
        const key = buyerHoldsKey(prefix, showtimeId, buyerId);
        p.sadd(key, ...ids).pexpire(key, idemTtl);
      }
      await p.exec();
    }
    if (codeOf(reply) === ScriptCode.AlreadyLoaded) {
      // Someone else loaded it meanwhile; keep theirs, but follow PostgreSQL's sale state.
      await setSaleStateRaw(showtimeId, plan.meta.state as SaleState);
      return { version: await currentVersion(showtimeId) };
    }
    logger.info(
      { showtimeId, version: reply[1], seats: plan.labels.length, holds: plan.expiry.length, force },
      'inventory loaded',
    );
    return { version: Number(reply[1]) };
  }

  async function currentVersion(showtimeId: string): Promise<number> {
    return Number((await redis.hget(keys(showtimeId).meta, 'version')) ?? 0);
  }

  async function load(showtimeId: string, opts: { force?: boolean } = {}): Promise<{ version: number }> {
    const force = opts.force ?? false;
    if (!force && (await isLoaded(showtimeId))) {
      const st = await prisma.showtime.findUnique({ where: { id: showtimeId }, select: { saleState: true } });
      if (!st) throw new DomainError('not_found', 'No such showtime.');
      await setSaleStateRaw(showtimeId, st.saleState);
      return { version: await currentVersion(showtimeId) };
    }
    const pending = loading.get(showtimeId);
    if (pending && !force) return pending;
    const p = loadNow(showtimeId, force).finally(() => loading.delete(showtimeId));
    loading.set(showtimeId, p);
    return p;
  }

  async function isLoaded(showtimeId: string): Promise<boolean> {
    return (await redis.exists(keys(showtimeId).meta)) === 1;
  }

  /**
   * Called when a script finds no inventory: loads it when PostgreSQL says the sale is on (Redis lost it), else
   * explains why there is nothing (cached briefly so a flood of such requests does not become a flood of queries).
   */
  async function ensureLoaded(showtimeId: string): Promise<void> {
    const cached = missing.get(showtimeId);
    if (cached && cached.until > Date.now()) throw cached.error;
    const st = await prisma.showtime.findUnique({ where: { id: showtimeId }, select: { saleState: true } });
    let error: DomainError;
    if (!st) error = new DomainError('not_found', 'No such showtime.');
    else if (st.saleState === 'on_sale' || st.saleState === 'paused') {
      await load(showtimeId);
      return;
    } else error = new DomainError('sale_not_open', undefined, { state: st.saleState });
    missing.set(showtimeId, { until: Date.now() + MISSING_CACHE_MS, error });
    throw error;
  }

  async function rebuildMissing(): Promise<string[]> {
    const showtimes = await prisma.showtime.findMany({
      where: { saleState: { in: ['on_sale', 'paused'] } },
      select: { id: true },
    });
    const loaded: string[] = [];
    for (const { id } of showtimes) {
      if (await isLoaded(id)) continue;
      try {
        await load(id);
        loaded.push(id);
      } catch (err) {
        logger.error({ err, showtimeId: id }, 'inventory rebuild failed');
      }
    }
    if (loaded.length) logger.info({ showtimes: loaded }, 'inventory rebuilt from PostgreSQL');
    return loaded;
  }

  async function setSaleStateRaw(showtimeId: string, state: SaleState): Promise<number> {
    const k = keys(showtimeId);
    const reply = await run('setState', showtimeId, [k.meta, k.log], [state]);
    if (Number(reply[0]) < 0) fail(reply);
    return Number(reply[1]);
  }

  // --- Holds --------------------------------------------------------------------------------------------

  function refusalFromMemory(showtimeId: string, req: HoldRequest): DomainError | null {
    if (!gate) return null;
    const target = req.seats !== undefined || req.best !== undefined ? GATE_SEATS : req.zone;
    if (target === undefined || !gate.isSoldOut(showtimeId, target)) return null;
    // A retry of a hold made here or on another node (its tag came with the change) goes to Redis for its hold.
    if (gate.mayHaveHeld(showtimeId, requestTag(req.buyerId, req.requestId))) return null;
    return gate.soldOutError(showtimeId, target);
  }

  // Hold requests of one showtime are sent in batches: at most HOLD_IN_FLIGHT script calls per showtime are in
  // flight from this node, and whatever arrives meanwhile goes together in the next call (hold-11+2n.lua decides
  // the requests one by one, exactly as separate calls in that order would). A quiet node sends each request at
  // once; in a rush, one call carries many, and Redis pays the per-call costs once per batch.
  const batches = new Map<string, { queue: HoldJob[]; inFlight: number }>();

  function submitHold(showtimeId: string, job: Omit<HoldJob, 'resolve' | 'reject'>): Promise<HoldReply> {
    return new Promise<HoldReply>((resolve, reject) => {
      let b = batches.get(showtimeId);
      if (!b) {
        b = { queue: [], inFlight: 0 };
        batches.set(showtimeId, b);
      }
      b.queue.push({ ...job, resolve, reject });
      pumpHolds(showtimeId, b);
    });
  }

  function pumpHolds(showtimeId: string, b: { queue: HoldJob[]; inFlight: number }): void {
    while (b.inFlight < HOLD_IN_FLIGHT && b.queue.length) {
      const jobs = b.queue.splice(0, HOLD_BATCH_MAX);
      b.inFlight++;
      void sendHolds(showtimeId, jobs).finally(() => {
        b.inFlight--;
        if (b.queue.length) pumpHolds(showtimeId, b);
        else if (!b.inFlight) batches.delete(showtimeId);
      });
    }
  }

  async function sendHolds(showtimeId: string, jobs: HoldJob[]): Promise<void> {
    const keyList = holdKeys(keys(showtimeId));
    for (const j of jobs) keyList.push(j.idemKey, j.indexKey);
    try {
      const reply = await run('hold', showtimeId, keyList, [
        JSON.stringify(jobs.map((j) => j.wire)),
        idemTtl,
      ]);
      const version = Number(reply[0]);
      jobs.forEach((j, i) => j.resolve({ reply: reply[i + 1] as Reply, version }));
    } catch (err) {
      for (const j of jobs) j.reject(err);
    }
  }

  async function hold(showtimeId: string, req: HoldRequest): Promise<HoldResult> {
    const ask = toAsk(req);
    const target = 'seats' in ask ? GATE_SEATS : ask.zone;
    const tag = requestTag(req.buyerId, req.requestId);
    const refusal = refusalFromMemory(showtimeId, req);
    if (refusal) throw refusal;
    const holdId = makeHoldId(showtimeId, randomPart(12));
    const token = tokenFor(holdId);
    const wire: WireHoldRequest = {
      h: holdId,
      t: sha256(token),
      b: req.buyerId,
      r: req.requestId,
      f: holdFingerprint(ask),
      k: tag,
      ...('seats' in ask ? { m: 'seats', s: ask.seats } : { m: 'ga', z: ask.zone, q: ask.quantity }),
    };
    const job = {
      wire,
      idemKey: idempotencyKey(prefix, showtimeId, req.buyerId, req.requestId),
      indexKey: buyerHoldsKey(prefix, showtimeId, req.buyerId),
    };
    let { reply, version } = await submitHold(showtimeId, job);
    if (codeOf(reply) === ScriptCode.NotLoaded) {
      await ensureLoaded(showtimeId);
      ({ reply, version } = await submitHold(showtimeId, job));
    }
    if (Number(reply[0]) < 0) {
      if (codeOf(reply) === ScriptCode.SoldOut) gate?.noteSoldOut(showtimeId, target, version);
      fail(reply);
    }
    // Known at once, before this hold's change reaches the gate: a quick retry must not be told "sold out".
    gate?.noteHeld(showtimeId, tag);
    const record = parseHold(String(reply[2]));
    // A replay answers an earlier hold: its token is that hold's, not the one derived for this attempt.
    return holdResult(showtimeId, record, Number(reply[3]) === 1, record.id === holdId ? token : undefined);
  }

  function holdResult(
    showtimeId: string,
    record: HoldRecord,
    replayed: boolean,
    token = tokenFor(record.id),
  ): HoldResult {
    return {
      holdId: record.id,
      holdToken: token,
      showtimeId,
      expiresAt: new Date(record.expiresAt).toISOString(),
      items: record.items,
      totalCents: record.totalCents,
      currency: record.currency,
      replayed,
    };
  }

  async function replay(showtimeId: string, req: HoldRequest): Promise<HoldResult | null> {
    const ask: HoldAsk = req.best ? { seats: req.seats ?? [], best: req.best } : toAsk(req);
    // The hold script in replay-only mode: the same idempotency decisions as a hold, in one atomic read.
    const { reply } = await submitHold(showtimeId, {
      wire: { h: '', t: '', b: req.buyerId, r: req.requestId, f: holdFingerprint(ask), m: 'ga', o: 1 },
      idemKey: idempotencyKey(prefix, showtimeId, req.buyerId, req.requestId),
      indexKey: buyerHoldsKey(prefix, showtimeId, req.buyerId),
    });
    const code = Number(reply[0]);
    if (code === 0) return null;
    if (code < 0) fail(reply);
    gate?.noteHeld(showtimeId, requestTag(req.buyerId, req.requestId));
    return holdResult(showtimeId, parseHold(String(reply[2])), true);
  }

  async function holdsOf(showtimeId: string, buyerId: string): Promise<HoldRecord[]> {
    const key = buyerHoldsKey(prefix, showtimeId, buyerId);
    const ids = await redis.smembers(key);
    if (!ids.length) return [];
    const recs = await redis.hmget(keys(showtimeId).holds, ...ids);
    const gone = ids.filter((_, i) => !recs[i]);
    if (gone.length) await redis.srem(key, ...gone);
    return recs
      .filter((r): r is string => !!r)
      .map(parseHold)
      .filter((h) => h.buyerId === buyerId)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async function getHold(holdId: string): Promise<HoldRecord | null> {
    const st = showtimeOfHold(holdId);
    if (!st) return null;
    const rec = await redis.hget(keys(st).holds, holdId);
    return rec ? parseHold(rec) : null;
  }

  async function verifyHoldToken(holdId: string, token: string): Promise<HoldRecord> {
    const st = showtimeFromHold(holdId);
    const k = keys(st);
    const [rec, expired] = await Promise.all([
      redis.hget(k.holds, holdId),
      redis.zscore(k.ended, `${holdId}|e`),
    ]);
    if (!rec) throw new DomainError(expired !== null ? 'hold_expired' : 'hold_not_found');
    const hold = parseHold(rec);
    if (!sameHash(hold.tokenHash, sha256(token))) throw new DomainError('hold_token_invalid');
    if (hold.status === 'held' && hold.expiresAt <= now()) throw new DomainError('hold_expired');
    return hold;
  }

  async function release(holdId: string, token: string): Promise<void> {
    const st = showtimeFromHold(holdId);
    const reply = await run('release', st, holdKeys(keys(st)), [holdId, sha256(token)]);
    if (Number(reply[0]) < 0) fail(reply);
  }

  async function expire(holdId: string): Promise<'expired' | 'not_due' | 'gone' | 'confirmed'> {
    const st = showtimeOfHold(holdId);
    if (!st) return 'gone';
    const reply = await run('expire', st, holdKeys(keys(st)), [holdId]);
    return (['expired', 'not_due', 'gone', 'confirmed'] as const)[Number(reply[0]) - 1]!;
  }

  async function expireDue(showtimeId: string, limit: number): Promise<string[]> {
    const due = await redis.zrangebyscore(keys(showtimeId).expiry, '-inf', now(), 'LIMIT', 0, limit);
    const outcomes = await Promise.all(due.map((id) => expire(id)));
    return due.filter((_, i) => outcomes[i] === 'expired');
  }

  async function extend(holdId: string, token: string, seconds: number): Promise<{ expiresAt: string }> {
    const st = showtimeFromHold(holdId);
    const k = keys(st);
    const reply = await run(
      'extend',
      st,
      [k.meta, k.holds, k.expiry, k.ended, k.log],
      [holdId, sha256(token), Math.max(0, Math.floor(seconds)), maxExtension],
    );
    if (Number(reply[0]) < 0) fail(reply);
    return { expiresAt: new Date(Number(reply[1])).toISOString() };
  }

  async function confirm(holdId: string, orderRef: string): Promise<'confirmed' | 'already_confirmed'> {
    const st = showtimeFromHold(holdId);
    const k = keys(st);
    const reply = await run(
      'confirm',
      st,
      [k.meta, k.seats, k.seatinfo, k.states, k.counts, k.holds, k.expiry, k.ended, k.orders, k.log],
      [holdId, orderRef],
    );
    if (Number(reply[0]) < 0) fail(reply);
    return Number(reply[0]) === 1 ? 'confirmed' : 'already_confirmed';
  }

  async function reclaim(
    showtimeId: string,
    holdId: string,
    items: HoldItem[],
    buyerId: string,
    orderRef: string,
  ): Promise<'sold'> {
    const k = keys(showtimeId);
    const reply = await run(
      'reclaim',
      showtimeId,
      [
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
      ],
      [holdId, buyerId, orderRef, JSON.stringify(items)],
    );
    if (codeOf(reply) === ScriptCode.HoldLive) {
      // Still live after all (clocks differ a little between callers): an ordinary confirm does it.
      await confirm(holdId, orderRef);
      return 'sold';
    }
    if (Number(reply[0]) < 0) fail(reply);
    return 'sold';
  }

  async function returnItems(
    showtimeId: string,
    orderRef: string,
    items: ReturnItem[],
  ): Promise<{ returned: number }> {
    const k = keys(showtimeId);
    const reply = await run(
      'returnItems',
      showtimeId,
      [k.meta, k.seats, k.seatinfo, k.states, k.counts, k.buyers, k.orders, k.returned, k.log],
      [orderRef, JSON.stringify(items)],
    );
    if (Number(reply[0]) < 0) fail(reply);
    return { returned: Number(reply[0]) };
  }

  async function blockOrUnblock(
    name: 'block' | 'unblock',
    showtimeId: string,
    seats: string[],
    extra: string[],
  ) {
    const k = keys(showtimeId);
    if (!seats.length) return { changed: [] as string[], skipped: [] as string[] };
    const keyList = [k.meta, k.seats, k.seatinfo, k.states, k.counts, k.log];
    let reply = await run(name, showtimeId, keyList, [...extra, ...seats]);
    if (codeOf(reply) === ScriptCode.NotLoaded) {
      await ensureLoaded(showtimeId);
      reply = await run(name, showtimeId, keyList, [...extra, ...seats]);
    }
    if (Number(reply[0]) < 0) fail(reply);
    return { changed: jsonArray(reply[1]), skipped: jsonArray(reply[2]) };
  }

  // Blocks are staff decisions: PostgreSQL keeps them so a rebuild restores them.
  async function block(showtimeId: string, seats: string[], reason: string, by?: string) {
    const r = await blockOrUnblock('block', showtimeId, seats, [reason]);
    if (r.changed.length) {
      await prisma.seatBlock.createMany({
        data: r.changed.map((seatLabel) => ({ showtimeId, seatLabel, reason, blockedBy: by ?? null })),
        skipDuplicates: true,
      });
    }
    return r;
  }

  async function unblock(showtimeId: string, seats: string[]) {
    const r = await blockOrUnblock('unblock', showtimeId, seats, []);
    if (r.changed.length)
      await prisma.seatBlock.deleteMany({ where: { showtimeId, seatLabel: { in: r.changed } } });
    return r;
  }

  async function syncSettings(showtimeId: string): Promise<void> {
    if (!(await isLoaded(showtimeId))) return;
    const st = await prisma.showtime.findUnique({ where: { id: showtimeId }, include: { prices: true } });
    if (!st) return;
    const fields: Record<string, string> = {
      holdTtl: String(st.holdTtlSeconds),
      perBuyerLimit: String(st.perBuyerLimit ?? 0),
      currency: st.currency,
    };
    for (const p of st.prices) fields[`price:${p.category}`] = String(p.priceCents);
    const meta = await redis.hgetall(keys(showtimeId).meta);
    for (const [field, category] of Object.entries(meta)) {
      const price = fields[`price:${category}`];
      if (field.startsWith('zone:') && price !== undefined) fields[`zp:${field.slice(5)}`] = price;
    }
    await redis.hset(keys(showtimeId).meta, fields);
  }

  // --- Reads --------------------------------------------------------------------------------------------

  const labelCache = new Map<string, { key: string; labels: string[] }>();

  async function seatLabels(showtimeId: string, labelsKey: string): Promise<string[]> {
    const cached = labelCache.get(showtimeId);
    if (cached?.key === labelsKey) return cached.labels;
    const info = await redis.hgetall(keys(showtimeId).seatinfo);
    const labels: string[] = new Array<string>(Object.keys(info).length);
    for (const [label, v] of Object.entries(info)) labels[Number(v.slice(0, v.indexOf('|')))] = label;
    labelCache.set(showtimeId, { key: labelsKey, labels });
    return labels;
  }

  async function snapshotOnce(showtimeId: string): Promise<Snapshot | null> {
    const k = keys(showtimeId);
    const res = await redis
      .multi()
      .hmget(k.meta, 'version', 'state', 'layoutVersion', 'loadId')
      .get(k.states)
      .hgetall(k.counts)
      .exec();
    if (!res) throw new Error('snapshot transaction aborted');
    for (const [err] of res) if (err) throw err;
    const [version, state, layoutVersion, loadId] = res[0]![1] as Array<string | null>;
    if (version === null || version === undefined) return null;
    const counts = res[2]![1] as Record<string, string>;
    const { zones, categories, seatsAvailable } = parseCounts(counts);
    const labelsKey = `${layoutVersion}.${loadId}`;
    return {
      showtimeId,
      version: Number(version),
      state: state as SaleState,
      labelsKey,
      seatLabels: await seatLabels(showtimeId, labelsKey),
      seatStates: (res[1]![1] as string | null) ?? '',
      seatsAvailable,
      zones,
      categories,
    };
  }

  async function snapshot(showtimeId: string): Promise<Snapshot> {
    const s = await snapshotOnce(showtimeId);
    if (s) return s;
    await ensureLoaded(showtimeId);
    const again = await snapshotOnce(showtimeId);
    if (!again) throw new DomainError('sale_not_open', undefined, { reason: 'not_loaded' });
    return again;
  }

  async function changesSince(
    showtimeId: string,
    version: number,
  ): Promise<{ from: number; to: number; changes: Change[] } | null> {
    const k = keys(showtimeId);
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

  async function recount(showtimeId: string): Promise<{ ok: boolean; diffs: string[] }> {
    const k = keys(showtimeId);
    const res = await redis
      .multi()
      .hgetall(k.meta)
      .hgetall(k.seatinfo)
      .hgetall(k.seats)
      .get(k.states)
      .hgetall(k.counts)
      .hgetall(k.holds)
      .zrange(k.expiry, '0', '-1', 'WITHSCORES')
      .hgetall(k.buyers)
      .hgetall(k.orders)
      .exec();
    if (!res) throw new Error('recount transaction aborted');
    for (const [err] of res) if (err) throw err;
    const [meta, seatinfo, seats, states, counts, holds, expiryFlat, buyers, orders] = res.map(
      ([, v]) => v,
    ) as [
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
      string | null,
      Record<string, string>,
      Record<string, string>,
      string[],
      Record<string, string>,
      Record<string, string>,
    ];
    return recountState({
      meta,
      seatinfo,
      seats,
      states: states ?? '',
      counts,
      holds,
      expiryFlat,
      buyers,
      orders,
    });
  }

  return {
    load,
    isLoaded,
    rebuildMissing,
    async setSaleState(showtimeId, state) {
      await setSaleStateRaw(showtimeId, state);
    },
    hold,
    refusalFromMemory,
    replay,
    getHold,
    holdsOf,
    verifyHoldToken,
    release,
    expire,
    expireDue,
    extend,
    confirm,
    reclaim,
    returnItems,
    block,
    unblock,
    syncSettings,
    snapshot,
    changesSince,
    recount,
    loadedShowtimes: () => redis.smembers(loadedShowtimesKey(prefix)),
    keys,
    tokenFor,
  };
}

/** The gate target of seat holds (zones use their key). */
export const GATE_SEATS = '*seats';

function toAsk(req: HoldRequest): HoldAsk {
  const hasSeats = req.seats !== undefined;
  const hasZone = req.zone !== undefined || req.quantity !== undefined;
  if (req.best !== undefined && !hasSeats)
    throw new DomainError('validation_failed', 'Best available holds the seats it picked; none were given.');
  if (hasSeats === hasZone)
    throw new DomainError('validation_failed', 'Send either seats, or a zone and a quantity.');
  if (hasSeats) {
    const seats = req.seats!;
    if (!seats.length) throw new DomainError('validation_failed', 'Name at least one seat.');
    if (new Set(seats).size !== seats.length)
      throw new DomainError('validation_failed', 'A seat is listed twice.');
    if (req.best && req.best.quantity !== seats.length)
      throw new DomainError('validation_failed', 'Best available picked a different number of seats.');
    return req.best ? { seats, best: req.best } : { seats };
  }
  if (!req.zone || !Number.isInteger(req.quantity) || req.quantity! < 1)
    throw new DomainError('validation_failed', 'Name the zone and a quantity of at least 1.');
  return { zone: req.zone, quantity: req.quantity! };
}

/** The status code of a script reply (1 and above: success; negative: a `ScriptCode`). */
const codeOf = (reply: Reply): ScriptCode => Number(reply[0]);

function parseDetail(raw: unknown): FailureDetail {
  if (typeof raw !== 'string' || !raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    const out = v as FailureDetail;
    // cjson encodes an empty Lua table as {}; lists are always lists to callers.
    for (const key of ['seats']) if (out[key] && !Array.isArray(out[key])) out[key] = [];
    return out;
  } catch {
    return {};
  }
}

/** cjson encodes an empty Lua table as `{}`. */
function jsonArray(raw: unknown): string[] {
  const v = JSON.parse(String(raw)) as unknown;
  return Array.isArray(v) ? (v as string[]) : [];
}

function parseHold(json: string): HoldRecord {
  const h = JSON.parse(json) as HoldRecord;
  if (!Array.isArray(h.items)) h.items = [];
  return h;
}

function sameHash(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

/** Zone / category counts from the counts hash. */
export function parseCounts(counts: Record<string, string>): {
  zones: Record<string, ZoneCounts>;
  categories: Record<string, CategoryCounts>;
  seatsAvailable: number;
} {
  const zones: Record<string, ZoneCounts> = {};
  const categories: Record<string, CategoryCounts> = {};
  let seatsAvailable = 0;
  for (const [field, raw] of Object.entries(counts)) {
    const n = Number(raw);
    if (field === 'seats:a') {
      seatsAvailable = n;
      continue;
    }
    const first = field.indexOf(':');
    const last = field.lastIndexOf(':');
    const kind = field.slice(0, first);
    const name = field.slice(first + 1, last);
    const what = field.slice(last + 1);
    if (kind === 'z') {
      const z = (zones[name] ??= { capacity: 0, available: 0, held: 0, sold: 0 });
      if (what === 'cap') z.capacity = n;
      else if (what === 'a') z.available = n;
      else if (what === 'h') z.held = n;
      else if (what === 's') z.sold = n;
    } else if (kind === 'c') {
      const c = (categories[name] ??= { available: 0, held: 0, sold: 0, blocked: 0 });
      if (what === 'a') c.available = n;
      else if (what === 'h') c.held = n;
      else if (what === 's') c.sold = n;
      else if (what === 'b') c.blocked = n;
    }
  }
  return { zones, categories, seatsAvailable };
}

/** A change as the scripts write it (see lua/include/common.lua). */
export interface WireChange {
  s: string;
  v: number;
  t: Change['type'];
  seats?: Array<[string, number, number]>;
  z?: Record<string, [number, number, number, number]>;
  c?: Record<string, [number, number, number, number]>;
  sa?: number;
  x?: Array<{ holdId: string; buyerId: string; reason: 'expired' | 'released' }>;
  state?: SaleState;
  /** Request tags of the holds made (hold batches only). */
  rk?: number[];
}

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

interface RawState {
  meta: Record<string, string>;
  seatinfo: Record<string, string>;
  seats: Record<string, string>;
  states: string;
  counts: Record<string, string>;
  holds: Record<string, string>;
  expiryFlat: string[];
  buyers: Record<string, string>;
  orders: Record<string, string>;
}

/**
 * Recomputes what the counts must be from the per-seat state, the holds and the orders, and lists every
 * disagreement (also between the seat hash and the compact state string, and between holds and the expiry set).
 */
export function recountState(r: RawState): { ok: boolean; diffs: string[] } {
  const diffs: string[] = [];
  if (!r.meta.version) return { ok: false, diffs: ['not loaded'] };
  const expect = new Map<string, number>();
  const add = (field: string, d: number) => expect.set(field, (expect.get(field) ?? 0) + d);
  const catFields = (c: string) => ['a', 'h', 's', 'b'].forEach((w) => add(`c:${c}:${w}`, 0));

  const holds = new Map<string, HoldRecord>();
  for (const [id, json] of Object.entries(r.holds)) holds.set(id, JSON.parse(json) as HoldRecord);
  const orders = new Map<
    string,
    { b: string; h: string; s: number; g: Record<string, number> | unknown[] }
  >();
  for (const [ref, json] of Object.entries(r.orders)) orders.set(ref, JSON.parse(json) as never);

  // Seats.
  const seatCountOfOrder = new Map<string, number>();
  const stateChar = { '1': '1', '2': '2', '3': '3' } as const;
  add('seats:a', 0);
  const seatCount = Object.keys(r.seatinfo).length;
  if (r.states.length !== seatCount)
    diffs.push(`states string has ${r.states.length} chars for ${seatCount} seats`);
  for (const [label, info] of Object.entries(r.seatinfo)) {
    const sep = info.indexOf('|');
    const idx = Number(info.slice(0, sep));
    const cat = info.slice(sep + 1);
    catFields(cat);
    const v = r.seats[label];
    const st = v ? v[0]! : '0';
    if (r.states[idx] !== st)
      diffs.push(`seat ${label}: states string says ${r.states[idx]}, seat hash says ${st}`);
    if (st === '0') {
      add(`c:${cat}:a`, 1);
      add('seats:a', 1);
    } else if (st in stateChar) {
      add(`c:${cat}:${st === '1' ? 'h' : st === '2' ? 's' : 'b'}`, 1);
      const owner = v!.slice(2);
      if (st === '1') {
        const h = holds.get(owner);
        if (!h || h.status !== 'held' || !h.items.some((it) => it.kind === 'seat' && it.seat === label))
          diffs.push(`seat ${label} held by ${owner}, which is not a live hold of it`);
      } else if (st === '2') {
        if (!orders.has(owner)) diffs.push(`seat ${label} sold to unknown order ${owner}`);
        seatCountOfOrder.set(owner, (seatCountOfOrder.get(owner) ?? 0) + 1);
      }
    } else diffs.push(`seat ${label}: bad state ${v}`);
  }
  for (const label of Object.keys(r.seats))
    if (!(label in r.seatinfo)) diffs.push(`seat hash names unknown seat ${label}`);

  // GA zones: held from live holds, sold from orders, available = capacity - both.
  const zones = Object.entries(r.meta).filter(([f]) => f.startsWith('zone:'));
  const zoneHeld = new Map<string, number>();
  const zoneSold = new Map<string, number>();
  const buyerTickets = new Map<string, number>();
  const addBuyer = (b: string, n: number) => buyerTickets.set(b, (buyerTickets.get(b) ?? 0) + n);

  const expiry = new Map<string, number>();
  for (let i = 0; i < r.expiryFlat.length; i += 2) expiry.set(r.expiryFlat[i]!, Number(r.expiryFlat[i + 1]));
  for (const [id, h] of holds) {
    if (h.status === 'held') {
      if (expiry.get(id) !== h.expiresAt)
        diffs.push(`hold ${id}: expiry set has ${expiry.get(id)}, hold says ${h.expiresAt}`);
      for (const it of h.items) {
        if (it.kind === 'seat') {
          if (r.seats[it.seat] !== `1:${id}`)
            diffs.push(`hold ${id} lists seat ${it.seat}, which is ${r.seats[it.seat] ?? 'free'}`);
          addBuyer(h.buyerId, 1);
        } else {
          zoneHeld.set(it.zone, (zoneHeld.get(it.zone) ?? 0) + it.quantity);
          addBuyer(h.buyerId, it.quantity);
        }
      }
    } else if (expiry.has(id)) diffs.push(`confirmed hold ${id} is still in the expiry set`);
  }
  for (const id of expiry.keys()) if (!holds.has(id)) diffs.push(`expiry set names unknown hold ${id}`);

  for (const [ref, o] of orders) {
    const g = Array.isArray(o.g) ? {} : o.g;
    let n = o.s;
    for (const [zone, q] of Object.entries(g)) {
      zoneSold.set(zone, (zoneSold.get(zone) ?? 0) + q);
      n += q;
      if (q < 0) diffs.push(`order ${ref}: negative GA count in ${zone}`);
    }
    if ((seatCountOfOrder.get(ref) ?? 0) !== o.s)
      diffs.push(`order ${ref}: says ${o.s} seats, ${seatCountOfOrder.get(ref) ?? 0} are sold to it`);
    addBuyer(o.b, n);
  }

  for (const [field, cat] of zones) {
    const zone = field.slice(5);
    const cap = Number(r.counts[`z:${zone}:cap`] ?? NaN);
    const held = zoneHeld.get(zone) ?? 0;
    const sold = zoneSold.get(zone) ?? 0;
    add(`z:${zone}:cap`, Number.isNaN(cap) ? 0 : cap);
    add(`z:${zone}:h`, held);
    add(`z:${zone}:s`, sold);
    add(`z:${zone}:a`, (Number.isNaN(cap) ? 0 : cap) - held - sold);
    if (cap - held - sold < 0) diffs.push(`zone ${zone} oversold: ${held} held + ${sold} sold > ${cap}`);
    catFields(cat);
    add(`c:${cat}:a`, cap - held - sold);
    add(`c:${cat}:h`, held);
    add(`c:${cat}:s`, sold);
  }

  for (const [field, n] of expect) {
    const actual = Number(r.counts[field] ?? 0);
    if (actual !== n) diffs.push(`counts ${field}: stored ${actual}, recounted ${n}`);
  }
  for (const [field, raw] of Object.entries(r.counts)) {
    if (!expect.has(field) && Number(raw) !== 0)
      diffs.push(`counts ${field}: stored ${raw}, nothing to count`);
  }

  for (const [b, n] of buyerTickets) {
    const stored = Number(r.buyers[b] ?? 0);
    if (stored !== n) diffs.push(`buyer ${b}: stored ${stored} tickets, recounted ${n}`);
  }
  for (const [b, raw] of Object.entries(r.buyers))
    if (!buyerTickets.has(b) && Number(raw) !== 0) diffs.push(`buyer ${b}: stored ${raw}, owns nothing`);

  return { ok: diffs.length === 0, diffs };
}

/** Random bytes for hold ids, from a pool refilled 4 KiB at a time: one OpenSSL call per ~340 holds, not one each. */
let randomPool = Buffer.alloc(0);
let randomAt = 0;
function randomPart(bytes: number): string {
  if (randomAt + bytes > randomPool.length) {
    randomPool = randomBytes(4096);
    randomAt = 0;
  }
  randomAt += bytes;
  return randomPool.toString('base64url', randomAt - bytes, randomAt);
}
