import { z } from 'zod';

/** A limit in requests per minute (0 = off). */
const perMinute = (fallback: number) => z.coerce.number().int().min(0).max(1_000_000).default(fallback);

/**
 * Abuse limits (auth/rate-limits.ts): requests per minute per client address and per buyer, kept in Redis and
 * shared by every node; over a limit the answer is 429 `rate_limited` with Retry-After. 0 turns a limit off.
 * A showtime's own settings (holdLimitPerBuyer, holdLimitPerAddress, queueJoinLimitPerAddress) override the
 * hold and queue-join ones. The address is the socket peer unless TRUST_PROXY names the proxy in front.
 * Part of the one schema in index.ts.
 */
export const rateLimitEnv = {
  RATE_LIMIT_SESSION_PER_ADDRESS: perMinute(60),
  /** Buyer sessions started per minute for one e-mail. */
  RATE_LIMIT_SESSION_PER_BUYER: perMinute(10),
  RATE_LIMIT_CODE_PER_ADDRESS: perMinute(20),
  /** One-time codes asked for per minute by one buyer (the session's, else the e-mail named). */
  RATE_LIMIT_CODE_PER_BUYER: perMinute(5),
  RATE_LIMIT_QUEUE_JOIN_PER_ADDRESS: perMinute(60),
  RATE_LIMIT_QUEUE_JOIN_PER_BUYER: perMinute(10),
  RATE_LIMIT_HOLD_PER_ADDRESS: perMinute(120),
  RATE_LIMIT_HOLD_PER_BUYER: perMinute(30),
  /** Order look-ups by code (with the buyer's e-mail or session), buyer refunds by code included. */
  RATE_LIMIT_ORDER_LOOKUP_PER_ADDRESS: perMinute(60),
  RATE_LIMIT_ORDER_LOOKUP_PER_BUYER: perMinute(30),
};

type RateLimitEnv = z.output<z.ZodObject<typeof rateLimitEnv>>;

/** The environment that turns every abuse limit off: tests and benchmarks that drive many buyers from one address. */
export const RATE_LIMITS_OFF: Readonly<Record<string, string>> = Object.fromEntries(
  Object.keys(rateLimitEnv).map((name) => [name, '0']),
);

/** What the abuse limits count (auth/rate-limits.ts). */
export const limitedActions = ['session', 'code', 'queueJoin', 'hold', 'orderLookup'] as const;
export type LimitedAction = (typeof limitedActions)[number];
/** Requests per minute; 0 = no limit. */
export interface RateLimitSetting {
  perAddress: number;
  perBuyer: number;
}
export type RateLimitConfig = Record<LimitedAction, RateLimitSetting>;

/** config.rateLimits from the parsed RATE_LIMIT_* variables. */
export function rateLimitConfig(e: RateLimitEnv): RateLimitConfig {
  return {
    session: { perAddress: e.RATE_LIMIT_SESSION_PER_ADDRESS, perBuyer: e.RATE_LIMIT_SESSION_PER_BUYER },
    code: { perAddress: e.RATE_LIMIT_CODE_PER_ADDRESS, perBuyer: e.RATE_LIMIT_CODE_PER_BUYER },
    queueJoin: {
      perAddress: e.RATE_LIMIT_QUEUE_JOIN_PER_ADDRESS,
      perBuyer: e.RATE_LIMIT_QUEUE_JOIN_PER_BUYER,
    },
    hold: { perAddress: e.RATE_LIMIT_HOLD_PER_ADDRESS, perBuyer: e.RATE_LIMIT_HOLD_PER_BUYER },
    orderLookup: {
      perAddress: e.RATE_LIMIT_ORDER_LOOKUP_PER_ADDRESS,
      perBuyer: e.RATE_LIMIT_ORDER_LOOKUP_PER_BUYER,
    },
  };
}
