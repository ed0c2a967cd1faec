import { isCluster } from '../db/redis.ts';
import { DomainError } from '../domain/errors.ts';
import { showtimeOfHold, type HoldRecord } from '../domain/hold.ts';
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

export function createHoldReads(ctx: InventoryContext): HoldReads {
  const { redis, prefix } = ctx;

  async function getHold(holdId: string): Promise<HoldRecord | null> {
    const st = showtimeOfHold(holdId);
    if (!st) return null;
    const rec = await redis.hget(ctx.keys(st).holds, holdId);
    return rec ? parseHold(rec) : null;
  }

  async function getHolds(showtimeId: string, holdIds: readonly string[]): Promise<Array<HoldRecord | null>> {
    if (!holdIds.length) return [];
    const recs = await redis.hmget(ctx.keys(showtimeId).holds, ...holdIds);
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
    const key = buyerHoldsKey(prefix, showtimeId, buyerId);
    const ids = await redis.smembers(key);
    if (!ids.length) return [];
    const recs = await redis.hmget(ctx.keys(showtimeId).holds, ...ids);
    const gone = ids.filter((_, i) => !recs[i]);
    if (gone.length) await redis.srem(key, ...gone);
    return recs
      .filter((r): r is string => !!r)
      .map(parseHold)
      .filter((h) => h.buyerId === buyerId)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async function verifyHoldToken(holdId: string, token: string): Promise<HoldRecord> {
    const st = showtimeFromHold(holdId);
    const k = ctx.keys(st);
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
    const endedKey = (id: string) => ctx.keys(showtimeOfHold(id) ?? '_').ended;
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

  const countHoldsExpiring = (showtimeId: string, after: number, until: number): Promise<number> =>
    redis.zcount(ctx.keys(showtimeId).expiry, lowerBound(after), until);

  const holdIdsExpiring = (showtimeId: string, after: number, until: number): Promise<string[]> =>
    redis.zrangebyscore(ctx.keys(showtimeId).expiry, lowerBound(after), until);

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
