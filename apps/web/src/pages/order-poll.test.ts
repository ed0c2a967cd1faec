import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/index.ts';
import { nextOrderPollMs, PENDING_POLL_MS } from './order-poll.ts';

describe('nextOrderPollMs', () => {
  it('asks every 2 s while PENDING, never once the order is settled', () => {
    expect(nextOrderPollMs('PENDING', null, 0)).toBe(PENDING_POLL_MS);
    for (const s of ['PAID', 'EXPIRED', 'CANCELLED', 'REFUNDED', undefined])
      expect(nextOrderPollMs(s, null, 0)).toBe(false);
  });

  it('waits as long as a 429 says', () => {
    const limited = new ApiError('rate_limited', 429, '', [], { retryAfterSeconds: 7 });
    expect(nextOrderPollMs('PENDING', limited, 1)).toBe(7000);
    const short = new ApiError('rate_limited', 429, '', [], { retryAfterSeconds: 0.2 });
    expect(nextOrderPollMs('PENDING', short, 1)).toBe(PENDING_POLL_MS);
  });

  it('backs off after failures without a Retry-After, up to 30 s', () => {
    const busy = new ApiError('busy', 503);
    expect(nextOrderPollMs('PENDING', busy, 1)).toBe(4000);
    expect(nextOrderPollMs('PENDING', busy, 2)).toBe(8000);
    expect(nextOrderPollMs('PENDING', busy, 9)).toBe(30_000);
    expect(nextOrderPollMs('PENDING', new Error('network'), 3)).toBe(16_000);
  });
});
