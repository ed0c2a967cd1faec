import { describe, expect, it } from 'vitest';
import { refundableCents, sumCents } from './money.ts';

describe('money', () => {
  it('sums integer cents and refuses anything else', () => {
    expect(sumCents([1250, 1250, 500])).toBe(3000);
    expect(sumCents([])).toBe(0);
    expect(() => sumCents([1.5])).toThrow(RangeError);
    expect(() => sumCents([-1])).toThrow(RangeError);
  });

  it('counts refunds under way and done, not failed or canceled ones', () => {
    expect(
      refundableCents(3000, [
        { amountCents: 1000, status: 'done' },
        { amountCents: 500, status: 'transit' },
        { amountCents: 700, status: 'failed' },
        { amountCents: 100, status: 'canceled' },
      ]),
    ).toBe(1500);
    expect(refundableCents(1000, [{ amountCents: 1000, status: 'done' }])).toBe(0);
  });
});
