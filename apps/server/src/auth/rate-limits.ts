import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { LimitedAction, RateLimitConfig, RateLimitSetting } from '../config/index.ts';
import type { Redis } from '../db/redis.ts';
import { DomainError } from '../domain/errors.ts';

/**
 * The abuse limits (issue 15): how many requests of one kind a client address and a buyer may make per minute —
 * buyer sessions started, one-time codes asked for, queue joins, holds and order look-ups. Counts live in Redis
 * (rate-limiter-flexible, fixed one-minute windows), so every node counts against the same budget. Defaults come
 * from config (`RATE_LIMIT_*`); a showtime's settings may override the hold and queue-join ones.
 */
export interface RateLimitSubject {
  /** The client's address (behind a trusted proxy: the one it saw); no address, no per-address count. */
  address?: string | undefined;
  /** The buyer the request speaks for (buyer id, or a normalised e-mail); none, no per-buyer count. */
  buyer?: string | undefined;
  /** Counted apart per scope (a showtime id for holds and queue joins), so one sale's budget is its own. */
  scope?: string | undefined;
}

export interface RateLimits {
  /** The configured limits per action (requests per minute; 0 = off). */
  readonly defaults: RateLimitConfig;
  /**
   * Counts one request of `action` for the subject's address and buyer, under `limits` (default: the configured
   * ones). Answers `null` synchronously when both limits are off — no promise, no Redis — else resolves to a
   * `rate_limited` DomainError (details.retryAfterSeconds: when the fuller window ends) or null. While Redis is
   * not connected it counts in this node's memory instead, at once (no waiting for Redis, no 503 on routes that
   * need only PostgreSQL).
   */
  take(
    action: LimitedAction,
    subject: RateLimitSubject,
    limits?: RateLimitSetting,
  ): null | Promise<DomainError | null>;
}

/** One minute: the per-showtime settings are "per minute" too. */
const WINDOW_SECONDS = 60;

const WHAT: Record<LimitedAction, string> = {
  session: 'Too many sign-ins',
  code: 'Too many codes asked for',
  queueJoin: 'Too many attempts to join the queue',
  hold: 'Too many hold requests',
  orderLookup: 'Too many order look-ups',
};

export function createRateLimits(deps: {
  redis: Redis;
  prefix: string;
  limits: RateLimitConfig;
}): RateLimits {
  // One limiter per action, counted thing and limit: a showtime's own limit is a limiter of its own over the same
  // keys, so changing the setting mid-window keeps the count.
  const limiters = new Map<string, RateLimiterRedis>();
  const limiter = (action: LimitedAction, per: 'address' | 'buyer', points: number): RateLimiterRedis => {
    const id = `${action}:${per}:${points}`;
    let l = limiters.get(id);
    if (!l) {
      const keyPrefix = `${deps.prefix}:rl:${action}:${per}`;
      l = new RateLimiterRedis({
        storeClient: deps.redis,
        keyPrefix,
        points,
        duration: WINDOW_SECONDS,
        // The shared client queues commands while disconnected (BullMQ needs that): without these a limited route
        // would wait for Redis to come back. Each node then limits on its own until it does.
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: WINDOW_SECONDS }),
      });
      limiters.set(id, l);
    }
    return l;
  };

  const count = async (
    action: LimitedAction,
    per: 'address' | 'buyer',
    points: number,
    key: string,
  ): Promise<number> => {
    try {
      await limiter(action, per, points).consume(key);
      return 0;
    } catch (e) {
      // consume() rejects with a RateLimiterRes when over the limit; anything else is a bug (Redis errors go to
      // the insurance limiter).
      if (e instanceof RateLimiterRes) return Math.max(1, e.msBeforeNext);
      throw e;
    }
  };

  const refusal = (action: LimitedAction, waits: number[]): DomainError | null => {
    const ms = Math.max(0, ...waits);
    if (ms === 0) return null;
    const retryAfterSeconds = Math.max(1, Math.ceil(ms / 1000));
    return new DomainError('rate_limited', `${WHAT[action]}. Try again in ${retryAfterSeconds} s.`, {
      retryAfterSeconds,
    });
  };

  return {
    defaults: deps.limits,
    take(action, subject, limits = deps.limits[action]) {
      const byAddress = limits.perAddress > 0 && subject.address ? subject.address : undefined;
      const byBuyer = limits.perBuyer > 0 && subject.buyer ? subject.buyer : undefined;
      if (byAddress === undefined && byBuyer === undefined) return null;
      const scope = subject.scope ? `${subject.scope}:` : '';
      return Promise.all([
        byAddress === undefined ? 0 : count(action, 'address', limits.perAddress, scope + byAddress),
        byBuyer === undefined ? 0 : count(action, 'buyer', limits.perBuyer, scope + byBuyer),
      ]).then((waits) => refusal(action, waits));
    },
  };
}
