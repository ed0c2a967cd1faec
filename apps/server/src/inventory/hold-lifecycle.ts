import { showtimeOfHold, type HoldItem, type ReturnItem } from '../domain/hold.ts';
import { codeOf, fail, ScriptCode } from './codes.ts';
import { sha256, showtimeFromHold, type InventoryContext } from './context.ts';
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
  ) => Promise<'sold'>;
  returnItems: (showtimeId: string, orderRef: string, items: ReturnItem[]) => Promise<{ returned: number }>;
}

const EXPIRE_OUTCOMES = ['expired', 'not_due', 'gone', 'confirmed'] as const;

export function createHoldLifecycle(ctx: InventoryContext): HoldLifecycle {
  async function release(holdId: string, token: string): Promise<void> {
    const st = showtimeFromHold(holdId);
    const reply = await ctx.run('release', st, holdScriptKeys(ctx.keys(st)), [holdId, sha256(token)]);
    if (Number(reply[0]) < 0) fail(reply);
  }

  async function expire(holdId: string): Promise<'expired' | 'not_due' | 'gone' | 'confirmed'> {
    const st = showtimeOfHold(holdId);
    if (!st) return 'gone';
    const reply = await ctx.run('expire', st, holdScriptKeys(ctx.keys(st)), [holdId]);
    return EXPIRE_OUTCOMES[Number(reply[0]) - 1]!;
  }

  async function expireDue(showtimeId: string, limit: number): Promise<string[]> {
    const due = await ctx.redis.zrangebyscore(
      ctx.keys(showtimeId).expiry,
      '-inf',
      ctx.now(),
      'LIMIT',
      0,
      limit,
    );
    const outcomes = await Promise.all(due.map((id) => expire(id)));
    return due.filter((_, i) => outcomes[i] === 'expired');
  }

  async function extend(holdId: string, token: string, seconds: number): Promise<{ expiresAt: string }> {
    const st = showtimeFromHold(holdId);
    const reply = await ctx.run('extend', st, extendScriptKeys(ctx.keys(st)), [
      holdId,
      sha256(token),
      Math.max(0, Math.floor(seconds)),
      ctx.maxExtensionSeconds,
      'checkout',
    ]);
    if (Number(reply[0]) < 0) fail(reply);
    return { expiresAt: new Date(Number(reply[1])).toISOString() };
  }

  async function extendForPayment(
    holdId: string,
    seconds: number,
    maxSeconds: number,
  ): Promise<{ expiresAt: number }> {
    const st = showtimeFromHold(holdId);
    const reply = await ctx.run('extend', st, extendScriptKeys(ctx.keys(st)), [
      holdId,
      '',
      Math.max(0, Math.floor(seconds)),
      Math.max(0, Math.floor(maxSeconds)),
      'payment',
    ]);
    if (Number(reply[0]) < 0) fail(reply);
    return { expiresAt: Number(reply[1]) };
  }

  async function confirm(holdId: string, orderRef: string): Promise<'confirmed' | 'already_confirmed'> {
    const st = showtimeFromHold(holdId);
    const reply = await ctx.run('confirm', st, confirmScriptKeys(ctx.keys(st)), [holdId, orderRef]);
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
    const reply = await ctx.run('reclaim', showtimeId, reclaimScriptKeys(ctx.keys(showtimeId)), [
      holdId,
      buyerId,
      orderRef,
      JSON.stringify(items),
    ]);
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
    const reply = await ctx.run('returnItems', showtimeId, returnItemsScriptKeys(ctx.keys(showtimeId)), [
      orderRef,
      JSON.stringify(items),
    ]);
    if (Number(reply[0]) < 0) fail(reply);
    return { returned: Number(reply[0]) };
  }

  return { release, expire, expireDue, extend, extendForPayment, confirm, reclaim, returnItems };
}
