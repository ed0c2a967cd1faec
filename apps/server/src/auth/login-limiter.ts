import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from '../db/redis.ts';
import { DomainError } from '../domain/errors.ts';

export interface LoginLimits {
  /** Failed sign-ins allowed for one account from one client address per window. Default 5. */
  perAccountAddress: number;
  /** Failed sign-ins allowed from one client address across accounts per window. Default 20. */
  perAddress: number;
  /**
   * Failed sign-ins allowed for one account from all addresses together per window (a guesser spread over many
   * addresses). Default 100: with at most 5 per address, that takes 20 addresses. Once used up, only addresses
   * the account signed in from before may try.
   */
  perAccount: number;
  /** Window in seconds. Default 15 minutes. */
  windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perAccountAddress: 5,
  perAddress: 20,
  perAccount: 100,
  windowSeconds: 15 * 60,
};

/** How long an address that signed in successfully stays "known" to the account. */
const KNOWN_SECONDS = 30 * 86_400;

/**
 * Counts failed staff sign-ins in Redis (shared by all nodes) per (account, address) pair, per address and per
 * account. Only failures count, and a success clears its pair's count. A limit that is used up refuses every
 * attempt it covers until its window ends — even a correct password, or guessing would simply continue — but it
 * covers only what it counts: five wrong passwords from one address lock that address out of that account, not
 * the account's owner elsewhere. The account-wide limit catches guessing spread over many addresses and then
 * still lets in the addresses the account signed in from before (kept 30 days), so anonymous attempts cannot
 * lock the admin out of their own machine.
 */
export class LoginLimiter {
  private readonly pair: RateLimiterRedis;
  private readonly address: RateLimiterRedis;
  private readonly account: RateLimiterRedis;
  private readonly knownPrefix: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {
    const common = { storeClient: redis, duration: limits.windowSeconds };
    this.pair = new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}:rl:login-account-address`,
      points: limits.perAccountAddress,
    });
    this.address = new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}:rl:login-ip`,
      points: limits.perAddress,
    });
    this.account = new RateLimiterRedis({
      ...common,
      keyPrefix: `${prefix}:rl:login-account`,
      points: limits.perAccount,
    });
    this.knownPrefix = `${prefix}:login-known`;
  }

  /** @throws DomainError `rate_limited` (details.retryAfterSeconds) when a limit covering this attempt is used up. */
  async check(email: string, ip: string): Promise<void> {
    const [p, i, a] = await Promise.all([
      this.pair.get(pairKey(email, ip)),
      this.address.get(ip),
      this.account.get(email),
    ]);
    const waits = [
      p && p.consumedPoints >= this.limits.perAccountAddress ? p.msBeforeNext : 0,
      i && i.consumedPoints >= this.limits.perAddress ? i.msBeforeNext : 0,
    ];
    if (a && a.consumedPoints >= this.limits.perAccount && !(await this.known(email, ip)))
      waits.push(a.msBeforeNext);
    const ms = Math.max(...waits);
    if (ms > 0) throw limited(ms);
  }

  /** Records a failure. */
  async failed(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.pair.consume(pairKey(email, ip)).catch(swallowLimit),
      this.address.consume(ip).catch(swallowLimit),
      this.account.consume(email).catch(swallowLimit),
    ]);
  }

  /** Clears the pair's failures and remembers the address for the account. */
  async succeeded(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.pair.delete(pairKey(email, ip)),
      this.redis.set(this.knownKey(email, ip), '1', 'EX', KNOWN_SECONDS),
    ]);
  }

  private async known(email: string, ip: string): Promise<boolean> {
    return (await this.redis.exists(this.knownKey(email, ip))) === 1;
  }

  private knownKey(email: string, ip: string): string {
    return `${this.knownPrefix}:${pairKey(email, ip)}`;
  }
}

/** Addresses hold no space, so the pair's key reads back unambiguously from its last space. */
const pairKey = (email: string, ip: string) => `${email} ${ip}`;

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
