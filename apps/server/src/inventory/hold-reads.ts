import { isCluster } from '../db/redis.ts';
import { DomainError } from '../domain/errors.ts';
import { showtimeOfHold, type HoldRecord } from '../domain/hold.ts';
import type { Buckets } from './buckets.ts';
import { parseHold, sameHash, sha256, showtimeFromHold, type InventoryContext } from './context.ts';
import { buyerHoldsKey } from './keys.ts';
import type { HoldEnding } from './types.ts';

/** Read models of holds: records, a buyer's holds, how ended holds ended, what expires when. */
export interface HoldReads {
  getHold: (holdId: string) => Promise<HoldRecord | null>;
  getHolds: (showtimeId: string, holdIds: readonly string[]) => Promise<Array<HoldRecord | null>>;
  holdsOf: (showtimeId: string, buyerId: string) => Promise<HoldRecord[]>;
  verifyHoldToken: (holdId: string, token: string) => Promise<HoldRecord>;
  holdEndings: (holdIds: readonly string[]) => Promise<Array<HoldEnding | null>>;
  countHoldsExpiring: (showtimeId: string, after: number, until: number) => Promise<number>;
  holdIdsExpiring: (showtimeId: string, after: number, until: number) => Promise<string[]>;
}

/** A score range `(after, until]` of the expiry set (`after` may be -Infinity). */
const lowerBound = (after: number) => (after === -Infinity ? '-inf' : `(${after}`);

export function createHoldReads(ctx: InventoryContext, buckets: Buckets): HoldReads {
  const { redis, prefix } = ctx;

  async function getHold(holdId: string): Promise<HoldRecord | null> {
    const st = showtimeOfHold(holdId);
    if (!st) return null;
    const rec = await redis.hget(ctx.keys(await buckets.slotOfHold(st, holdId)).holds, holdId);
    return rec ? parseHold(rec) : null;
  }

  async function getHolds(showtimeId: string, holdIds: readonly string[]): Promise<Array<HoldRecord | null>> {
    if (!holdIds.length) return [];
    const slots = await buckets.slots(showtimeId);
    let recs: Array<string | null>;
    if (slots.length === 1) recs = await redis.hmget(ctx.keys(showtimeId).holds, ...holdIds);
    else
      recs = await Promise.all(
        holdIds.map((id) => redis.hget(ctx.keys(buckets.slotOfHoldCached(showtimeId, id)).holds, id)),
      );
    return recs.map((json) => {
      if (!json) return null;
      try {
        return parseHold(json);
      } catch {
        return null;
      }
    });
  }

  async function holdsOf(showtimeId: string, buyerId: string): Promise<HoldRecord[]> {
    const slots = await buckets.slots(showtimeId);
    const found = await Promise.all(slots.map((slot) => holdsIn(slot, buyerId)));
    return found
      .flat()
      .map(parseHold)
      .filter((h) => h.buyerId === buyerId)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** The hold records a buyer's index on one slot names (ids of holds that ended are pruned from it). */
  async function holdsIn(slot: string, buyerId: string): Promise<string[]> {
    const key = buyerHoldsKey(prefix, slot, buyerId);
    const ids = await redis.smembers(key);
    if (!ids.length) return [];
    const recs = await redis.hmget(ctx.keys(slot).holds, ...ids);
    const gone = ids.filter((_, i) => !recs[i]);
    if (gone.length) await redis.srem(key, ...gone);
    return recs.filter((r): r is string => !!r);
  }

  async function verifyHoldToken(holdId: string, token: string): Promise<HoldRecord> {
    const st = showtimeFromHold(holdId);
    const k = ctx.keys(await buckets.slotOfHold(st, holdId));
    const [rec, expired] = await Promise.all([
      redis.hget(k.holds, holdId),
      redis.zscore(k.ended, `${holdId}|e`),
    ]);
    if (!rec) throw new DomainError(expired !== null ? 'hold_expired' : 'hold_not_found');
    const hold = parseHold(rec);
    if (!sameHash(hold.tokenHash, sha256(token))) throw new DomainError('hold_token_invalid');
    if (hold.status === 'held' && hold.expiresAt <= ctx.now()) throw new DomainError('hold_expired');
    return hold;
  }

  async function holdEndings(holdIds: readonly string[]): Promise<Array<HoldEnding | null>> {
    if (holdIds.length === 0) return [];
    // Bucket counts of the showtimes named, so that each hold's slot is known below without a call per hold.
    const showtimes = new Set(holdIds.map((id) => showtimeOfHold(id)).filter((st) => st !== null));
    await Promise.all([...showtimes].map((st) => ctx.resolveBuckets(st)));
    const endedKey = (id: string) => {
      const st = showtimeOfHold(id);
      return ctx.keys(st ? buckets.slotOfHoldCached(st, id) : '_').ended;
    };
    let res: Array<[Error | null, unknown]>;
    if (!isCluster(redis)) {
      const p = redis.pipeline();
      for (const id of holdIds) p.zmscore(endedKey(id), `${id}|e`, `${id}|r`);
      res = (await p.exec()) ?? [];
    } else {
      // The holds may belong to several showtimes, so several slots: one call each (a pipeline stays on one node).
      res = await Promise.all(
        holdIds.map((id) =>
          redis.zmscore(endedKey(id), `${id}|e`, `${id}|r`).then(
            (v): [null, unknown] => [null, v],
            (err: Error): [Error, null] => [err, null],
          ),
        ),
      );
    }
    return holdIds.map((_, i) => {
      const [err, v] = res[i] ?? [null, null];
      if (err || !v) return null;
      const [e, r] = v as Array<string | null>;
      return e !== null ? 'expired' : r !== null ? 'released' : null;
    });
  }

  const countHoldsExpiring = async (showtimeId: string, after: number, until: number): Promise<number> => {
    const slots = await buckets.slots(showtimeId);
    const n = await Promise.all(slots.map((s) => redis.zcount(ctx.keys(s).expiry, lowerBound(after), until)));
    return n.reduce((a, b) => a + b, 0);
  };

  const holdIdsExpiring = async (showtimeId: string, after: number, until: number): Promise<string[]> => {
    const slots = await buckets.slots(showtimeId);
    const ids = await Promise.all(
      slots.map((s) => redis.zrangebyscore(ctx.keys(s).expiry, lowerBound(after), until)),
    );
    return ids.flat();
  };

  return {
    getHold,
    getHolds,
    holdsOf,
    verifyHoldToken,
    holdEndings,
    countHoldsExpiring,
    holdIdsExpiring,
  };
}
