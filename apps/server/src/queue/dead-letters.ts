import type { Redis } from '../db/redis.ts';
import { queuePrefix } from './queues.ts';

/** A hold whose order could not be written after its retries (issue 14 #3), as the box office sees it. */
export interface DeadLetter {
  holdId: string;
  showtimeId: string;
  buyerId: string;
  /** The last error's message (truncated). */
  error: string;
  /** Its PostgreSQL SQLSTATE when there was one (23503: a row it refers to does not exist). */
  code: string | null;
  attempts: number;
  /** When it was parked (ISO). */
  at: string;
}

/** At most this many are kept; the oldest go first (the metric still counts every one). */
const MAX_KEPT = 10_000;

/**
 * The dead-letter list of order persistence: one entry per hold (parking the same hold again replaces it), next to
 * the queues under a hash-tagged prefix of its own (both keys in one slot), newest first.
 */
export interface DeadLetters {
  park(letter: DeadLetter): Promise<void>;
  list(limit: number): Promise<DeadLetter[]>;
  /** Forgets a hold's entry (its order was written after all). */
  clear(holdId: string): Promise<void>;
}

export function createDeadLetters(redis: Redis, redisPrefix: string): DeadLetters {
  const base = `${queuePrefix(redisPrefix, 'dead-letters')}:dead-letters`;
  const entries = `${base}:entries`;
  const order = `${base}:order`;
  return {
    async park(letter) {
      await redis
        .multi()
        .hset(entries, letter.holdId, JSON.stringify(letter))
        .zadd(order, Date.parse(letter.at), letter.holdId)
        .exec();
      const excess = (await redis.zcard(order)) - MAX_KEPT;
      if (excess > 0) {
        const old = await redis.zrange(order, 0, String(excess - 1));
        if (old.length)
          await redis
            .multi()
            .zrem(order, ...old)
            .hdel(entries, ...old)
            .exec();
      }
    },
    async list(limit) {
      const ids = await redis.zrevrange(order, 0, Math.max(0, limit - 1));
      if (!ids.length) return [];
      const rows = await redis.hmget(entries, ...ids);
      return rows.flatMap((r) => (r ? [JSON.parse(r) as DeadLetter] : []));
    },
    async clear(holdId) {
      await redis.multi().zrem(order, holdId).hdel(entries, holdId).exec();
    },
  };
}
