import { randomBytes } from 'node:crypto';
import type { InventoryContext } from './context.ts';
import { bucketGiveScriptKeys, bucketTakeScriptKeys, rollupScriptKeys } from './keys.ts';

/**
 * GA buckets (docs/inventory.md, "GA buckets"): a showtime whose GA stock is split over K slots. Each bucket is a
 * complete GA inventory of its own slot (`{st:<id>~<n>}`), run by the ordinary scripts; this file adds what spans
 * buckets — which bucket a request or a hold belongs to, moving stock into a bucket that ran dry (give → take →
 * settle, recorded in the giver's ledger), and the rollup that keeps the showtime's own slot (its counts, version,
 * change log and channel: what clients and sold-out gates follow) equal to the sum of its buckets.
 */
export interface Buckets {
  /** The slot a hold's keys live on: on a bucketed showtime the bucket its id names, else the showtime's. */
  slotOfHold(showtimeId: string, holdId: string): Promise<string>;
  /** The same without a Redis call when the showtime's bucket count is already known here (else its own slot). */
  slotOfHoldCached(showtimeId: string, holdId: string): string;
  /** The random part of a new hold id made in a bucket: it starts with the bucket's name (`b<n>-`). */
  holdIdPart(slotId: string, random: string): string;
  /** A request's home bucket: its request tag mod K, so a retry (same buyer + idempotency key) lands on it again. */
  homeSlot(showtimeId: string, buckets: number, tag: number): string;
  /** The bucket index of a bucket slot id (-1: not one of the showtime's buckets). */
  indexOf(showtimeId: string, buckets: number, slotId: string): number;
  /** Every slot whose keys hold the showtime's holds and outbox: its buckets, or itself. */
  slots(showtimeId: string): Promise<readonly string[]>;
  /**
   * Moves stock of `zone` into `home` from the other buckets (most stocked first, every one asked before giving up)
   * until `missing` units arrived; returns how many arrived (0: every other bucket had none).
   */
  refill(showtimeId: string, buckets: number, home: string, zone: string, missing: number): Promise<number>;
  /**
   * Brings the showtime's counts up to date with the named buckets (or all), publishing one change when they
   * changed; `tag` is the request tag of a hold made (published as `rk`, for other nodes' gates). Coalesced: one
   * rollup per showtime in flight from this node, at most one every ROLLUP_INTERVAL_MS. Resolves once a rollup
   * that includes this call's buckets is done.
   */
  rollup(
    showtimeId: string,
    buckets: number,
    which: number | 'all',
    kind: string,
    tag?: number,
  ): Promise<void>;
  /** Completes moves that stayed in a giver's ledger longer than `olderThanMs` (a node died between steps). */
  settleStale(showtimeId: string, buckets: number, olderThanMs: number): Promise<number>;
  /** Per bucket, its counts and units in flight out of it, with its version (null: the bucket is not loaded). */
  readBucket(slotId: string): Promise<BucketState | null>;
}

export interface BucketState {
  version: number;
  counts: Record<string, number>;
  /** zone → units given away and not yet settled. */
  inFlight: Record<string, number>;
}

/** The most a move takes beyond what the receiving bucket is missing (half the giver's stock, up to this). */
const MOVE_BOUND = 500;
/** Rollups of one showtime from one node start at most this often (a rush runs them back to back). */
const ROLLUP_INTERVAL_MS = 5;
const BUCKET_PREFIX = /^b(\d+)-/;

export function createBuckets(ctx: InventoryContext): Buckets {
  const rollups = createRollups(ctx);
  const moves = createMoves(ctx, rollups);

  function bucketOfHoldId(showtimeId: string, holdId: string): string | null {
    const m = BUCKET_PREFIX.exec(holdId.slice(showtimeId.length + 1));
    return m ? `${showtimeId}~${m[1]}` : null;
  }

  async function slotOfHold(showtimeId: string, holdId: string): Promise<string> {
    const k = ctx.bucketCount(showtimeId) ?? (await ctx.resolveBuckets(showtimeId));
    return k > 1 ? (bucketOfHoldId(showtimeId, holdId) ?? showtimeId) : showtimeId;
  }

  function slotOfHoldCached(showtimeId: string, holdId: string): string {
    const k = ctx.bucketCount(showtimeId) ?? 1;
    return k > 1 ? (bucketOfHoldId(showtimeId, holdId) ?? showtimeId) : showtimeId;
  }

  const holdIdPart = (slotId: string, random: string) =>
    `b${slotId.slice(slotId.indexOf('~') + 1)}-${random}`;

  const homeSlot = (showtimeId: string, buckets: number, tag: number) =>
    ctx.bucketSlots(showtimeId, buckets)[tag % buckets]!;

  const indexOf = (showtimeId: string, buckets: number, slotId: string) =>
    ctx.bucketSlots(showtimeId, buckets).indexOf(slotId);

  async function slots(showtimeId: string): Promise<readonly string[]> {
    const k = ctx.bucketCount(showtimeId) ?? (await ctx.resolveBuckets(showtimeId));
    return k > 1 ? ctx.bucketSlots(showtimeId, k) : [showtimeId];
  }

  return {
    slotOfHold,
    slotOfHoldCached,
    holdIdPart,
    homeSlot,
    indexOf,
    slots,
    refill: moves.refill,
    rollup: rollups.rollup,
    settleStale: moves.settleStale,
    readBucket: rollups.readBucket,
  };
}

