import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RATE_LIMITS_OFF, loadConfig } from '../config/index.ts';
import { DomainError } from '../domain/errors.ts';
import { createRateLimits } from './rate-limits.ts';

// A client that never connects (nothing listens on port 1; lazyConnect): Redis is "not ready" throughout.
const offline = new Redis(1, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
afterAll(() => offline.disconnect());

const limits = loadConfig({ ...RATE_LIMITS_OFF, RATE_LIMIT_HOLD_PER_BUYER: '2' }).rateLimits;

describe('createRateLimits', () => {
  it('answers synchronously, without Redis, when both limits are off', () => {
    const rl = createRateLimits({ redis: offline, prefix: 'unit', limits });
    expect(rl.take('session', { address: '192.0.2.1', buyer: 'email:a@b.test' })).toBeNull();
    expect(rl.take('hold', { address: '192.0.2.1' })).toBeNull(); // no buyer: the buyer limit has nothing to count
    expect(rl.take('hold', { buyer: 'b1' }, { perBuyer: 0, perAddress: 0 })).toBeNull();
  });

  it("counts in the node's memory, at once, while Redis is not connected", async () => {
    const rl = createRateLimits({ redis: offline, prefix: 'unit', limits });
    const subject = { address: '192.0.2.1', buyer: 'b1', scope: 'st1' };
    expect(await rl.take('hold', subject)).toBeNull();
    expect(await rl.take('hold', subject)).toBeNull();
    const refused = await rl.take('hold', subject);
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused?.code).toBe('rate_limited');
    expect(refused?.message).toMatch(/^Too many hold requests\. Try again in \d+ s\.$/);
    expect(refused?.details?.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    // Another showtime's budget is its own.
    expect(await rl.take('hold', { ...subject, scope: 'st2' })).toBeNull();
  });
});
