import { showtimeOfHold, type HoldItem, type ReturnItem } from '../domain/hold.ts';
import type { Buckets } from './buckets.ts';
import { codeOf, fail, ScriptCode } from './codes.ts';
import { sha256, showtimeFromHold, type InventoryContext } from './context.ts';
import type { ScriptName } from './scripts.ts';
import {
  confirmScriptKeys,
  extendScriptKeys,
  holdScriptKeys,
  reclaimScriptKeys,
  returnItemsScriptKeys,
} from './keys.ts';

/**
 * What happens to a hold after it is made: released by its buyer, expired, extended (once by checkout, and
 * while its payment is in flight), confirmed (sold) for
 * an order or reclaimed after expiry by a late payment; and sold items returned by a refund.
 */
export interface HoldLifecycle {
  release: (holdId: string, token: string) => Promise<void>;
  expire: (holdId: string) => Promise<'expired' | 'not_due' | 'gone' | 'confirmed'>;
  expireDue: (showtimeId: string, limit: number) => Promise<string[]>;
  extend: (holdId: string, token: string, seconds: number) => Promise<{ expiresAt: string }>;
  extendForPayment: (holdId: string, seconds: number, maxSeconds: number) => Promise<{ expiresAt: number }>;
  confirm: (holdId: string, orderRef: string) => Promise<'confirmed' | 'already_confirmed'>;
  reclaim: (
    showtimeId: string,
    holdId: string,
    items: HoldItem[],
    buyerId: string,
    orderRef: string,
    limitKey?: string,
  ) => Promise<'sold'>;
  returnItems: (showtimeId: string, orderRef: string, items: ReturnItem[]) => Promise<{ returned: number }>;
}

const EXPIRE_OUTCOMES = ['expired', 'not_due', 'gone', 'confirmed'] as const;

/** GA buckets: a move still in a giver's ledger after this long is completed by the sweeper (its node died). */
const STALE_MOVE_MS = 10_000;

/**
 * Runs a hold's script where its keys are — its showtime's slot, or (GA buckets) the bucket its id names — and, in a
 * bucket, brings the showtime's counts up to date before answering (`kind`: the change it makes; null: none that
 * counts, e.g. an extension).
 */
function holdRunner(ctx: InventoryContext, buckets: Buckets) {
  return async function runForHold(
    name: ScriptName,
    st: string,
    holdId: string,
    keysOf: (slot: string) => string[],
    args: ReadonlyArray<string | number>,
    kind: string | null,
  ) {
    const slot = await buckets.slotOfHold(st, holdId);
    if (slot === st) return ctx.run(name, st, keysOf(st), args);
    const reply = await ctx.runIn(name, st, slot, keysOf(slot), args);
    if (kind) {
      const k = ctx.bucketCount(st)!;
      await buckets.rollup(st, k, buckets.indexOf(st, k, slot), kind);
    }
    return reply;
  };
}

/** GA buckets: a refund runs in the bucket where the order was confirmed, which keeps the order's record. */
async function returnInBuckets(
  ctx: InventoryContext,
  buckets: Buckets,
  showtimeId: string,
  slots: readonly string[],
  args: string[],
) {
  const has = await Promise.all(slots.map((slot) => ctx.redis.hexists(ctx.keys(slot).orders, args[0]!)));
  const at = Math.max(0, has.indexOf(1));
  const slot = slots[at]!;
  const reply = await ctx.runIn('returnItems', showtimeId, slot, returnItemsScriptKeys(ctx.keys(slot)), args);
  await buckets.rollup(showtimeId, slots.length, at, 'return');
  return reply;
}