type Rollups = Pick<Buckets, 'rollup' | 'readBucket'>;

/** Moving stock between buckets (give → take → settle) and completing moves a dead node left half done. */
function createMoves(ctx: InventoryContext, rollups: Rollups): Pick<Buckets, 'refill' | 'settleStale'> {
  const { redis, logger } = ctx;
  const { rollup } = rollups;

  // --- Moves ---------------------------------------------------------------------------------------------------

  /** Steps 2 and 3 of a move: the receiver applies it (once), then the giver drops it from its ledger. */
  async function complete(
    showtimeId: string,
    giver: string,
    moveId: string,
    to: string,
    zone: string,
    n: number,
  ): Promise<boolean> {
    const took = await ctx.runIn('bucketTake', showtimeId, to, bucketTakeScriptKeys(ctx.keys(to)), [
      moveId,
      zone,
      n,
    ]);
    if (Number(took[0]) < 0) {
      logger.error(
        { showtimeId, giver, to, zone, moveId },
        'GA bucket move refused by its receiver; left in the ledger',
      );
      return false;
    }
    await ctx.runIn('bucketSettle', showtimeId, giver, bucketGiveScriptKeys(ctx.keys(giver)), [moveId]);
    return true;
  }

  async function move(
    showtimeId: string,
    giver: string,
    to: string,
    zone: string,
    want: number,
  ): Promise<number> {
    const moveId = randomBytes(8).toString('hex');
    const gave = await ctx.runIn('bucketGive', showtimeId, giver, bucketGiveScriptKeys(ctx.keys(giver)), [
      moveId,
      to,
      zone,
      want,
      MOVE_BOUND,
    ]);
    const n = Number(gave[0]);
    if (n <= 0) return 0;
    return (await complete(showtimeId, giver, moveId, to, zone, n)) ? n : 0;
  }

  /** The available units of `zone` per bucket as of the showtime's last rollup (0 where unknown). */
  async function knownAvailable(showtimeId: string, buckets: number, zone: string): Promise<number[]> {
    const stored = await redis.hgetall(ctx.keys(showtimeId).rollup);
    return Array.from({ length: buckets }, (_, b) => {
      const raw = stored[`c:${b}`];
      if (!raw) return 0;
      return Number((JSON.parse(raw) as Record<string, number>)[`z:${zone}:a`] ?? 0);
    });
  }

  const refills = new Map<string, Promise<number>>();
  function refill(
    showtimeId: string,
    buckets: number,
    home: string,
    zone: string,
    missing: number,
  ): Promise<number> {
    // Requests of one node that found their home bucket short wait for one refill rather than each starting one.
    const key = `${home}|${zone}`;
    let p = refills.get(key);
    if (!p) {
      p = refillNow(showtimeId, buckets, home, zone, missing).finally(() => refills.delete(key));
      refills.set(key, p);
    }
    return p;
  }

  async function refillNow(
    showtimeId: string,
    buckets: number,
    home: string,
    zone: string,
    missing: number,
  ): Promise<number> {
    const ids = ctx.bucketSlots(showtimeId, buckets);
    const homeIndex = ids.indexOf(home);
    const known = await knownAvailable(showtimeId, buckets, zone);
    const givers = ids
      .map((_, b) => b)
      .filter((b) => b !== homeIndex)
      .sort((a, b) => known[b]! - known[a]!);
    let got = 0;
    const touched: number[] = [];
    for (const b of givers) {
      if (got >= missing) break;
      const n = await move(showtimeId, ids[b]!, home, zone, missing - got);
      if (n > 0) touched.push(b);
      got += n;
    }
    if (touched.length) {
      touched.push(homeIndex);
      for (const b of touched)
        void rollup(showtimeId, buckets, b, 'hold').catch(rollupErrorLogger(ctx, showtimeId));
    }
    return got;
  }

  async function settleStale(showtimeId: string, buckets: number, olderThanMs: number): Promise<number> {
    const ids = ctx.bucketSlots(showtimeId, buckets);
    const before = ctx.now() - olderThanMs;
    let settled = 0;
    for (const giver of ids) {
      const ledger = await redis.hgetall(ctx.keys(giver).moves);
      for (const [moveId, entry] of Object.entries(ledger)) {
        const [to, zone, n, at] = entry.split('|');
        if (!to || !zone || Number(at) > before) continue;
        if (await complete(showtimeId, giver, moveId, to, zone, Number(n))) settled++;
      }
    }
    if (settled) await rollup(showtimeId, buckets, 'all', 'release');
    return settled;
  }

  return { refill, settleStale };
}

