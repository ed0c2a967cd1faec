import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from '../db/redis.ts';
import { DomainError } from '../domain/errors.ts';

export interface LoginLimits {
  /** Failed sign-ins allowed per account per window. Default 5. */
  perAccount: number;
  /** Failed sign-ins allowed per client IP per window (across accounts). Default 20. */
  perIp: number;
  /** Window in seconds. Default 15 minutes. */
  windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAccount: 5, perIp: 20, windowSeconds: 15 * 60 };

/**
 * Counts failed sign-ins in Redis (shared by all nodes) per account and per IP. Only failures count, so a
 * person who knows their password is never locked out by their own successes; a success clears the account's
 * count. Once a limit is reached every attempt is refused until the window ends — even a correct password,
 * or guessing would simply continue.
 */
export class LoginLimiter {
  private readonly account: RateLimiterRedis;
  private readonly ip: RateLimiterRedis;

  constructor(
    redis: Redis,
    prefix: string,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {
    const common = { storeClient: redis, duration: limits.windowSeconds };
    this.account = new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}:rl:login-account`,
      points: limits.perAccount,
    });
    this.ip = new RateLimiterRedis({ ...common, keyPrefix: `${prefix}:rl:login-ip`, points: limits.perIp });
  }

  /** @throws DomainError `rate_limited` (details.retryAfterSeconds) when either limit is used up. */
  async check(email: string, ip: string): Promise<void> {
    const [a, i] = await Promise.all([this.account.get(email), this.ip.get(ip)]);
    const waits = [
      a && a.consumedPoints >= this.limits.perAccount ? a.msBeforeNext : 0,
      i && i.consumedPoints >= this.limits.perIp ? i.msBeforeNext : 0,
    ];
    const ms = Math.max(...waits);
    if (ms > 0) throw limited(ms);
  }

  /** Records a failure. */
  async failed(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.account.consume(email).catch(swallowLimit),
      this.ip.consume(ip).catch(swallowLimit),
    ]);
  }

  async succeeded(email: string): Promise<void> {
    await this.account.delete(email);
  }
}

/** consume() rejects with a RateLimiterRes once over the limit; that is expected, anything else is not. */
function swallowLimit(e: unknown): void {
  if (e instanceof RateLimiterRes) return;
  throw e;
}

export function limited(ms: number): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil(ms / 1000));
  return new DomainError('rate_limited', `Too many failed sign-ins. Try again in ${retryAfterSeconds} s.`, {
    retryAfterSeconds,
  });
}