export function createHoldLifecycle(ctx: InventoryContext, buckets: Buckets): HoldLifecycle {
  const runForHold = holdRunner(ctx, buckets);
  const holdKeys = (slot: string) => holdScriptKeys(ctx.keys(slot));

  async function release(holdId: string, token: string): Promise<void> {
    const st = showtimeFromHold(holdId);
    const reply = await runForHold('release', st, holdId, holdKeys, [holdId, sha256(token)], 'release');
    if (Number(reply[0]) < 0) fail(reply);
  }

  async function expire(holdId: string): Promise<'expired' | 'not_due' | 'gone' | 'confirmed'> {
    const st = showtimeOfHold(holdId);
    if (!st) return 'gone';
    const reply = await runForHold('expire', st, holdId, holdKeys, [holdId], 'expire');
    return EXPIRE_OUTCOMES[Number(reply[0]) - 1]!;
  }

  async function expireDue(showtimeId: string, limit: number): Promise<string[]> {
    const slots = await buckets.slots(showtimeId);
    const due: string[] = [];
    for (const slot of slots) {
      if (due.length >= limit) break;
      const ids = await ctx.redis.zrangebyscore(
        ctx.keys(slot).expiry,
        '-inf',
        ctx.now(),
        'LIMIT',
        0,
        limit - due.length,
      );
      due.push(...ids);
    }
    const outcomes = await Promise.all(due.map((id) => expire(id)));
    if (slots.length > 1) {
      // The sweeper's round over a bucketed showtime also completes moves a dead node left half done, and rolls
      // every bucket up (a node that died before its rollup leaves the showtime's counts behind until then).
      const k = slots.length;
      await buckets.settleStale(showtimeId, k, STALE_MOVE_MS);
      await buckets.rollup(showtimeId, k, 'all', 'expire');
    }
    return due.filter((_, i) => outcomes[i] === 'expired');
  }

  async function extend(holdId: string, token: string, seconds: number): Promise<{ expiresAt: string }> {
    const st = showtimeFromHold(holdId);
    const reply = await runForHold(
      'extend',
      st,
      holdId,
      (slot) => extendScriptKeys(ctx.keys(slot)),
      [holdId, sha256(token), Math.max(0, Math.floor(seconds)), ctx.maxExtensionSeconds, 'checkout'],
      null,
    );
    if (Number(reply[0]) < 0) fail(reply);
    return { expiresAt: new Date(Number(reply[1])).toISOString() };
  }

  async function extendForPayment(
    holdId: string,
    seconds: number,
    maxSeconds: number,
  ): Promise<{ expiresAt: number }> {
    const st = showtimeFromHold(holdId);
    const reply = await runForHold(
      'extend',
      st,
      holdId,
      (slot) => extendScriptKeys(ctx.keys(slot)),
      [holdId, '', Math.max(0, Math.floor(seconds)), Math.max(0, Math.floor(maxSeconds)), 'payment'],
      null,
    );
    if (Number(reply[0]) < 0) fail(reply);
    return { expiresAt: Number(reply[1]) };
  }

  async function confirm(holdId: string, orderRef: string): Promise<'confirmed' | 'already_confirmed'> {
    const st = showtimeFromHold(holdId);
    const reply = await runForHold(
      'confirm',
      st,
      holdId,
      (slot) => confirmScriptKeys(ctx.keys(slot)),
      [holdId, orderRef],
      'confirm',
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
    limitKey?: string,
  ): Promise<'sold'> {
    const run = () =>
      runForHold(
        'reclaim',
        showtimeId,
        holdId,
        (slot) => reclaimScriptKeys(ctx.keys(slot)),
        [holdId, buyerId, orderRef, JSON.stringify(items), limitKey ?? ''],
        'reclaim',
      );
    let reply = await run();
    const slot = await buckets.slotOfHold(showtimeId, holdId);
    if (codeOf(reply) === ScriptCode.SoldOut && slot !== showtimeId) {
      // GA buckets: the hold's bucket alone lacks the units; move them in from the others and try once more.
      const k = ctx.bucketCount(showtimeId)!;
      let got = 0;
      for (const it of items)
        if (it.kind === 'ga') got += await buckets.refill(showtimeId, k, slot, it.zone, it.quantity);
      if (got > 0) reply = await run();
    }
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
    const args = [orderRef, JSON.stringify(items)];
    const slots = await buckets.slots(showtimeId);
    if (slots.length === 1) {
      const reply = await ctx.run(
        'returnItems',
        showtimeId,
        returnItemsScriptKeys(ctx.keys(showtimeId)),
        args,
      );
      if (Number(reply[0]) < 0) fail(reply);
      return { returned: Number(reply[0]) };
    }
    const reply = await returnInBuckets(ctx, buckets, showtimeId, slots, args);
    if (Number(reply[0]) < 0) fail(reply);
    return { returned: Number(reply[0]) };
  }

  return { release, expire, expireDue, extend, extendForPayment, confirm, reclaim, returnItems };
}