/** The rollup of a showtime's buckets onto its own slot (see `Buckets.rollup`). */
function createRollups(ctx: InventoryContext): Rollups {
  const { redis } = ctx;

  async function readBucket(slotId: string): Promise<BucketState | null> {
    const k = ctx.keys(slotId);
    const res = await redis.multi().hget(k.meta, 'version').hgetall(k.counts).hvals(k.moves).exec();
    if (!res) throw new Error('bucket read aborted');
    for (const [err] of res) if (err) throw err;
    const version = res[0]![1] as string | null;
    if (version === null) return null;
    const counts: Record<string, number> = {};
    for (const [f, v] of Object.entries(res[1]![1] as Record<string, string>)) counts[f] = Number(v);
    const inFlight: Record<string, number> = {};
    for (const entry of res[2]![1] as string[]) {
      const [, zone, n] = entry.split('|');
      if (zone) inFlight[zone] = (inFlight[zone] ?? 0) + Number(n);
    }
    return { version: Number(version), counts, inFlight };
  }

  interface Pending {
    dirty: Set<number>;
    tags: number[];
    kind: string;
    queued: Promise<void> | null;
    tail: Promise<void>;
    startedAt: number;
  }
  const pending = new Map<string, Pending>();

  function rollup(
    showtimeId: string,
    buckets: number,
    which: number | 'all',
    kind: string,
    tag?: number,
  ): Promise<void> {
    let p = pending.get(showtimeId);
    if (!p) {
      p = { dirty: new Set(), tags: [], kind, queued: null, tail: Promise.resolve(), startedAt: 0 };
      pending.set(showtimeId, p);
    }
    if (which === 'all') for (let b = 0; b < buckets; b++) p.dirty.add(b);
    else p.dirty.add(which);
    if (tag !== undefined) p.tags.push(tag);
    if (p.kind !== 'hold') p.kind = kind;
    if (p.queued) return p.queued;
    const state = p;
    const run = state.tail.then(async () => {
      const wait = state.startedAt + ROLLUP_INTERVAL_MS - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      state.queued = null;
      state.startedAt = Date.now();
      const { dirty, tags, kind: k } = state;
      state.dirty = new Set();
      state.tags = [];
      state.kind = 'expire';
      await rollupNow(showtimeId, buckets, dirty, tags, k);
    });
    state.queued = run;
    state.tail = run.catch(() => undefined);
    return run;
  }

  async function rollupNow(
    showtimeId: string,
    buckets: number,
    dirty: ReadonlySet<number>,
    tags: readonly number[],
    kind: string,
  ): Promise<void> {
    const ids = ctx.bucketSlots(showtimeId, buckets);
    const report = async (bs: Iterable<number>) => {
      const out: Array<[number, number, Record<string, number>]> = [];
      const read = await Promise.all([...bs].map(async (b) => [b, await readBucket(ids[b]!)] as const));
      for (const [b, s] of read) {
        if (!s) continue;
        const fields = { ...s.counts };
        for (const [zone, n] of Object.entries(s.inFlight)) fields[`mv:${zone}`] = n;
        out.push([b, s.version, fields]);
      }
      return out;
    };
    const run = async (reports: Array<[number, number, Record<string, number>]>) =>
      ctx.run('rollup', showtimeId, rollupScriptKeys(ctx.keys(showtimeId)), [
        buckets,
        JSON.stringify(reports),
        JSON.stringify(tags),
        kind,
      ]);
    const reply = await run(await report(dirty));
    // Some bucket never reported since the load (this node saw only some of them change): report all of them.
    if (Number(reply[0]) === -20) await run(await report(ids.keys()));
  }

  return { rollup, readBucket };
}

/** Logs a failed rollup that nobody awaits (the hot path does not wait for rollups). */
export function rollupErrorLogger(ctx: InventoryContext, showtimeId: string): (err: unknown) => void {
  return (err) =>
    ctx.logger.error({ err, showtimeId }, 'GA bucket rollup failed (the next change or sweep repeats it)');
}
