import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from '../src/db/redis.ts';
import { DomainError } from '../src/domain/errors.ts';
import { LoginLimiter } from '../src/auth/login-limiter.ts';
import { testPrefix } from './support/env.ts';
import { deletePrefix, testRedis } from './support/redis-target.ts';

/**
 * Staff sign-in limits per address and account together (issue 15): anonymous guessing locks out the guessing
 * address, not the account's owner; guessing spread over many addresses trips the account-wide limit, which still
 * lets in the addresses the account signed in from before. Real Redis, tight limits.
 */
let redis: Redis;
let prefix: string;
const limits = { perAccountAddress: 3, perAddress: 6, perAccount: 5, windowSeconds: 900 };

beforeAll(() => {
  redis = testRedis({ connectionName: 'login-limiter-test' });
  prefix = testPrefix();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

/** The refusal `check` throws, or null when the attempt may go ahead. */
async function refusal(limiter: LoginLimiter, email: string, ip: string): Promise<DomainError | null> {
  try {
    await limiter.check(email, ip);
    return null;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
}

describe('LoginLimiter', () => {
  it('locks only the guessing address out of the account; a clean address still signs in', async () => {
    const limiter = new LoginLimiter(redis, prefix, limits);
    const admin = 'admin-1@test.local';
    for (let i = 0; i < 3; i++) {
      expect(await refusal(limiter, admin, '192.0.2.1')).toBeNull();
      await limiter.failed(admin, '192.0.2.1');
    }
    const locked = await refusal(limiter, admin, '192.0.2.1');
    expect(locked?.code).toBe('rate_limited');
    expect(locked?.details?.retryAfterSeconds).toBeGreaterThan(890);
    expect(await refusal(limiter, admin, '198.51.100.7')).toBeNull();
  });

  it('limits one address across accounts', async () => {
    const limiter = new LoginLimiter(redis, prefix, limits);
    for (let i = 0; i < 6; i++) await limiter.failed(`nobody-${i}@test.local`, '192.0.2.2');
    expect((await refusal(limiter, 'admin-2@test.local', '192.0.2.2'))?.code).toBe('rate_limited');
    expect(await refusal(limiter, 'admin-2@test.local', '192.0.2.3')).toBeNull();
  });

  it('stops guessing spread over many addresses, but lets in an address the account signed in from before', async () => {
    const limiter = new LoginLimiter(redis, prefix, limits);
    const admin = 'admin-3@test.local';
    await limiter.succeeded(admin, '203.0.113.10');
    for (let i = 0; i < 5; i++) await limiter.failed(admin, `192.0.2.${100 + i}`);
    expect((await refusal(limiter, admin, '198.51.100.99'))?.code).toBe('rate_limited');
    expect(await refusal(limiter, admin, '203.0.113.10')).toBeNull();
  });

  it("clears a pair's failures on success", async () => {
    const limiter = new LoginLimiter(redis, prefix, limits);
    const user = 'user-4@test.local';
    for (let i = 0; i < 2; i++) await limiter.failed(user, '192.0.2.50');
    await limiter.succeeded(user, '192.0.2.50');
    for (let i = 0; i < 2; i++) await limiter.failed(user, '192.0.2.50');
    expect(await refusal(limiter, user, '192.0.2.50')).toBeNull();
    await limiter.failed(user, '192.0.2.50');
    expect((await refusal(limiter, user, '192.0.2.50'))?.code).toBe('rate_limited');
  });
});
