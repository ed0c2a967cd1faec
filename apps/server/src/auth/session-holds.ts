import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.ts';
import { SESSION_TTL_SECONDS } from './buyer.ts';

/**
 * The holds each buyer session made, so "my orders" lists only orders made in that session. A guest session is an
 * email *claim* — anyone can open one for any address — so listing every order of the email would hand a
 * stranger the buyer's order codes (and with them the tickets and refunds); an order made elsewhere is found with
 * its code and email instead. A sorted set per session (hold id, scored by time), trimmed to the newest
 * MAX_PER_SESSION and kept as long as the session lives.
 */
export interface SessionHolds {
  /** Records a hold of the session. Fire and forget: a failure only leaves the order out of the list. */
  note(sessionId: string, holdId: string): void;
  /** The session's hold ids, newest first. */
  holdIds(sessionId: string): Promise<string[]>;
}

const MAX_PER_SESSION = 500;

export function createSessionHolds(redis: Redis, prefix: string, logger: Logger): SessionHolds {
  const key = (sessionId: string) => `${prefix}:buyer-session:${sessionId}:holds`;
  return {
    note(sessionId, holdId) {
      const k = key(sessionId);
      redis
        .multi()
        .zadd(k, Date.now(), holdId)
        .zremrangebyrank(k, 0, -(MAX_PER_SESSION + 1))
        .expire(k, SESSION_TTL_SECONDS)
        .exec()
        .catch((err: unknown) => logger.warn({ err, holdId }, 'could not record the session of a hold'));
    },
    holdIds: (sessionId) => redis.zrevrange(key(sessionId), 0, -1),
  };
}
