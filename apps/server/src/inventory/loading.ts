import { randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.ts';
import type { SaleState } from './changes.ts';
import { codeOf, ScriptCode } from './codes.ts';
import type { InventoryContext } from './context.ts';
import { splitPlan } from './bucket-plan.ts';
import type { Buckets } from './buckets.ts';
import { buyerHoldsKey, loadCommitScriptKeys, loadedShowtimesKey, loadLockKey, stagingKeys } from './keys.ts';
import { buildLoadPlan, writeStaging, type LoadPlan } from './loader.ts';

/** Loading a showtime from PostgreSQL into Redis: on demand, at start-up, and when Redis lost it. */
export interface Loading {
  load: (showtimeId: string, opts?: { force?: boolean }) => Promise<{ version: number }>;
  /**
   * Called when a script finds no inventory: loads it when PostgreSQL says the sale is on (Redis lost it), else
   * throws why there is nothing (`not_found`, `sale_not_open`).
   */
  ensureLoaded: (showtimeId: string) => Promise<void>;
  rebuildMissing: () => Promise<string[]>;
  missingShowtimes: () => Promise<string[]>;
  loadedShowtimes: () => Promise<string[]>;
}

/** Versions one load of a showtime may use before the next load's floor (10⁹: far beyond one sale's changes). */
const VERSIONS_PER_EPOCH = 1_000_000_000;

/** GA buckets: how long a load may hold the showtime's load lock (and how long another process waits for it). */
const LOAD_LOCK_MS = 60_000;

/** How long "this showtime has no inventory, and why" is remembered, so a flood of such requests is not a flood of queries. */
const MISSING_CACHE_MS = 1000;

export function createLoading(
  ctx: InventoryContext,
  setSaleState: (showtimeId: string, state: SaleState) => Promise<number>,
  buckets: Buckets,
): Loading {
  const { redis, prisma, prefix, logger } = ctx;
  const loading = new Map<string, Promise<{ version: number }>>();
  const missing = new Map<string, { until: number; error: DomainError }>();

  const currentVersion = async (showtimeId: string): Promise<number> =>
    Number((await redis.hget(ctx.keys(showtimeId).meta, 'version')) ?? 0);

  async function loadNow(showtimeId: string, force: boolean): Promise<{ version: number }> {
    const loadId = randomBytes(6).toString('hex');
    const plan = await buildLoadPlan(prisma, showtimeId, ctx.now(), loadId);
    for (const w of plan.warnings) logger.warn({ showtimeId }, `inventory load: ${w}`);
    const k = Number(plan.meta.gaBuckets ?? 1);
    if (k > 1) {
      const loaded = () => missing.delete(showtimeId);
      const deps = { ctx, buckets, setSaleState, currentVersion, nextFloor, loaded };
      return loadBucketed(deps, showtimeId, force, plan, k, loadId);
    }
    const staging = stagingKeys(prefix, showtimeId, loadId);
    await writeStaging(redis, staging, plan);
    // Each load starts a new epoch in PostgreSQL: its versions begin above any version of an earlier load, which
    // Redis may have lost (issue 14: versions restarted at 1 while clients held higher ones).
    const [epoch] = await prisma.$queryRaw<Array<{ e: number }>>`
      UPDATE "Showtime" SET "inventoryEpoch" = "inventoryEpoch" + 1 WHERE id = ${showtimeId}
      RETURNING "inventoryEpoch" AS e`;
    const floor = (epoch?.e ?? 0) * VERSIONS_PER_EPOCH;
    const reply = await ctx.run(
      'loadCommit',
      showtimeId,
      loadCommitScriptKeys(staging, ctx.keys(showtimeId)),
      [force ? '1' : '0', String(floor)],
    );
    await redis.sadd(loadedShowtimesKey(prefix), showtimeId);
    missing.delete(showtimeId);
    if (Number(reply[0]) === 1 && Object.keys(plan.buyerHolds).length) {
      const p = redis.pipeline();
      for (const [buyerId, ids] of Object.entries(plan.buyerHolds)) {
        const key = buyerHoldsKey(prefix, showtimeId, buyerId);
        p.sadd(key, ...ids).pexpire(key, ctx.idempotencyTtlMs);
      }
      await p.exec();
    }
    if (codeOf(reply) === ScriptCode.AlreadyLoaded) {
      // Someone else loaded it meanwhile; keep theirs, but follow PostgreSQL's sale state.
      await setSaleState(showtimeId, plan.meta.state as SaleState);
      return { version: await currentVersion(showtimeId) };
    }
    logger.info(
      { showtimeId, version: reply[1], seats: plan.labels.length, holds: plan.expiry.length, force },
      'inventory loaded',
    );
    return { version: Number(reply[1]) };
  }

  async function nextFloor(showtimeId: string): Promise<number> {
    const [epoch] = await prisma.$queryRaw<Array<{ e: number }>>`
      UPDATE "Showtime" SET "inventoryEpoch" = "inventoryEpoch" + 1 WHERE id = ${showtimeId}
      RETURNING "inventoryEpoch" AS e`;
    return (epoch?.e ?? 0) * VERSIONS_PER_EPOCH;
  }

  async function load(showtimeId: string, opts: { force?: boolean } = {}): Promise<{ version: number }> {
    const force = opts.force ?? false;
    if (!force && (await ctx.isLoaded(showtimeId))) {
      const st = await prisma.showtime.findUnique({ where: { id: showtimeId }, select: { saleState: true } });
      if (!st) throw new DomainError('not_found', 'No such showtime.');
      await setSaleState(showtimeId, st.saleState);
      return { version: await currentVersion(showtimeId) };
    }
    const pending = loading.get(showtimeId);
    if (pending && !force) return pending;
    const p = loadNow(showtimeId, force).finally(() => loading.delete(showtimeId));
    loading.set(showtimeId, p);
    return p;
  }

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

  /** Showtimes on sale or paused in PostgreSQL whose live inventory is not in Redis. */
  async function missingShowtimes(): Promise<string[]> {
    const showtimes = await prisma.showtime.findMany({
      where: { saleState: { in: ['on_sale', 'paused'] } },
      select: { id: true },
    });
    const out: string[] = [];
    for (const { id } of showtimes) if (!(await ctx.isLoaded(id))) out.push(id);
    return out;
  }

  // One rebuild at a time per process: readiness checks and the start-up both ask for it.
  let rebuilding: Promise<string[]> | null = null;
  function rebuildMissing(): Promise<string[]> {
    rebuilding ??= rebuildNow().finally(() => {
      rebuilding = null;
    });
    return rebuilding;
  }

  async function rebuildNow(): Promise<string[]> {
    const loaded: string[] = [];
    for (const id of await missingShowtimes()) {
      if (await ctx.isLoaded(id)) continue;
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

  return {
    load,
    ensureLoaded,
    rebuildMissing,
    missingShowtimes,
    loadedShowtimes: () => redis.smembers(loadedShowtimesKey(prefix)),
  };
}

/**
 * GA buckets: the plan split into K bucket plans and the showtime's own (bucket-plan.ts), each committed on its
 * slot — the buckets first, the showtime's own slot (what `isLoaded` asks) last — under a lock, so two processes
 * never interleave the K commits. A bucket is always replaced: a half-done earlier load must not be mixed with
 * a fresh split (its stock would count twice).
 */
interface BucketLoadDeps {
  ctx: InventoryContext;
  buckets: Buckets;
  setSaleState: (showtimeId: string, state: SaleState) => Promise<number>;
  currentVersion: (showtimeId: string) => Promise<number>;
  nextFloor: (showtimeId: string) => Promise<number>;
  /** The showtime is loaded now (forget that it was missing). */
  loaded: () => void;
}

async function loadBucketed(
  d: BucketLoadDeps,
  showtimeId: string,
  force: boolean,
  plan: LoadPlan,
  k: number,
  loadId: string,
): Promise<{ version: number }> {
  const { ctx, buckets, setSaleState, currentVersion, nextFloor } = d;
  const { redis, prefix, logger } = ctx;
  const lock = loadLockKey(prefix, showtimeId);
  for (let waited = 0; !(await redis.set(lock, loadId, 'PX', LOAD_LOCK_MS, 'NX')); waited += 50) {
    if (!force && (await ctx.isLoaded(showtimeId))) return { version: await currentVersion(showtimeId) };
    if (waited > LOAD_LOCK_MS) throw new DomainError('busy', 'The showtime is being loaded; try again.');
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    if (!force && (await ctx.isLoaded(showtimeId))) {
      await setSaleState(showtimeId, plan.meta.state as SaleState);
      return { version: await currentVersion(showtimeId) };
    }
    const slots = ctx.bucketSlots(showtimeId, k);
    const { top, parts, warnings } = splitPlan(plan, showtimeId, slots);
    for (const w of warnings) logger.warn({ showtimeId }, `inventory load: ${w}`);
    const floor = await nextFloor(showtimeId);
    await Promise.all(
      slots.map(async (slot, b) => {
        const part = parts[b]!;
        const staging = stagingKeys(prefix, slot, loadId);
        await writeStaging(redis, staging, part);
        const live = ctx.keys(slot);
        // The ledger of moves belongs to the split being replaced.
        await redis.del(live.moves, live.moved);
        await ctx.runIn('loadCommit', showtimeId, slot, loadCommitScriptKeys(staging, live), ['1', floor]);
        await writeBuyerHolds(ctx, slot, part);
      }),
    );
    const staging = stagingKeys(prefix, showtimeId, loadId);
    await writeStaging(redis, staging, top);
    await redis.del(ctx.keys(showtimeId).rollup);
    const reply = await ctx.run(
      'loadCommit',
      showtimeId,
      loadCommitScriptKeys(staging, ctx.keys(showtimeId)),
      ['1', String(floor)],
    );
    await redis.sadd(loadedShowtimesKey(prefix), showtimeId);
    d.loaded();
    await buckets.rollup(showtimeId, k, 'all', 'expire');
    logger.info(
      { showtimeId, version: reply[1], buckets: k, holds: plan.expiry.length, force },
      'inventory loaded',
    );
    return { version: await currentVersion(showtimeId) };
  } finally {
    if ((await redis.get(lock)) === loadId) await redis.del(lock);
  }
}

async function writeBuyerHolds(ctx: InventoryContext, slot: string, plan: LoadPlan): Promise<void> {
  const { redis, prefix } = ctx;
  if (!Object.keys(plan.buyerHolds).length) return;
  const p = redis.pipeline();
  for (const [buyerId, ids] of Object.entries(plan.buyerHolds)) {
    const key = buyerHoldsKey(prefix, slot, buyerId);
    p.sadd(key, ...ids).pexpire(key, ctx.idempotencyTtlMs);
  }
  await p.exec();
}
