import { describe, expect, it } from 'vitest';
import { nextPollMs } from './buyer.ts';
import type { HttpAnswer } from './http.ts';

const answer = (status: number, retryAfter?: string): HttpAnswer =>
  ({
    status,
    body: {},
    ms: 1,
    headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  }) as HttpAnswer;

describe('the order page poll of a simulated buyer (as apps/web pages/order-poll.ts)', () => {
  it('asks every 2 s while the answers come', () => {
    expect(nextPollMs(answer(200), 0)).toBe(2000);
  });
  it('waits as a 429 or 503 says, at least 2 s', () => {
    expect(nextPollMs(answer(429, '7'), 1)).toBe(7000);
    expect(nextPollMs(answer(503, '1'), 1)).toBe(2000);
  });
  it('doubles after failures without a Retry-After, up to 30 s', () => {
    expect(nextPollMs(null, 1)).toBe(4000);
    expect(nextPollMs(answer(500), 2)).toBe(8000);
    expect(nextPollMs(null, 10)).toBe(30_000);
  });
});
